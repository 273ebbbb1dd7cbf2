/**
 * Who is calling. Every data path (HTTP, PostgreSQL, MCP) and the admin API resolve a presented
 * credential through one IdentityResolver, so a chain key means the same thing everywhere.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { resolveSecret } from '../policy/secrets.js';
import type { Policy } from '../policy/types.js';

export interface Identity {
  /** The chain the call belongs to; null for a person or a token without a chain. */
  chain: string | null;
  /** Who, for audit: the key id for chain keys, the token subject for OIDC. */
  subject: string;
  groups: string[];
  keyId: string | null;
  method: 'key' | 'oidc';
  /** When a token's validity ends (ms since the epoch): long sessions (PostgreSQL) end with it. */
  expiresAt?: number;
}

export type IdentityFailure = { error: 'missing_credential' | 'invalid_credential' | 'expired_token' | 'oidc_unavailable'; message: string };
export type IdentityResult = Identity | IdentityFailure;

export function isIdentity(r: IdentityResult): r is Identity {
  return (r as Identity).subject !== undefined;
}

/** Verifies bearer tokens (JWTs); the OIDC module provides one. */
export interface TokenVerifier {
  verify(token: string, presentedChain: string | null): Promise<IdentityResult>;
}

interface KeyEntry {
  chain: string;
  keyId: string;
  digest: Buffer;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A key's fingerprint (SHA-256, hex): names a key without holding it. */
export function keyFingerprint(key: string): string {
  return digest(key).toString('hex');
}

export class IdentityResolver {
  private readonly keys = new Map<string, KeyEntry>();

  /** Resolves every key reference now: an unset env: or unreadable file: fails here, at start. */
  constructor(
    private readonly policy: Policy,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly tokens?: TokenVerifier,
  ) {
    for (const k of policy.identity.keys) {
      const d = digest(resolveSecret(k.key, env, policy.file).reveal());
      // Keyed by digest so lookup time does not depend on how much of a guess is right.
      this.keys.set(d.toString('hex'), { chain: k.chain, keyId: k.id, digest: d });
    }
  }

  async resolve(credential: string | undefined | null, presentedChain: string | null = null): Promise<IdentityResult> {
    if (!credential) return { error: 'missing_credential', message: 'no Chainwarden key or token was presented' };
    const d = digest(credential);
    const entry = this.keys.get(d.toString('hex'));
    if (entry && timingSafeEqual(entry.digest, d)) {
      return { chain: entry.chain, subject: `key:${entry.keyId}`, groups: [], keyId: entry.keyId, method: 'key' };
    }
    if (JWT_SHAPE.test(credential)) {
      if (!this.tokens) return { error: 'oidc_unavailable', message: 'a token was presented but the policy configures no OIDC issuer' };
      return this.tokens.verify(credential, presentedChain);
    }
    return { error: 'invalid_credential', message: 'the presented key is not a Chainwarden key for any chain' };
  }

  /**
   * Derives something from each key without handing the key out (PostgreSQL's SCRAM needs a stored
   * verifier per key). Returns what `derive` made, with the identity the key stands for.
   */
  deriveFromKeys<T>(derive: (secret: string) => T): Array<{ identity: Identity; derived: T; fingerprint: string }> {
    return this.policy.identity.keys.map((k) => {
      const secret = resolveSecret(k.key, this.env, this.policy.file).reveal();
      return {
        identity: { chain: k.chain, subject: `key:${k.id}`, groups: [], keyId: k.id, method: 'key' as const },
        derived: derive(secret),
        fingerprint: keyFingerprint(secret),
      };
    });
  }

  /**
   * Whether a key (by its fingerprint) is still a key of `chain` here: a long-lived session checks it
   * against the current policy, so removing a key ends what was opened with it.
   */
  hasKey(fingerprint: string, chain: string | null): boolean {
    const entry = this.keys.get(fingerprint);
    return entry !== undefined && entry.chain === chain;
  }
}
