export type JsonParse = { ok: true; value: unknown } | { ok: false; error: string };

export function parseJson(text: string): JsonParse {
  if (!text.trim()) return { ok: false, error: 'Empty: write a JSON value.' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : 'Not valid JSON.' };
  }
}

interface Props {
  value: string;
  onChange(text: string): void;
  rows?: number;
  label?: string;
  /** Extra problem to show under the editor (e.g. "must be an object"). */
  problem?: string | null;
  id?: string;
}

/**
 * A monospace text area that says, as you type, whether its text is valid JSON.
 * It never reformats itself (on blur it used to grow and move the button under the click).
 */
export function JsonEditor({ value, onChange, rows = 6, label, problem, id }: Props) {
  const parsed = parseJson(value);
  const error = !parsed.ok ? parsed.error : (problem ?? null);
  return (
    <div className={`json-editor${error ? ' has-error' : ''}`}>
      <textarea
        id={id}
        aria-label={label}
        className="json-text"
        spellCheck={false}
        rows={rows}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && <div className="field-error">{error}</div>}
    </div>
  );
}
