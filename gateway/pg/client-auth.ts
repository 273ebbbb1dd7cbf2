/**
 * The client's side of connection start: SSLRequest/GSSENCRequest/CancelRequest, the StartupMessage,
 * and authentication with a Chainwarden key or token as the password (cleartext, meant for TLS, or
 * SCRAM-SHA-256 against per-key verifiers derived at start).
 */
import type { Socket } from 'node:net';
import { TLSSocket, createSecureContext, type SecureContext } from 'node:tls';
import type { Identity, IdentityResolver } from '../identity/identity.js';
import { isIdentity, keyFingerprint } from '../identity/identity.js';
import { PgGatewayError } from './errors.js';
import {
  BodyReader, CANCEL_REQUEST, GSSENC_REQUEST, MessageReader, SSL_REQUEST, int32, message, parseStartupParams, type Message,
} from './protocol.js';
import { ScramServerExchange, type ScramVerifier } from './scram.js';

/** Reads startup packets, then typed messages, from a socket that may be upgraded to TLS midway. */
class StartupStream {
  private readonly reader = new MessageReader(64 * 1024);
  private chunks: Buffer[] = [];
  private wake: (() => void) | null = null;
  private ended: Error | null = null;
  private readonly onData = (b: Buffer) => {
    this.chunks.push(b);
    this.wake?.();
  };
  private readonly onEnd = () => {
    this.ended = new Error('the client closed the connection');
    this.wake?.();
  };
  constructor(public socket: Socket) {
    this.attach(socket);
  }
  private attach(s: Socket) {
    s.on('data', this.onData);
    s.on('close', this.onEnd);
    s.on('error', this.onEnd);
  }
  detach(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onEnd);
    const rest = Buffer.concat(this.chunks);
    this.chunks = [];
    return rest;
  }
  upgrade(s: Socket) {
    this.detach();
    this.socket = s;
    this.attach(s);
  }
  private async take(): Promise<Buffer> {
    while (this.chunks.length === 0) {
      if (this.ended) throw this.ended;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
    const b = Buffer.concat(this.chunks);
    this.chunks = [];
    return b;
  }
  async startup(): Promise<{ code: number; payload: Buffer }> {
    let chunk: Buffer = Buffer.alloc(0);
    for (;;) {
      const p = this.reader.pushStartup(chunk);
      if (p) {
        if (p.rest.length) this.chunks.unshift(Buffer.from(p.rest));
        return p;
      }
      chunk = await this.take();
    }
  }
  private pending: Message[] = [];
  async message(): Promise<Message> {
    for (;;) {
      const m = this.pending.shift();
      if (m) return m;
      this.pending = this.reader.push(await this.take());
    }
  }
  leftover(): Buffer {
    // Typed messages already framed but not consumed go back to the session as bytes.
    const framed = this.pending.map((m) => m.raw);
    this.pending = [];
    return Buffer.concat([...framed, this.detach()]);
  }
}

export interface AuthSettings {
  identity: IdentityResolver;
  mode: 'auto' | 'scram' | 'password';
  tls: SecureContext | null;
  scram: { salt: Buffer; iterations: number; verifiers: Array<{ identity: Identity; verifier: ScramVerifier; fingerprint: string }> };
  chains: ReadonlySet<string>;
  onCancel(pid: number, secret: number): void;
}

export type StartupResult =
  | { kind: 'session'; socket: Socket; identity: Identity; params: Map<string, string>; leftover: Buffer; credential: SessionCredential }
  | { kind: 'done' };

/** What the session authenticated with, to check it again against later policies: a key's fingerprint, or a token. */
export type SessionCredential = { kind: 'key'; fingerprint: string } | { kind: 'token'; expiresAt?: number };

export function tlsContext(tls: { key: string | Buffer; cert: string | Buffer } | undefined): SecureContext | null {
  return tls ? createSecureContext({ key: tls.key, cert: tls.cert }) : null;
}

/** A failed connection start, with the socket to answer on (TLS when the client asked for it). */
export class StartupFailure extends Error {
  constructor(
    readonly error: PgGatewayError,
    readonly socket: Socket,
  ) {
    super(error.message);
  }
}

/** Runs connection start; throws StartupFailure (the caller sends the error as FATAL and closes). */
export async function startClient(raw: Socket, s: AuthSettings): Promise<StartupResult> {
  const stream = new StartupStream(raw);
  try {
    return await start(stream, s);
  } catch (e) {
    const error = e instanceof PgGatewayError ? e : new PgGatewayError('CW_PG_BAD_STARTUP', (e as Error).message, { fatal: true });
    throw new StartupFailure(error, stream.socket);
  }
}

async function start(stream: StartupStream, s: AuthSettings): Promise<StartupResult> {
  let tls = false;
  let params: Map<string, string>;
  for (;;) {
    const p = await stream.startup();
    if (p.code === SSL_REQUEST && !tls) {
      if (!s.tls) {
        stream.socket.write('N');
        continue;
      }
      stream.socket.write('S');
      const secure = new TLSSocket(stream.socket, { isServer: true, secureContext: s.tls });
      stream.upgrade(secure as unknown as Socket);
      tls = true;
      continue;
    }
    if (p.code === GSSENC_REQUEST) {
      stream.socket.write('N');
      continue;
    }
    if (p.code === CANCEL_REQUEST) {
      const r = new BodyReader(p.payload);
      s.onCancel(r.int32(), r.int32());
      stream.detach();
      stream.socket.end();
      return { kind: 'done' };
    }
    if (p.code >> 16 !== 3) throw new PgGatewayError('CW_PG_UNSUPPORTED_PROTOCOL', `${p.code >> 16}.${p.code & 0xffff}`, { fatal: true });
    params = parseStartupParams(p.payload);
    const unknown = [...params.keys()].filter((k) => k.startsWith('_pq_.'));
    if ((p.code & 0xffff) !== 0 || unknown.length) {
      // NegotiateProtocolVersion: we speak 3.0 and no protocol extensions.
      stream.socket.write(message('v', int32(0), int32(unknown.length), ...unknown));
    }
    break;
  }
  if (params.has('replication') && params.get('replication') !== 'false') throw new PgGatewayError('CW_PG_REPLICATION_REFUSED', '', { fatal: true });
  const user = params.get('user') ?? '';
  const mode = s.mode === 'auto' ? (tls ? 'password' : 'scram') : s.mode;
  const { identity, credential } = mode === 'password' ? await passwordAuth(stream, s, user) : await scramAuth(stream, s, user);
  return { kind: 'session', socket: stream.socket, identity, params, leftover: stream.leftover(), credential };
}

async function expectPassword(stream: StartupStream): Promise<Message> {
  const m = await stream.message();
  if (m.type !== 0x70) throw new PgGatewayError('CW_PG_AUTH_FAILED', 'expected a password message', { fatal: true });
  return m;
}

interface Authenticated {
  identity: Identity;
  credential: SessionCredential;
}

async function passwordAuth(stream: StartupStream, s: AuthSettings, user: string): Promise<Authenticated> {
  stream.socket.write(message('R', int32(3)));
  const m = await expectPassword(stream);
  const password = new BodyReader(m.body).cstring();
  const result = await s.identity.resolve(password, s.chains.has(user) ? user : null);
  if (!isIdentity(result)) throw new PgGatewayError('CW_PG_AUTH_FAILED', result.message, { fatal: true });
  return { identity: result, credential: result.method === 'key' ? { kind: 'key', fingerprint: keyFingerprint(password) } : { kind: 'token', expiresAt: result.expiresAt } };
}

async function scramAuth(stream: StartupStream, s: AuthSettings, user: string): Promise<Authenticated> {
  const candidates = s.scram.verifiers
    .filter((v) => !s.chains.has(user) || v.identity.chain === user)
    .map((v) => ({ verifier: v.verifier, value: { identity: v.identity, credential: { kind: 'key', fingerprint: v.fingerprint } } as Authenticated }));
  stream.socket.write(message('R', int32(10), 'SCRAM-SHA-256', Buffer.from([0])));
  const init = new BodyReader((await expectPassword(stream)).body);
  const mechanism = init.cstring();
  if (mechanism !== 'SCRAM-SHA-256') throw new PgGatewayError('CW_PG_AUTH_FAILED', `unsupported SASL mechanism ${mechanism}`, { fatal: true });
  const len = init.int32();
  const exchange = new ScramServerExchange(s.scram.salt, s.scram.iterations, candidates);
  try {
    const serverFirst = exchange.first(init.bytes(Math.max(0, len)).toString('utf8'));
    stream.socket.write(message('R', int32(11), Buffer.from(serverFirst)));
    const final = exchange.final((await expectPassword(stream)).body.toString('utf8'));
    if (!final) throw new PgGatewayError('CW_PG_AUTH_FAILED', 'the password is not a Chainwarden key for this chain (SCRAM accepts keys only; tokens need TLS and password authentication)', { fatal: true });
    stream.socket.write(message('R', int32(12), Buffer.from(final.serverFinal)));
    return final.value;
  } catch (e) {
    if (e instanceof PgGatewayError) throw e;
    throw new PgGatewayError('CW_PG_AUTH_FAILED', (e as Error).message, { fatal: true });
  }
}
