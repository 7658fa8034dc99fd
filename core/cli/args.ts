/** A small, strict flag parser: --name value, --name=value, --flag, --no-flag. */
export interface FlagSpec {
  [name: string]: 'string' | 'number' | 'boolean';
}

export type ParsedFlags<S extends FlagSpec> = {
  [K in keyof S]?: S[K] extends 'string' ? string : S[K] extends 'number' ? number : boolean;
};

export class UsageError extends Error {}

export function parseFlags<S extends FlagSpec>(argv: string[], spec: S): ParsedFlags<S> {
  const out: Record<string, string | number | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new UsageError(`Unexpected argument "${arg}".`);
    let [name, value] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    let negated = false;
    if (!(name in spec) && name.startsWith('no-') && spec[name.slice(3)] === 'boolean') {
      name = name.slice(3);
      negated = true;
    }
    const type = spec[name];
    if (!type) throw new UsageError(`Unknown option --${name}. Known: ${Object.keys(spec).map((k) => '--' + k).join(', ')}.`);
    if (type === 'boolean') {
      out[name] = negated ? false : value === undefined ? true : value !== 'false';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value.`);
    }
    if (type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${value}".`);
      out[name] = n;
    } else out[name] = value;
  }
  return out as ParsedFlags<S>;
}
