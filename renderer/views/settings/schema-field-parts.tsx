import type { ComponentType } from 'react';
import type { Issue, JsonSchema } from '../../lib/json-schema.js';

export interface FieldProps {
  schema: JsonSchema;
  value: unknown;
  onChange(v: unknown): void;
  /** Where this field sits in the value ("patterns.0.probability"). */
  path: string;
  label: string;
  issues: Issue[];
  /** Prefix for element ids, unique per form. */
  idBase: string;
}

export const fieldId = (idBase: string, path: string): string => `${idBase}-${path.replace(/[^\w-]/g, '_') || 'root'}`;

export function FieldErrors({ id, issues }: { id: string; issues: Issue[] }) {
  if (!issues.length) return null;
  return (
    <div className="field-error" id={id} data-testid="field-error">
      {issues.map((i) => i.message).join(' ')}
    </div>
  );
}

/** What a list or a record draws its entries with (handed in, so the files do not import each other). */
export type FieldComponent = ComponentType<FieldProps>;
