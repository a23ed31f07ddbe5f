/**
 * A modal dialog on the native <dialog> element (showModal): the page behind is inert, Tab and
 * Shift+Tab cycle inside it (the native dialog would let the focus out to the browser's own controls
 * past its last element), Escape closes it. Focus goes to the first field (or the given element) on open and back to
 * whatever had it before on close.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { Icon, cx } from './ui';

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  footer?: ComponentChildren;
  size?: 'small' | 'medium' | 'large';
  /** A destructive confirmation: red accent. */
  danger?: boolean;
}

/** What Tab can reach inside a dialog. */
const FOCUSABLE =
  'a[href], button:not(:disabled), input:not([type=hidden]):not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

export function Dialog({ title, onClose, children, footer, size = 'medium', danger }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const unmounted = useRef(false);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!d.open) d.showModal();
    const first = d.querySelector<HTMLElement>('[data-autofocus], input:not([type=hidden]):not(:disabled), textarea, select');
    (first ?? d.querySelector<HTMLElement>('.dialog__close'))?.focus();
    return () => {
      unmounted.current = true;
      if (d.open) d.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class={cx('dialog', `dialog--${size}`, danger && 'dialog--danger')}
      aria-labelledby={titleId}
      onKeyDown={(e) => {
        if (e.key !== 'Tab' || !ref.current) return;
        const focusable = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
        if (focusable.length === 0) return;
        const first = focusable[0]!;
        const last = focusable[focusable.length - 1]!;
        if (e.shiftKey && (document.activeElement === first || !ref.current.contains(document.activeElement))) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }}
      onClose={() => {
        // Closed by the browser itself (Chromium closes a dialog on a second Escape without user
        // activation in between, skipping the cancel event): the state follows, so the page agrees.
        if (!unmounted.current) onClose();
      }}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its box) closes it.
        const d = ref.current;
        if (d && e.target === d) {
          const r = d.getBoundingClientRect();
          if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) onClose();
        }
      }}
    >
      <div class="dialog__header">
        <h2 id={titleId} class="dialog__title">
          {title}
        </h2>
        <button type="button" class="icon-button dialog__close" aria-label="Close" onClick={onClose}>
          <Icon name="close" />
        </button>
      </div>
      <div class="dialog__body">{children}</div>
      {footer && <div class="dialog__footer">{footer}</div>}
    </dialog>
  );
}
