/**
 * Accessibility and layout checks for the console's browser tests, on what Chromium itself computes:
 * the accessibility tree (roles, accessible names, heading levels — through the DevTools protocol),
 * axe-core's rules run in the page (bundled from node_modules, offline), the focus ring, and element
 * boxes against the viewport.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Locator, Page } from 'playwright-core';
import { isFocused } from './harness.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Roles that are controls: each must have an accessible name. */
const NAMED_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'checkbox',
  'radio',
  'spinbutton',
  'slider',
  'switch',
  'tab',
  'menuitem',
  'option',
  'dialog',
  'tabpanel',
  'img',
]);

interface AXValue {
  value?: string | number | boolean;
}
interface AXNode {
  ignored: boolean;
  role?: AXValue;
  name?: AXValue;
  properties?: { name: string; value: AXValue }[];
}

/**
 * Problems on the page as it is now (an empty list when there are none):
 * - the outline: exactly one level-1 heading (with a modal dialog open: a heading in it), and no
 *   heading deeper than one level below the one before;
 * - every control (button, link, form field, tab, dialog, image…) has an accessible name;
 * - axe-core's serious and critical violations (WCAG 2.x A and AA rules, and best practices).
 */
export async function a11yProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AXNode[] };
    for (const n of nodes) {
      if (n.ignored) continue;
      const role = String(n.role?.value ?? '');
      const name = String(n.name?.value ?? '').trim();
      if (role === 'heading' && name === '') problems.push('an empty heading');
      if (NAMED_ROLES.has(role) && name === '') problems.push(`a ${role} without an accessible name`);
    }
  } finally {
    await cdp.detach();
  }
  // The outline in document order (the accessibility tree's node list is not in that order), of what
  // is shown: with a modal dialog open the page behind is inert, and the dialog's headings are the outline.
  const { levels, modal } = (await page.evaluate(`(() => {
    const modal = document.querySelector('dialog:modal');
    const scope = modal || document;
    const levels = [...scope.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]')]
      .filter((h) => h.checkVisibility() && !h.closest('[aria-hidden=true]'))
      .map((h) => Number(h.getAttribute('aria-level') || h.tagName.slice(1)));
    return { levels, modal: !!modal };
  })()`)) as { levels: number[]; modal: boolean };
  {
    const h1 = levels.filter((l) => l === 1).length;
    if (modal && levels.length === 0) problems.push('a modal dialog without a heading');
    if (!modal && h1 !== 1) problems.push(`${h1} level-1 headings (one expected): ${levels.map((l) => `h${l}`).join(' ')}`);
    for (let i = 1; i < levels.length; i++) {
      if (levels[i]! > levels[i - 1]! + 1)
        problems.push(`heading order skips a level: h${levels[i - 1]} then h${levels[i]} (${levels.map((l) => `h${l}`).join(' ')})`);
    }
  }
  // Evaluated through the DevTools protocol, which the console's Content-Security-Policy (no inline
  // scripts) does not apply to; the page's own policy stays on.
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const result = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })`,
  )) as { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] };
  for (const v of result.violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical') continue;
    for (const node of v.nodes) problems.push(`axe ${v.id} (${v.impact}): ${v.help} — ${JSON.stringify(node.target)}: ${node.failureSummary ?? ''}`);
  }
  return problems;
}

/** The page scrolls sideways (its content is wider than the viewport): the overflow in px, 0 when it does not. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(
    'Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth',
  ) as Promise<number>;
}

/** Why `target` is not fully shown inside the viewport, or '' when it is (visible, with its whole box on screen). */
export async function outsideViewport(page: Page, target: Locator): Promise<string> {
  if (!(await target.isVisible())) return 'not visible';
  const box = await target.boundingBox();
  const vp = page.viewportSize();
  if (!box || !vp) return 'no box';
  if (box.width < 1 || box.height < 1) return `an empty box ${JSON.stringify(box)}`;
  if (box.x < 0 || box.y < 0 || box.x + box.width > vp.width + 0.5 || box.y + box.height > vp.height + 0.5) {
    return `box ${JSON.stringify(box)} not inside the ${vp.width}×${vp.height} viewport`;
  }
  return '';
}

/**
 * Press Tab (or Shift+Tab) until `target` has the focus; fails after `max` presses. Returns how many
 * presses it took.
 */
export async function tabTo(page: Page, target: Locator, { max = 80, back = false }: { max?: number; back?: boolean } = {}): Promise<number> {
  const seen: string[] = [];
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (await isFocused(target)) return i;
    seen.push(await focusedDescription(page));
  }
  throw new Error(
    `${target.toString()} never got the focus in ${max} presses of ${back ? 'Shift+Tab' : 'Tab'}; the focus went to: ${seen.join(' → ')}`,
  );
}

/** A short description of the focused element (tag, role and name), for failure messages. */
export async function focusedDescription(page: Page): Promise<string> {
  return page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el) return 'nothing';
    const label = el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].textContent) || el.textContent || '';
    return el.tagName.toLowerCase() + (el.getAttribute('role') ? '[' + el.getAttribute('role') + ']' : '') + ' "' + label.trim().replace(/\\s+/g, ' ').slice(0, 30) + '"';
  })()`) as Promise<string>;
}

/**
 * Why the focused element shows no focus indicator, or '' when it does: it must match :focus-visible
 * (as after keyboard use) and draw an outline or a box shadow.
 */
export async function focusIndicatorProblem(page: Page): Promise<string> {
  return page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'nothing has the focus';
    const what = el.tagName.toLowerCase() + (el.getAttribute('aria-label') ? ' "' + el.getAttribute('aria-label') + '"' : ' "' + (el.textContent || '').trim().slice(0, 40) + '"');
    if (!el.matches(':focus-visible')) return what + ' does not match :focus-visible';
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow !== 'none' && s.boxShadow !== '';
    return outline || shadow ? '' : what + ' has no outline or box shadow when focused';
  })()`) as Promise<string>;
}

/** Whether the focus is on `container` or inside it. */
export async function focusInside(container: Locator): Promise<boolean> {
  return container.evaluate((el: unknown) => {
    const d = (globalThis as unknown as { document: { activeElement: unknown } }).document;
    return (el as { contains(n: unknown): boolean }).contains(d.activeElement);
  });
}
