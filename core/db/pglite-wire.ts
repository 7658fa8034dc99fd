/**
 * PostgreSQL's frontend/backend wire protocol, the few messages the PGlite
 * adapter sends in one call into the database (Parse, Describe, Bind,
 * Execute, Close, Sync, Query) and the replies it reads back.
 *
 * PGlite's own `query()` enters the database six times per statement
 * (parse, describe, bind, describe, execute, sync) and re-describes every
 * statement every time. The adapter instead prepares each statement once
 * (named), remembers its parameter and result types, and then runs it with
 * one call: Bind + Execute + Sync.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A growable byte buffer that frontend messages are written into. */
export class MessageWriter {
  private buf = new Uint8Array(512);
  private n = 0;

  private ensure(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }
  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.n++] = b;
  }
  private i16(v: number): void {
    this.ensure(2);
    this.buf[this.n++] = (v >> 8) & 255;
    this.buf[this.n++] = v & 255;
  }
  private i32(v: number): void {
    this.ensure(4);
    this.buf[this.n++] = (v >>> 24) & 255;
    this.buf[this.n++] = (v >>> 16) & 255;
    this.buf[this.n++] = (v >>> 8) & 255;
    this.buf[this.n++] = v & 255;
  }
  private bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  private cstr(s: string): void {
    this.bytes(encoder.encode(s));
    this.byte(0);
  }
  /** One message: type byte, then a length that counts itself and the body. */
  private message(type: number, body: () => void): this {
    this.byte(type);
    const at = this.n;
    this.i32(0);
    body();
    const len = this.n - at;
    this.buf[at] = (len >>> 24) & 255;
    this.buf[at + 1] = (len >>> 16) & 255;
    this.buf[at + 2] = (len >>> 8) & 255;
    this.buf[at + 3] = len & 255;
    return this;
  }

  parse(name: string, sql: string): this {
    return this.message(0x50, () => {
      this.cstr(name);
      this.cstr(sql);
      this.i16(0); // the server infers every parameter's type
    });
  }
  describeStatement(name: string): this {
    return this.message(0x44, () => {
      this.byte(0x53);
      this.cstr(name);
    });
  }
  /** Binds text-format parameters (null as SQL NULL) to the unnamed portal; results in text format. */
  bind(statement: string, values: readonly (string | null)[]): this {
    return this.message(0x42, () => {
      this.cstr('');
      this.cstr(statement);
      this.i16(0);
      this.i16(values.length);
      for (const v of values) {
        if (v === null) {
          this.i32(-1);
          continue;
        }
        const b = encoder.encode(v);
        this.i32(b.length);
        this.bytes(b);
      }
      this.i16(0);
    });
  }
  execute(): this {
    return this.message(0x45, () => {
      this.cstr('');
      this.i32(0);
    });
  }
  closeStatement(name: string): this {
    return this.message(0x43, () => {
      this.byte(0x53);
      this.cstr(name);
    });
  }
  sync(): this {
    return this.message(0x53, () => {});
  }
  /** The simple query protocol: several statements, no parameters. */
  query(sql: string): this {
    return this.message(0x51, () => this.cstr(sql));
  }

  /** The bytes written so far (a copy: the writer may be reused). */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.n);
    this.n = 0;
    return out;
  }
}

export interface Field {
  name: string;
  oid: number;
}

/** An ErrorResponse, with the fields PostgreSQL and PGlite give their errors. */
export class PgWireError extends Error {
  severity = '';
  code = '';
  detail: string | undefined;
  hint: string | undefined;
  position: string | undefined;
  where: string | undefined;
  schema: string | undefined;
  table: string | undefined;
  column: string | undefined;
  dataType: string | undefined;
  constraint: string | undefined;
  query: string | undefined;
  params: readonly unknown[] | undefined;
  constructor(fields: Map<string, string>) {
    super(fields.get('M') ?? 'The database reported an error.');
    this.name = 'DatabaseError';
    this.severity = fields.get('V') ?? fields.get('S') ?? 'ERROR';
    this.code = fields.get('C') ?? '';
    this.detail = fields.get('D');
    this.hint = fields.get('H');
    this.position = fields.get('P');
    this.where = fields.get('W');
    this.schema = fields.get('s');
    this.table = fields.get('t');
    this.column = fields.get('c');
    this.dataType = fields.get('d');
    this.constraint = fields.get('n');
  }
}

/** One statement's replies: its parameter types (Describe), result fields, rows as text, and command tag. */
export interface Reply {
  paramOids: number[] | null;
  /** Null when the statement returns no rows (NoData); undefined when nothing described it. */
  fields: Field[] | null | undefined;
  rows: (string | null)[][];
  tags: string[];
  error: PgWireError | null;
}

/** Reads the backend's messages from one call. The first ErrorResponse is kept; the rest of the batch was skipped by the server. */
export function readReplies(b: Uint8Array): Reply {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Reply = { paramOids: null, fields: undefined, rows: [], tags: [], error: null };
  let i = 0;
  while (i + 5 <= b.length) {
    const type = b[i]!;
    const len = dv.getInt32(i + 1);
    const start = i + 5;
    const end = i + 1 + len;
    switch (type) {
      case 0x44: {
        // DataRow
        const n = dv.getInt16(start);
        const row: (string | null)[] = new Array<string | null>(n);
        let j = start + 2;
        for (let k = 0; k < n; k++) {
          const l = dv.getInt32(j);
          j += 4;
          if (l < 0) row[k] = null;
          else {
            row[k] = decoder.decode(b.subarray(j, j + l));
            j += l;
          }
        }
        out.rows.push(row);
        break;
      }
      case 0x54: {
        // RowDescription
        const n = dv.getInt16(start);
        const fields: Field[] = [];
        let j = start + 2;
        for (let k = 0; k < n; k++) {
          let z = j;
          while (b[z] !== 0) z++;
          const name = decoder.decode(b.subarray(j, z));
          j = z + 1;
          const oid = dv.getUint32(j + 6);
          j += 18;
          fields.push({ name, oid });
        }
        out.fields = fields;
        break;
      }
      case 0x6e: // NoData
        out.fields = null;
        break;
      case 0x74: {
        // ParameterDescription
        const n = dv.getInt16(start);
        const oids: number[] = [];
        for (let k = 0; k < n; k++) oids.push(dv.getUint32(start + 2 + 4 * k));
        out.paramOids = oids;
        break;
      }
      case 0x43: {
        // CommandComplete
        out.tags.push(decoder.decode(b.subarray(start, end - 1)));
        break;
      }
      case 0x45: {
        // ErrorResponse
        if (out.error) break;
        const fields = new Map<string, string>();
        let j = start;
        while (j < end && b[j] !== 0) {
          const code = String.fromCharCode(b[j]!);
          let z = j + 1;
          while (b[z] !== 0) z++;
          fields.set(code, decoder.decode(b.subarray(j + 1, z)));
          j = z + 1;
        }
        out.error = new PgWireError(fields);
        break;
      }
      default:
        // ParseComplete, BindComplete, CloseComplete, ReadyForQuery, NoticeResponse, ParameterStatus, EmptyQueryResponse: nothing to keep
        break;
    }
    i = end;
  }
  return out;
}

/** Rows affected (or returned) by the last command, from its tag ("INSERT 0 3", "UPDATE 2", "SELECT 5"). */
export function tagCount(tags: readonly string[]): number {
  const last = tags.at(-1);
  if (!last) return 0;
  const n = Number.parseInt(last.slice(last.lastIndexOf(' ') + 1), 10);
  return Number.isNaN(n) ? 0 : n;
}
