/**
 * PostgreSQL frontend/backend protocol v3: framing and the few message bodies the gateway reads or
 * writes. Framing never trusts a length: every declared size is checked against the bytes present and
 * against a limit before anything is allocated.
 */
import { PgGatewayError } from './errors.js';

export const PROTOCOL_3 = 196608;
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
export const MAX_STARTUP_LENGTH = 10_000;
export const DEFAULT_MAX_MESSAGE = 64 * 1024 * 1024;

export interface Message {
  type: number;
  /** The body without the type byte and the length. */
  body: Buffer;
  /** The whole message as it arrived (type, length, body), for forwarding without a copy. */
  raw: Buffer;
}

/**
 * A message as a view into the chunk it arrived in. `raw` and `body` are cut only when asked for:
 * on the hot path most messages are forwarded as part of their chunk, and a Buffer view costs more
 * than reading the header.
 */
export class FramedMessage implements Message {
  constructor(
    readonly type: number,
    /** The chunk the message sits in, from `start` (its type byte) to `end`. */
    readonly chunk: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}
  get raw(): Buffer {
    return this.chunk.subarray(this.start, this.end);
  }
  get body(): Buffer {
    return this.chunk.subarray(this.start + 5, this.end);
  }
  /** The first byte of the body (ReadyForQuery's status), without a view. */
  get firstByte(): number | undefined {
    return this.start + 5 < this.end ? this.chunk[this.start + 5] : undefined;
  }
  get length(): number {
    return this.end - this.start;
  }
}

/** Splits a byte stream into messages. `startup` mode reads the untyped startup packets. */
export class MessageReader {
  private pending: Buffer | null = null;
  constructor(private readonly maxMessage = DEFAULT_MAX_MESSAGE) {}

  /**
   * Appends bytes and returns every complete message; throws a coded error on a bad length. The
   * messages view `chunk` (or a copy joined with earlier bytes): a caller keeping one beyond the
   * chunk's life copies it. Bytes of an incomplete message are copied, so the chunk may be reused.
   */
  push(chunk: Buffer): FramedMessage[] {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: FramedMessage[] = [];
    const n = buf.length;
    let off = 0;
    while (n - off >= 5) {
      const len = buf.readInt32BE(off + 1);
      if (len < 4) throw new PgGatewayError('CW_PG_BAD_MESSAGE', `declared length ${len} is below 4`);
      if (len > this.maxMessage) throw new PgGatewayError('CW_PG_MESSAGE_TOO_LARGE', String(len));
      if (n - off < len + 1) break;
      out.push(new FramedMessage(buf[off]!, buf, off, off + 1 + len));
      off += len + 1;
    }
    this.pending = off < n ? Buffer.from(buf.subarray(off)) : null;
    return out;
  }

  /** Reads one untyped startup packet (length, code, payload) or null when incomplete. */
  pushStartup(chunk: Buffer): { code: number; payload: Buffer; rest: Buffer } | null {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    if (buf.length < 8) {
      this.pending = buf;
      return null;
    }
    const len = buf.readInt32BE(0);
    if (len < 8 || len > MAX_STARTUP_LENGTH) throw new PgGatewayError('CW_PG_BAD_STARTUP', `declared length ${len}`);
    if (buf.length < len) {
      this.pending = buf;
      return null;
    }
    this.pending = null;
    return { code: buf.readInt32BE(4), payload: buf.subarray(8, len), rest: buf.subarray(len) };
  }

  get buffered(): number {
    return this.pending?.length ?? 0;
  }
}

/** Parses the key/value pairs of a StartupMessage payload. */
export function parseStartupParams(payload: Buffer): Map<string, string> {
  const params = new Map<string, string>();
  const r = new BodyReader(payload);
  for (;;) {
    const key = r.cstring();
    if (key === '') break;
    params.set(key, r.cstring());
  }
  if (!r.done()) throw new PgGatewayError('CW_PG_BAD_STARTUP', 'bytes after the parameter list');
  return params;
}

/** Reads fields of a message body; any overrun is a coded protocol error, never a RangeError. */
export class BodyReader {
  off = 0;
  constructor(readonly buf: Buffer) {}
  private need(n: number): void {
    if (n < 0 || this.off + n > this.buf.length) throw new PgGatewayError('CW_PG_BAD_MESSAGE', 'field runs past the end of the message');
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.off);
    this.off += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.off);
    this.off += 4;
    return v;
  }
  byte(): number {
    this.need(1);
    return this.buf[this.off++]!;
  }
  cstring(): string {
    const end = this.buf.indexOf(0, this.off);
    if (end < 0) throw new PgGatewayError('CW_PG_BAD_MESSAGE', 'string without a terminating zero byte');
    const s = this.buf.toString('utf8', this.off, end);
    this.off = end + 1;
    return s;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return b;
  }
  rest(): Buffer {
    const b = this.buf.subarray(this.off);
    this.off = this.buf.length;
    return b;
  }
  done(): boolean {
    return this.off === this.buf.length;
  }
}

/** Builds one typed message. */
export function message(type: string, ...parts: Array<Buffer | string | number>): Buffer {
  const bufs = parts.map((p) => (typeof p === 'number' ? int32(p) : typeof p === 'string' ? cstr(p) : p));
  const len = bufs.reduce((n, b) => n + b.length, 4);
  const head = Buffer.alloc(5);
  head[0] = type.charCodeAt(0);
  head.writeInt32BE(len, 1);
  return Buffer.concat([head, ...bufs]);
}

export function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
export function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
export function cstr(s: string): Buffer {
  return Buffer.from(s + '\0', 'utf8');
}

export interface NoticeFields {
  severity: string;
  code: string;
  message: string;
  detail?: string;
  hint?: string;
}

function fieldsBody(f: NoticeFields): Buffer[] {
  const parts: Buffer[] = [cstr('S' + f.severity), cstr('V' + f.severity), cstr('C' + f.code), cstr('M' + f.message)];
  if (f.detail) parts.push(cstr('D' + f.detail));
  if (f.hint) parts.push(cstr('H' + f.hint));
  parts.push(Buffer.from([0]));
  return parts;
}

export const errorResponse = (f: NoticeFields) => message('E', ...fieldsBody(f));
export const noticeResponse = (f: NoticeFields) => message('N', ...fieldsBody(f));
export const readyForQuery = (status: string) => message('Z', Buffer.from(status, 'latin1'));

export function errorFromGateway(e: PgGatewayError, fatal = e.extra.fatal): Buffer {
  return errorResponse({ severity: fatal ? 'FATAL' : 'ERROR', code: e.sqlstate, message: e.message, detail: e.extra.detail, hint: e.extra.hint });
}

/** Parses an ErrorResponse/NoticeResponse body into its fields by code letter. */
export function parseFields(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  const r = new BodyReader(body);
  for (;;) {
    const code = r.byte();
    if (code === 0) break;
    out.set(String.fromCharCode(code), r.cstring());
  }
  return out;
}

export interface ColumnDescription {
  name: string;
  tableOid: number;
  attnum: number;
  typeOid: number;
  typeSize: number;
  typeMod: number;
  format: number;
}

export function parseRowDescription(body: Buffer): ColumnDescription[] {
  const r = new BodyReader(body);
  const n = r.int16();
  const cols: ColumnDescription[] = [];
  for (let i = 0; i < n; i++) {
    cols.push({ name: r.cstring(), tableOid: r.int32() >>> 0, attnum: r.int16(), typeOid: r.int32() >>> 0, typeSize: r.int16(), typeMod: r.int32(), format: r.int16() });
  }
  return cols;
}

export function encodeRowDescription(cols: ColumnDescription[]): Buffer {
  const parts: Buffer[] = [int16(cols.length)];
  for (const c of cols) {
    const b = Buffer.alloc(18);
    b.writeUInt32BE(c.tableOid, 0);
    b.writeInt16BE(c.attnum, 4);
    b.writeUInt32BE(c.typeOid, 6);
    b.writeInt16BE(c.typeSize, 10);
    b.writeInt32BE(c.typeMod, 12);
    b.writeInt16BE(c.format, 16);
    parts.push(cstr(c.name), b);
  }
  return message('T', ...parts);
}

export function parseDataRow(body: Buffer): Array<Buffer | null> {
  const r = new BodyReader(body);
  const n = r.int16();
  const out: Array<Buffer | null> = [];
  for (let i = 0; i < n; i++) {
    const len = r.int32();
    out.push(len < 0 ? null : r.bytes(len));
  }
  return out;
}

export function encodeDataRow(values: Array<Buffer | null>): Buffer {
  const parts: Buffer[] = [int16(values.length)];
  for (const v of values) {
    if (v === null) parts.push(int32(-1));
    else parts.push(int32(v.length), v);
  }
  return message('D', ...parts);
}

export interface ParseMessage {
  name: string;
  text: string;
  paramTypes: number[];
}
export function parseParse(body: Buffer): ParseMessage {
  const r = new BodyReader(body);
  const name = r.cstring();
  const text = r.cstring();
  const n = r.int16();
  if (n < 0) throw new PgGatewayError('CW_PG_BAD_MESSAGE', 'negative parameter type count');
  const paramTypes: number[] = [];
  for (let i = 0; i < n; i++) paramTypes.push(r.int32() >>> 0);
  return { name, text, paramTypes };
}

export interface BindMessage {
  portal: string;
  statement: string;
  paramFormats: number[];
  params: Array<Buffer | null>;
  resultFormats: number[];
}
export function parseBind(body: Buffer): BindMessage {
  const r = new BodyReader(body);
  const portal = r.cstring();
  const statement = r.cstring();
  const paramFormats: number[] = [];
  const nf = r.int16();
  if (nf < 0) throw new PgGatewayError('CW_PG_BAD_MESSAGE', 'negative format count');
  for (let i = 0; i < nf; i++) paramFormats.push(r.int16());
  const np = r.int16();
  if (np < 0) throw new PgGatewayError('CW_PG_BAD_MESSAGE', 'negative parameter count');
  const params: Array<Buffer | null> = [];
  for (let i = 0; i < np; i++) {
    const len = r.int32();
    params.push(len < 0 ? null : r.bytes(len));
  }
  const nr = r.int16();
  if (nr < 0) throw new PgGatewayError('CW_PG_BAD_MESSAGE', 'negative result format count');
  const resultFormats: number[] = [];
  for (let i = 0; i < nr; i++) resultFormats.push(r.int16());
  if (!r.done()) throw new PgGatewayError('CW_PG_BAD_MESSAGE', 'bytes after the end of Bind');
  return { portal, statement, paramFormats, params, resultFormats };
}

export function encodeBind(b: BindMessage): Buffer {
  const parts: Buffer[] = [cstr(b.portal), cstr(b.statement), int16(b.paramFormats.length), ...b.paramFormats.map(int16), int16(b.params.length)];
  for (const p of b.params) parts.push(...(p === null ? [int32(-1)] : [int32(p.length), p]));
  parts.push(int16(b.resultFormats.length), ...b.resultFormats.map(int16));
  return message('B', ...parts);
}

export function encodeParse(p: ParseMessage): Buffer {
  return message('P', cstr(p.name), cstr(p.text), int16(p.paramTypes.length), ...p.paramTypes.map((t) => int32(t | 0)));
}

/** Name + kind of Describe ('S'/'P') and Close. */
export function parseTarget(body: Buffer): { which: 'S' | 'P'; name: string } {
  const r = new BodyReader(body);
  const which = String.fromCharCode(r.byte());
  if (which !== 'S' && which !== 'P') throw new PgGatewayError('CW_PG_BAD_MESSAGE', `Describe/Close target "${which}" is neither S nor P`);
  return { which, name: r.cstring() };
}

export function parseExecute(body: Buffer): { portal: string; maxRows: number } {
  const r = new BodyReader(body);
  return { portal: r.cstring(), maxRows: r.int32() };
}

export function parseQuery(body: Buffer): string {
  const r = new BodyReader(body);
  const text = r.cstring();
  if (!r.done()) throw new PgGatewayError('CW_PG_BAD_MESSAGE', 'bytes after the query string');
  return text;
}

/**
 * Rows from a CommandComplete tag ("SELECT 5", "INSERT 0 1", "UPDATE 3"), read from its bytes (`end`
 * excludes the zero byte); null when the tag carries none.
 */
export function rowsFromTagBytes(buf: Buffer, start: number, end: number): number | null {
  let i = end;
  while (i > start && buf[i - 1]! >= 48 && buf[i - 1]! <= 57) i--;
  if (i === end || i === start || !isTagSpace(buf[i - 1]!)) return null;
  let n = 0;
  for (let j = i; j < end; j++) n = n * 10 + (buf[j]! - 48);
  return n;
}

// The whitespace `\s` matches in a tag (ASCII; tags are ASCII).
const isTagSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/**
 * Decodes one frontend message fully (the fuzz target): returns its kind or throws a PgGatewayError.
 * Every message type a client may send after startup is known here.
 */
export function decodeFrontend(m: Message): string {
  switch (String.fromCharCode(m.type)) {
    case 'Q': parseQuery(m.body); return 'Query';
    case 'P': parseParse(m.body); return 'Parse';
    case 'B': parseBind(m.body); return 'Bind';
    case 'E': parseExecute(m.body); return 'Execute';
    case 'D': parseTarget(m.body); return 'Describe';
    case 'C': parseTarget(m.body); return 'Close';
    case 'S': return 'Sync';
    case 'H': return 'Flush';
    case 'X': return 'Terminate';
    case 'd': return 'CopyData';
    case 'c': return 'CopyDone';
    case 'f': new BodyReader(m.body).cstring(); return 'CopyFail';
    case 'p': return 'Password';
    case 'F': return 'FunctionCall';
    default: throw new PgGatewayError('CW_PG_UNEXPECTED_MESSAGE', String.fromCharCode(m.type));
  }
}
