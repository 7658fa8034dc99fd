/**
 * Getting the JSON out of a model's reply: models wrap it in ```json fences or
 * in prose ("Sure! Here is the object: {...} Hope that helps").
 */

const fence = /```[ \t]*(?:json5?|JSON|javascript|js)?[ \t]*\r?\n?([\s\S]*?)(?:```|$)/;

/** The text inside the first ``` fence, or the text itself. */
export function stripFences(raw: string): string {
  const m = fence.exec(raw);
  return (m?.[1] ?? raw).trim();
}

/**
 * The balanced span starting at `start` (an opening `{` or `[`), honouring
 * strings and escapes; null if it never closes.
 */
function balancedEnd(text: string, start: number): number | null {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') stack.push('}');
    else if (ch === '[') stack.push(']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return null;
      if (stack.length === 0) return i;
    }
  }
  return null;
}

/**
 * The JSON text in a reply: fences stripped, then — if prose surrounds it —
 * the outermost object (or array, when `open` is "[") found first. Falls back
 * to the span from the first opener to the last closer, so a broken value
 * still reaches JSON.parse and yields a useful error.
 */
export function extractJsonText(raw: string, open: '{' | '[' = '{'): string {
  const text = stripFences(raw);
  const close = open === '{' ? '}' : ']';
  for (let i = text.indexOf(open); i !== -1; i = text.indexOf(open, i + 1)) {
    const end = balancedEnd(text, i);
    if (end !== null) return text.slice(i, end + 1);
  }
  const first = text.indexOf(open);
  const last = text.lastIndexOf(close);
  if (first !== -1 && last > first) return text.slice(first, last + 1);
  return text;
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; message: string };

/** Extracts and parses the JSON in a reply. */
export function parseJsonReply(raw: string, open: '{' | '[' = '{'): JsonParse {
  if (!raw.trim()) return { ok: false, message: 'the reply was empty' };
  const whole = stripFences(raw);
  try {
    return { ok: true, value: JSON.parse(whole) as unknown };
  } catch {
    // prose around it: fall through to the extracted span
  }
  const text = extractJsonText(raw, open);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, message: `the reply is not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
}
