interface Props {
  checked: boolean;
  onChange(checked: boolean): void;
  label: string;
  disabled?: boolean;
}

/** A switch: a checkbox underneath, so it stays keyboard- and screen-reader-friendly. */
export function Toggle({ checked, onChange, label, disabled }: Props) {
  return (
    <label className={`toggle${checked ? ' is-on' : ''}${disabled ? ' is-disabled' : ''}`}>
      <input type="checkbox" role="switch" checked={checked} disabled={disabled} aria-label={label} onChange={(e) => onChange(e.target.checked)} />
      <span className="toggle-track">
        <span className="toggle-thumb" />
      </span>
    </label>
  );
}
