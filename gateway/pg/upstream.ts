/**
 * Connecting to the upstream PostgreSQL with the credential the gateway holds: TLS when configured,
 * then trust, cleartext, md5 or SCRAM-SHA-256. Also the cancel path and a small side connection for
 * catalog lookups.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { readFileSync } from 'node:fs';
import type { PostgresConnection } from '../policy/index.js';
import type { ResolvedSecret } from '../policy/index.js';
import { PgGatewayError } from './errors.js';
import { BodyReader, CANCEL_REQUEST, MessageReader, PROTOCOL_3, SSL_REQUEST, cstr, int32, message, parseFields, type FramedMessage } from './protocol.js';
import { md5Password, ScramClient } from './scram.js';

export interface UpstreamTarget {
  host: string;
  port: number;
  user: string;
  database: string;
  password?: ResolvedSecret;
  tls: PostgresConnection['tls'];
  connectTimeoutMs: number;
}

export function upstreamTarget(conn: PostgresConnection, password: ResolvedSecret | undefined, connectTimeoutMs = 10_000): UpstreamTarget {
  const url = new URL(conn.upstream);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 5432,
    user: conn.credential.user ?? decodeURIComponent(url.username),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username),
    password,
    tls: conn.tls,
    connectTimeoutMs,
  };
}

export const describeTarget = (t: UpstreamTarget) => `${t.host}:${t.port}/${t.database}`;

/** Reads messages from a socket one at a time (used only during handshakes). */
class MessageQueue {
  private readonly messages: FramedMessage[] = [];
  private waiter: ((m: FramedMessage | Error) => void) | null = null;
  private failure: Error | null = null;
  readonly reader = new MessageReader();
  private readonly onData = (chunk: Buffer) => {
    try {
      for (const m of this.reader.push(chunk)) this.deliver(m);
    } catch (e) {
      this.fail(e as Error);
    }
  };
  private readonly onEnd = () => this.fail(new Error('the upstream closed the connection'));
  private readonly onError = (e: Error) => this.fail(e);
  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }
  private deliver(m: FramedMessage) {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(m);
    } else this.messages.push(m);
  }
  private fail(e: Error) {
    this.failure ??= e;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(e);
    }
  }
  next(): Promise<FramedMessage> {
    const m = this.messages.shift();
    if (m) return Promise.resolve(m);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiter = (x) => (x instanceof Error ? reject(x) : resolve(x))));
  }
  /** Stops listening; returns messages already read but not consumed. */
  detach(): FramedMessage[] {
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    return this.messages.splice(0);
  }
}

function openSocket(t: UpstreamTarget): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: t.host, port: t.port });
    s.setNoDelay(true);
    const timer = setTimeout(() => s.destroy(new Error(`connect timed out after ${t.connectTimeoutMs} ms`)), t.connectTimeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

async function maybeTls(socket: Socket, t: UpstreamTarget): Promise<Socket> {
  if (t.tls.upstream === 'disable') return socket;
  const answer = await new Promise<number>((resolve, reject) => {
    socket.once('data', (b: Buffer) => resolve(b[0]!));
    socket.once('error', reject);
    const req = Buffer.alloc(8);
    req.writeInt32BE(8, 0);
    req.writeInt32BE(SSL_REQUEST, 4);
    socket.write(req);
  });
  if (answer !== 'S'.charCodeAt(0)) throw new Error('the upstream does not offer TLS, and the connection requires it');
  const read = (p?: string) => (p ? readFileSync(p) : undefined);
  return new Promise((resolve, reject) => {
    const s = tlsConnect({
      socket,
      host: t.host,
      servername: /^[\d.:]+$/.test(t.host) ? undefined : t.host,
      ca: read(t.tls.ca),
      cert: read(t.tls.cert),
      key: read(t.tls.key),
      rejectUnauthorized: t.tls.upstream === 'verify-full',
    });
    s.once('secureConnect', () => resolve(s as unknown as Socket));
    s.once('error', reject);
  });
}

export interface UpstreamSession {
  socket: Socket;
  reader: MessageReader;
  /** ParameterStatus messages as received, to replay to the client. */
  parameterStatus: Buffer[];
  backendKey: { pid: number; secret: number };
  /** Messages that arrived after ReadyForQuery during the handshake. */
  leftover: FramedMessage[];
  txStatus: string;
}

function errorText(body: Buffer): string {
  const f = parseFields(body);
  return `${f.get('C') ?? ''} ${f.get('M') ?? 'error'}`.trim();
}

/** Opens an authenticated session. Errors never include the password. */
export async function connectUpstream(t: UpstreamTarget, params: Record<string, string>): Promise<UpstreamSession> {
  let socket: Socket;
  try {
    socket = await maybeTls(await openSocket(t), t);
  } catch (e) {
    throw new PgGatewayError('CW_PG_UPSTREAM_UNAVAILABLE', (e as Error).message);
  }
  const q = new MessageQueue(socket);
  try {
    const startup: Buffer[] = [int32(PROTOCOL_3), cstr('user'), cstr(t.user), cstr('database'), cstr(t.database)];
    for (const [k, v] of Object.entries(params)) startup.push(cstr(k), cstr(v));
    startup.push(Buffer.from([0]));
    const body = Buffer.concat(startup);
    socket.write(Buffer.concat([int32(body.length + 4), body]));
    const password = () => {
      if (!t.password) throw new PgGatewayError('CW_PG_UPSTREAM_AUTH', 'the upstream asks for a password and the connection has no credential.password');
      return t.password.reveal();
    };
    let scram: ScramClient | null = null;
    const parameterStatus: Buffer[] = [];
    let backendKey = { pid: 0, secret: 0 };
    for (;;) {
      const m = await q.next();
      const type = String.fromCharCode(m.type);
      if (type === 'E') throw new PgGatewayError('CW_PG_UPSTREAM_AUTH', errorText(m.body));
      if (type === 'R') {
        const r = new BodyReader(m.body);
        const code = r.int32();
        if (code === 0) continue;
        if (code === 3) socket.write(message('p', password()));
        else if (code === 5) socket.write(message('p', md5Password(t.user, password(), r.bytes(4))));
        else if (code === 10) {
          const mechs: string[] = [];
          for (let s = r.cstring(); s !== ''; s = r.cstring()) mechs.push(s);
          if (!mechs.includes('SCRAM-SHA-256')) throw new PgGatewayError('CW_PG_UPSTREAM_AUTH', `no supported SASL mechanism in ${mechs.join(', ')}`);
          scram = new ScramClient(password());
          const first = Buffer.from(scram.first());
          socket.write(message('p', 'SCRAM-SHA-256', int32(first.length), first));
        } else if (code === 11 && scram) socket.write(message('p', Buffer.from(scram.final(r.rest().toString()))));
        else if (code === 12 && scram) scram.verify(r.rest().toString());
        else throw new PgGatewayError('CW_PG_UPSTREAM_AUTH', `unsupported authentication request ${code}`);
      } else if (type === 'S') parameterStatus.push(Buffer.from(m.raw));
      else if (type === 'K') {
        const r = new BodyReader(m.body);
        backendKey = { pid: r.int32(), secret: r.int32() };
      } else if (type === 'Z') {
        const txStatus = String.fromCharCode(m.body[0] ?? 73);
        return { socket, reader: q.reader, parameterStatus, backendKey, leftover: q.detach(), txStatus };
      }
      // NoticeResponse during startup: nothing for the client to act on.
    }
  } catch (e) {
    q.detach();
    socket.destroy();
    if (e instanceof PgGatewayError) throw e;
    throw new PgGatewayError('CW_PG_UPSTREAM_AUTH', (e as Error).message);
  }
}

/** Forwards a cancel to the upstream backend a gateway session stands for. */
export async function sendCancel(t: UpstreamTarget, key: { pid: number; secret: number }): Promise<void> {
  const socket = await maybeTls(await openSocket(t), t);
  const b = Buffer.alloc(16);
  b.writeInt32BE(16, 0);
  b.writeInt32BE(CANCEL_REQUEST, 4);
  b.writeInt32BE(key.pid, 8);
  b.writeInt32BE(key.secret, 12);
  socket.end(b);
  socket.on('error', () => {});
}

/** Runs one simple query on a fresh upstream session and returns text rows (catalog lookups). */
export async function queryOnce(t: UpstreamTarget, sql: string): Promise<Array<Array<string | null>>> {
  const s = await connectUpstream(t, { application_name: 'chainwarden-catalog' });
  const q = new MessageQueue(s.socket);
  try {
    s.socket.write(message('Q', sql));
    const rows: Array<Array<string | null>> = [];
    let error: string | null = null;
    for (;;) {
      const m = await q.next();
      const type = String.fromCharCode(m.type);
      if (type === 'D') {
        const r = new BodyReader(m.body);
        const n = r.int16();
        const row: Array<string | null> = [];
        for (let i = 0; i < n; i++) {
          const len = r.int32();
          row.push(len < 0 ? null : r.bytes(len).toString('utf8'));
        }
        rows.push(row);
      } else if (type === 'E') error = errorText(m.body);
      else if (type === 'Z') break;
    }
    if (error) throw new Error(error);
    return rows;
  } finally {
    q.detach();
    s.socket.end(message('X'));
  }
}
