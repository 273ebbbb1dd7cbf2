/**
 * SCRAM-SHA-256 (RFC 5802/7677) as PostgreSQL uses it: the client side for the upstream, and the
 * server side for clients, which needs a stored verifier per Chainwarden key (derived at start).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

function attributes(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) m.set(part[0]!, part.slice(2));
  }
  return m;
}

export interface ScramVerifier {
  storedKey: Buffer;
  serverKey: Buffer;
}

export function deriveVerifier(password: string, salt: Buffer, iterations: number): ScramVerifier {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  return { storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
}

/** The client side, for authenticating to the upstream. */
export class ScramClient {
  private readonly nonce = randomBytes(18).toString('base64');
  private clientFirstBare = '';
  private expectedServerSignature: Buffer | null = null;
  constructor(private readonly password: string) {}

  first(): string {
    this.clientFirstBare = `n=*,r=${this.nonce}`;
    return `n,,${this.clientFirstBare}`;
  }

  final(serverFirst: string): string {
    const a = attributes(serverFirst);
    const nonce = a.get('r');
    const salt = a.get('s');
    const iterations = Number(a.get('i'));
    if (!nonce || !nonce.startsWith(this.nonce) || !salt || !Number.isInteger(iterations) || iterations < 1) {
      throw new Error('the server sent an invalid SCRAM challenge');
    }
    const salted = pbkdf2Sync(this.password.normalize('NFKC'), Buffer.from(salt, 'base64'), iterations, 32, 'sha256');
    const clientKey = hmac(salted, 'Client Key');
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const proof = xor(clientKey, hmac(sha256(clientKey), authMessage));
    this.expectedServerSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  verify(serverFinal: string): void {
    const v = attributes(serverFinal).get('v');
    const got = v ? Buffer.from(v, 'base64') : Buffer.alloc(0);
    if (!this.expectedServerSignature || got.length !== 32 || !timingSafeEqual(got, this.expectedServerSignature)) {
      throw new Error('the server signature did not verify');
    }
  }
}

/** The server side: one exchange with a client, checked against every candidate verifier. */
export class ScramServerExchange<T> {
  private readonly serverNonce = randomBytes(18).toString('base64');
  private clientFirstBare = '';
  private gs2 = '';
  private serverFirst = '';
  private clientNonce = '';
  constructor(
    private readonly salt: Buffer,
    private readonly iterations: number,
    private readonly candidates: ReadonlyArray<{ verifier: ScramVerifier; value: T }>,
  ) {}

  /** Takes client-first, returns server-first; throws on a malformed message or channel binding. */
  first(clientFirst: string): string {
    const m = /^([ny]|p=[^,]*),([^,]*),(.*)$/.exec(clientFirst);
    if (!m) throw new Error('malformed SCRAM client-first message');
    if (m[1]!.startsWith('p=')) throw new Error('channel binding is not offered by this gateway');
    this.gs2 = `${m[1]},${m[2]},`;
    this.clientFirstBare = m[3]!;
    const nonce = attributes(this.clientFirstBare).get('r');
    if (!nonce) throw new Error('SCRAM client-first message has no nonce');
    this.clientNonce = nonce;
    this.serverFirst = `r=${nonce}${this.serverNonce},s=${this.salt.toString('base64')},i=${this.iterations}`;
    return this.serverFirst;
  }

  /** Takes client-final; returns the matching candidate and server-final, or null when no key matches. */
  final(clientFinal: string): { value: T; serverFinal: string } | null {
    const proofAt = clientFinal.lastIndexOf(',p=');
    if (proofAt < 0) throw new Error('SCRAM client-final message has no proof');
    const withoutProof = clientFinal.slice(0, proofAt);
    const a = attributes(withoutProof);
    if (a.get('c') !== Buffer.from(this.gs2).toString('base64')) throw new Error('SCRAM channel binding does not match');
    if (a.get('r') !== this.clientNonce + this.serverNonce) throw new Error('SCRAM nonce does not match');
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
    if (proof.length !== 32) return null;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    let found: { value: T; serverKey: Buffer } | null = null;
    // Every candidate is checked, so the time taken does not say which one matched.
    for (const c of this.candidates) {
      const clientKey = xor(proof, hmac(c.verifier.storedKey, authMessage));
      if (timingSafeEqual(sha256(clientKey), c.verifier.storedKey) && !found) found = { value: c.value, serverKey: c.verifier.serverKey };
    }
    if (!found) return null;
    return { value: found.value, serverFinal: `v=${hmac(found.serverKey, authMessage).toString('base64')}` };
  }
}

/** PostgreSQL's md5 password hash: "md5" + md5(md5(password + user) + salt). */
export function md5Password(user: string, password: string, salt: Buffer): string {
  const inner = createHash('md5').update(password + user).digest('hex');
  return 'md5' + createHash('md5').update(Buffer.concat([Buffer.from(inner), salt])).digest('hex');
}
