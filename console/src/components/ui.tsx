/**
 * Small building blocks shared by the pages: labelled fields with hints and errors, alerts, badges,
 * panels, key/value lists, icons. Every field is a real <label>/<input> pair with its hint and error
 * tied in through aria-describedby, so screen readers and Playwright's getByLabel find them.
 */
import type { ComponentChildren } from 'preact';
import { useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Unit } from '../validate';

export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}

interface FieldProps {
  label: string;
  hint?: ComponentChildren;
  error?: string | undefined;
  /** Renders the control; receives the id and aria attributes to spread on it. */
  children: (a: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ComponentChildren;
  optional?: boolean;
  class?: string;
}

/**
 * A label, its control, and under it either the hint or — when the value is refused — the error in
 * its place (the AWS console's way: the error restates the rule the hint gave).
 */
export function Field({ label, hint: givenHint, error, children, optional, class: className }: FieldProps) {
  const id = useId();
  const hint = error ? undefined : givenHint;
  const hintId = `${id}-hint`;
  const errId = `${id}-error`;
  const describedBy = [error ? errId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={cx('field', error && 'field--invalid', className)}>
      <label for={id} class="field__label">
        {label}
        {optional && <span class="field__optional"> – optional</span>}
      </label>
      {children({ id, ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(error ? { 'aria-invalid': true } : {}) })}
      {error && (
        <p id={errId} class="field__error">
          <Icon name="error" />
          {error}
        </p>
      )}
      {hint && (
        <p id={hintId} class="field__hint">
          {hint}
        </p>
      )}
    </div>
  );
}

interface DurationProps {
  label: string;
  value: string;
  unit: Unit;
  units: readonly Unit[];
  onValue: (v: string) => void;
  onUnit: (u: Unit) => void;
  hint: string;
  error?: string | undefined;
  disabled?: boolean;
}

/** A number with a unit picker (seconds/minutes/hours/days), as the AWS console's duration fields. */
export function DurationField({ label, value, unit, units, onValue, onUnit, hint, error, disabled }: DurationProps) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(a) => (
        <div class="input-group">
          <input
            {...a}
            class="input input--num"
            inputMode="numeric"
            autocomplete="off"
            value={value}
            disabled={disabled}
            onInput={(e) => onValue(e.currentTarget.value)}
          />
          <select
            class="select"
            aria-label={`${label} unit`}
            value={unit}
            disabled={disabled}
            onChange={(e) => onUnit(e.currentTarget.value as Unit)}
          >
            {units.map((u) => (
              <option key={u} value={u}>
                {u[0]!.toUpperCase() + u.slice(1)}
              </option>
            ))}
          </select>
        </div>
      )}
    </Field>
  );
}

type Tone = 'info' | 'success' | 'warning' | 'error';

export function Alert({ tone, title, children, onDismiss }: { tone: Tone; title?: string; children?: ComponentChildren; onDismiss?: () => void }) {
  return (
    <div class={`alert alert--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <Icon name={tone === 'success' ? 'check' : tone === 'info' ? 'info' : 'error'} />
      <div class="alert__body">
        {title && <p class="alert__title">{title}</p>}
        {children && <div class="alert__text">{children}</div>}
      </div>
      {onDismiss && (
        <button type="button" class="icon-button" aria-label="Dismiss" onClick={onDismiss}>
          <Icon name="close" />
        </button>
      )}
    </div>
  );
}

/**
 * A table that can be wider than its frame (a phone): it scrolls sideways inside the frame, never the
 * page, and says so — a shadow on each side where columns are hidden, and under it "Scroll sideways
 * for more columns" until the last column is in view. While it scrolls it is a named, focusable region,
 * so the arrow keys scroll it too.
 */
export function TableScroll({ label, children }: { label: string; children: ComponentChildren }) {
  const ref = useRef<HTMLDivElement>(null);
  const [edges, setEdges] = useState({ left: false, right: false });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => {
      const max = el.scrollWidth - el.clientWidth;
      const left = max > 1 && el.scrollLeft > 1;
      const right = max > 1 && el.scrollLeft < max - 1;
      setEdges((e) => (e.left === left && e.right === right ? e : { left, right }));
    };
    update();
    el.addEventListener('scroll', update, { passive: true });
    const ro = new ResizeObserver(update);
    ro.observe(el);
    if (el.firstElementChild) ro.observe(el.firstElementChild);
    return () => {
      el.removeEventListener('scroll', update);
      ro.disconnect();
    };
  }, []);
  const scrolls = edges.left || edges.right;
  return (
    <div class={cx('table-scroll', edges.left && 'table-scroll--left', edges.right && 'table-scroll--right')}>
      <div class="table-scroll__frame">
        <div ref={ref} class="table-wrap" {...(scrolls ? { tabIndex: 0, role: 'region', 'aria-label': `${label}, scrolls sideways` } : {})}>
          {children}
        </div>
      </div>
      {edges.right && (
        <p class="table-scroll__hint">
          Scroll sideways for more columns <Icon name="arrow" size={12} />
        </p>
      )}
    </div>
  );
}

/**
 * Why an action is not offered to this key: shown beside the disabled control (tied to it with
 * aria-describedby), in the words AWS uses for a missing permission — which IAM action is not allowed.
 */
export function PermissionNote({ id, children }: { id?: string; children: ComponentChildren }) {
  return (
    <p id={id} class="permission-note">
      <Icon name="lock" size={12} />
      <span>{children}</span>
    </p>
  );
}

export function Badge({ tone = 'neutral', children }: { tone?: string; children: ComponentChildren }) {
  return <span class={`badge badge--${tone}`}>{children}</span>;
}

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return <span class="spinner" role="progressbar" aria-label={label} />;
}

export function Panel({
  title,
  actions,
  children,
  level = 2,
  class: className,
  description,
}: {
  title: ComponentChildren;
  actions?: ComponentChildren;
  children: ComponentChildren;
  level?: 2 | 3;
  class?: string;
  description?: ComponentChildren;
}) {
  const id = useId();
  const H = level === 2 ? 'h2' : 'h3';
  return (
    <section class={cx('panel', className)} aria-labelledby={id}>
      <header class="panel__header">
        <div>
          <H id={id} class="panel__title">
            {title}
          </H>
          {description && <p class="panel__description">{description}</p>}
        </div>
        {actions && <div class="panel__actions">{actions}</div>}
      </header>
      <div class="panel__body">{children}</div>
    </section>
  );
}

/** Label/value pairs in a grid; a third element `true` lets an item span two columns (ARNs, URLs). */
export function KeyValues({
  items,
  columns = 3,
}: {
  items: ([string, ComponentChildren] | [string, ComponentChildren, boolean])[];
  columns?: number;
}) {
  return (
    <dl class="kv" style={`--kv-columns: ${columns}`}>
      {items.map(([k, v, wide]) => (
        <div class={cx('kv__item', wide && 'kv__item--wide')} key={k}>
          <dt>{k}</dt>
          <dd>{v ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A value with a copy-to-clipboard button (silently absent where the clipboard API is not offered). */
export function Copyable({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const canCopy = typeof navigator !== 'undefined' && !!navigator.clipboard && window.isSecureContext;
  return (
    <span class="copyable">
      <span class="mono break">{text}</span>
      {canCopy && (
        <button
          type="button"
          class="icon-button icon-button--small"
          aria-label={copied ? `${label} copied` : `Copy ${label}`}
          title={copied ? 'Copied' : `Copy ${label}`}
          onClick={() => {
            void navigator.clipboard.writeText(text).then(() => {
              setCopied(true);
              window.setTimeout(() => setCopied(false), 1500);
            });
          }}
        >
          <Icon name={copied ? 'check' : 'copy'} />
        </button>
      )}
    </span>
  );
}

const PATHS: Record<string, string> = {
  refresh: 'M4 10a6 6 0 0 1 10.4-4.1M16 4v3.5h-3.5M16 10a6 6 0 0 1-10.4 4.1M4 16v-3.5h3.5',
  plus: 'M10 4v12M4 10h12',
  close: 'M5 5l10 10M15 5L5 15',
  check: 'M4 10.5l4 4 8-9',
  error: 'M10 6v5M10 14h.01M10 2.5l8 14.5H2z',
  info: 'M10 9v5M10 6h.01M10 18a8 8 0 1 0 0-16 8 8 0 0 0 0 16z',
  copy: 'M7 7h9v9H7zM4 13V4h9',
  pause: 'M7 4v12M13 4v12',
  play: 'M6 4l10 6-10 6z',
  chevron: 'M7 5l5 5-5 5',
  down: 'M5 8l5 5 5-5',
  search: 'M9 15a6 6 0 1 0 0-12 6 6 0 0 0 0 12zM13.5 13.5L17 17',
  trash: 'M4 6h12M8 6V4h4v2M6 6l1 10h6l1-10',
  send: 'M3 10l14-6-6 14-2-6z',
  queue: 'M3 5h14M3 10h14M3 15h14',
  logout: 'M8 4H4v12h4M12 6l4 4-4 4M16 10H8',
  lock: 'M6 9V6a4 4 0 0 1 8 0v3M5 9h10v8H5z',
  eye: 'M2 10s3-6 8-6 8 6 8 6-3 6-8 6-8-6-8-6zM10 12a2 2 0 1 0 0-4 2 2 0 0 0 0 4z',
  clock: 'M10 18a8 8 0 1 0 0-16 8 8 0 0 0 0 16zM10 6v4l3 2',
  arrow: 'M4 10h12M11 5l5 5-5 5',
  edit: 'M4 16h3l9-9-3-3-9 9zM12 5l3 3',
};

export function Icon({ name, size = 16 }: { name: string; size?: number }) {
  return (
    <svg class="icon" width={size} height={size} viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d={PATHS[name] ?? ''} fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty__title">{title}</p>
      {children && <div class="empty__text">{children}</div>}
    </div>
  );
}

/** A group of radio buttons in a fieldset with a legend (keyboard: arrows move within the group). */
export function RadioGroup<T extends string>({
  legend,
  name,
  value,
  options,
  onChange,
  disabled,
  cards,
  inline,
  hideLegend,
  hint,
}: {
  legend: string;
  name: string;
  value: T;
  options: { value: T; label: string; description?: string }[];
  onChange: (v: T) => void;
  disabled?: boolean;
  cards?: boolean;
  /** Options side by side (short choices such as Disabled / Enabled). */
  inline?: boolean;
  /** The legend only for assistive technology (a heading right above already says it). */
  hideLegend?: boolean;
  hint?: ComponentChildren;
}) {
  const id = useId();
  return (
    <fieldset class={cx('radio-group', cards && 'radio-group--cards', inline && 'radio-group--inline')} disabled={disabled}>
      <legend class={hideLegend ? 'sr-only' : 'field__label'}>{legend}</legend>
      {hint && <p class="field__hint">{hint}</p>}
      <div class="radio-group__options">
        {options.map((o) => (
          // The option's name is its label alone ("FIFO"); the description is its accessible description.
          <label key={o.value} class={cx('radio', value === o.value && 'radio--checked')}>
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={value === o.value}
              onChange={() => onChange(o.value)}
              aria-labelledby={`${id}-${o.value}`}
              {...(o.description ? { 'aria-describedby': `${id}-${o.value}-d` } : {})}
            />
            <span class="radio__text">
              <span class="radio__label" id={`${id}-${o.value}`}>
                {o.label}
              </span>
              {o.description && (
                <span class="radio__description" id={`${id}-${o.value}-d`}>
                  {o.description}
                </span>
              )}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function Checkbox({
  label,
  checked,
  onChange,
  description,
  disabled,
}: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  description?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div class="checkbox">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.currentTarget.checked)}
        {...(description ? { 'aria-describedby': `${id}-d` } : {})}
      />
      <div>
        <label for={id} class="checkbox__label">
          {label}
        </label>
        {description && (
          <p id={`${id}-d`} class="field__hint">
            {description}
          </p>
        )}
      </div>
    </div>
  );
}
