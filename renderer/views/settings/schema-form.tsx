import { isObject, joinPath, typesOf, type JsonSchema } from '../../lib/json-schema.js';
import { Toggle } from '../../components/toggle.js';
import { fieldLabel } from './field-label.js';
import { CheckboxList, EnumSelect, NumberInput, TextInput } from './schema-inputs.js';
import { ListField, RecordField } from './schema-collections.js';
import { FieldErrors, fieldId, type FieldProps } from './schema-field-parts.js';

export type { FieldProps };

/** One value of a policy, drawn from its schema: a switch, a bounded number, text, a choice, a list or a group. */
export function SchemaField(props: FieldProps) {
  const { schema, value, onChange, path, label, issues, idBase } = props;
  const id = fieldId(idBase, path);
  const mine = issues.filter((i) => i.path === path);
  const errId = `${id}-err`;
  const leaf = { schema, value, onChange, id, label, invalid: mine.length > 0, ...(mine.length ? { describedBy: errId } : {}) };
  const hint = schema.description && !schema.pattern ? <span className="field-hint">{schema.description}</span> : null;

  if (schema.anyOf) {
    const nonNull = schema.anyOf.filter((s) => !typesOf(s).includes('null'));
    const nullable = nonNull.length < schema.anyOf.length;
    const inner: JsonSchema = nonNull.length === 1 ? (nonNull[0] as JsonSchema) : { ...(nonNull[0] ?? {}), type: 'string', pattern: undefined, description: nonNull.find((s) => s.description)?.description };
    if (!nullable) return <SchemaField {...props} schema={nonNull.length === 1 ? inner : { ...inner, anyOf: undefined }} />;
    return (
      <div className="policy-field" data-path={path}>
        <div className="field-row">
          <span className="field-label">{label}</span>
          <label className="check-item">
            <input type="checkbox" checked={value !== null} onChange={(e) => onChange(e.target.checked ? (inner.type === 'string' ? '' : (inner.minimum ?? 0)) : null)} />
            <span>set</span>
          </label>
        </div>
        {value !== null && <SchemaField {...props} schema={inner} label={label} />}
        {value === null && <span className="field-hint">Not set: the engine decides.</span>}
      </div>
    );
  }

  const types = typesOf(schema);
  if (types.includes('boolean')) {
    return (
      <div className="policy-field policy-field-inline" data-path={path}>
        <span className="field-label">{label}</span>
        <Toggle label={label} checked={value === true} onChange={onChange} />
        <FieldErrors id={errId} issues={mine} />
      </div>
    );
  }
  if (types.includes('integer') || types.includes('number') || types.includes('string')) {
    const input = types.includes('string') ? schema.enum ? <EnumSelect {...leaf} /> : <TextInput {...leaf} /> : <NumberInput {...leaf} />;
    return (
      <div className={`policy-field${types.includes('string') ? '' : ' policy-field-inline'}`} data-path={path}>
        <label className="field-label" htmlFor={id}>
          {label}
        </label>
        {input}
        {hint}
        <FieldErrors id={errId} issues={mine} />
      </div>
    );
  }
  if (types.includes('array')) {
    if (schema.items?.enum) {
      return (
        <div className="policy-field" data-path={path}>
          <span className="field-label">{label}</span>
          <CheckboxList {...leaf} />
          <FieldErrors id={errId} issues={issues.filter((i) => i.path === path || i.path.startsWith(`${path}.`))} />
        </div>
      );
    }
    return <ListField {...props} Field={SchemaField} />;
  }
  if (types.includes('object')) {
    if (schema.properties) return <ObjectFields {...props} />;
    return <RecordField {...props} Field={SchemaField} />;
  }
  return null;
}

/** A group of named fields; the top level of a policy is one, without a frame. */
export function ObjectFields(props: FieldProps & { bare?: boolean }) {
  const { schema, value, onChange, path, label, issues, idBase, bare } = props;
  const obj = isObject(value) ? value : {};
  const body = Object.entries(schema.properties ?? {}).map(([key, sub]) => (
    <SchemaField
      key={key}
      schema={sub}
      value={obj[key]}
      onChange={(v) => onChange({ ...obj, [key]: v })}
      path={joinPath(path, key)}
      label={fieldLabel(key)}
      issues={issues}
      idBase={idBase}
    />
  ));
  if (bare) return <>{body}</>;
  return (
    <fieldset className="policy-group" data-path={path}>
      <legend className="field-label">{label}</legend>
      {body}
    </fieldset>
  );
}
