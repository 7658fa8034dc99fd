import { useRef, type KeyboardEvent } from 'react';

interface Props<T extends string> {
  label: string;
  options: readonly { id: T; label: string }[];
  value: T;
  onChange(id: T): void;
  className?: string;
  /** id of the panel the tabs control, for aria-controls. */
  panelId?: string;
}

/**
 * Chips that behave as tabs (WAI-ARIA tabs pattern): one tab stop, the
 * selected chip; Left/Right (and Up/Down) move and select, Home/End jump.
 */
export function TabChips<T extends string>({ label, options, value, onChange, className, panelId }: Props<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const i = options.findIndex((o) => o.id === value);
    const last = options.length - 1;
    const next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: last }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const j = next < 0 ? last : next > last ? 0 : next;
    const target = options[j];
    if (!target) return;
    onChange(target.id);
    ref.current?.querySelectorAll<HTMLElement>('[role="tab"]')[j]?.focus();
  };
  return (
    <div ref={ref} className={`chip-row${className ? ` ${className}` : ''}`} role="tablist" aria-label={label} onKeyDown={onKey}>
      {options.map((o) => (
        <button
          key={o.id}
          type="button"
          role="tab"
          id={`tab-${o.id}`}
          aria-selected={o.id === value}
          aria-controls={panelId}
          tabIndex={o.id === value ? 0 : -1}
          className={`chip${o.id === value ? ' is-on' : ''}`}
          onClick={() => onChange(o.id)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
