/**
 * WAI-ARIA tabs: a tablist of buttons with roving tabindex (arrow keys, Home, End move between
 * tabs and select them), each tab controlling one tabpanel.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

export interface TabDef {
  id: string;
  label: string;
  badge?: ComponentChildren;
}

export function Tabs({
  tabs,
  selected,
  onSelect,
  label,
  children,
}: {
  tabs: TabDef[];
  selected: string;
  onSelect: (id: string) => void;
  label: string;
  children: ComponentChildren;
}) {
  const base = useId();
  const listRef = useRef<HTMLDivElement>(null);
  const move = (e: KeyboardEvent, index: number) => {
    let next = -1;
    if (e.key === 'ArrowRight') next = (index + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    onSelect(tabs[next]!.id);
    listRef.current?.querySelectorAll<HTMLElement>('[role=tab]')[next]?.focus();
  };
  // On a narrow screen the tab strip scrolls sideways: keep the selected tab in view (a page opened
  // on its last tab showed it cut off at the edge), scrolling the strip only, never the page.
  useEffect(() => {
    const reveal = (): void => {
      const list = listRef.current;
      const tab = list?.querySelector<HTMLElement>('[aria-selected=true]');
      if (!list || !tab) return;
      const l = list.getBoundingClientRect();
      const t = tab.getBoundingClientRect();
      if (t.left < l.left) list.scrollLeft -= l.left - t.left + 16;
      else if (t.right > l.right) list.scrollLeft += t.right - l.right + 16;
    };
    reveal();
    // A phone turned, a window narrowed: the strip may now cut the selected tab.
    window.addEventListener('resize', reveal);
    return () => window.removeEventListener('resize', reveal);
  }, [selected]);
  return (
    <div class="tabs">
      <div class="tabs__list" role="tablist" aria-label={label} ref={listRef}>
        {tabs.map((t, i) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`${base}-tab-${t.id}`}
            aria-selected={t.id === selected}
            aria-controls={`${base}-panel`}
            tabIndex={t.id === selected ? 0 : -1}
            class="tabs__tab"
            onClick={() => onSelect(t.id)}
            onKeyDown={(e) => move(e, i)}
          >
            {t.label}
            {t.badge !== undefined && <span class="tabs__badge">{t.badge}</span>}
          </button>
        ))}
      </div>
      <div class="tabs__panel" role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${selected}`} tabIndex={-1}>
        {children}
      </div>
    </div>
  );
}
