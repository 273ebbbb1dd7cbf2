/**
 * Verifies OIDC access tokens (JWTs) for the IdentityResolver: signature against the issuer's
 * JWKS (an https/http URL or a `file:` path), issuer, audience, expiry with clock skew. A token
 * signed with a key id the cached set lacks makes the set be fetched again, at most once per
 * cooldown, so key rotation works and a flood of made-up kids cannot hammer the IdP.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { IdentityResult, TokenVerifier } from './identity.js';
import type { OidcSettings } from '../policy/types.js';

export interface OidcOptions {
  /** Least time between two JWKS fetches triggered by unknown key ids. */
  cooldownMs?: number;
  /** How long a fetched set is trusted without being asked for a new kid. */
  cacheMaxAgeMs?: number;
  timeoutMs?: number;
  /** Signature algorithms accepted; "none" is never among them. */
  algorithms?: string[];
}

const DEFAULT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export class OidcVerifier implements TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(private readonly settings: OidcSettings, policyFile: string, options: OidcOptions = {}) {
    const cooldown = options.cooldownMs ?? 30_000;
    this.algorithms = options.algorithms ?? DEFAULT_ALGORITHMS;
    if (settings.jwks.startsWith('file:')) {
      const raw = settings.jwks.slice('file:'.length);
      this.keys = fileJwks(isAbsolute(raw) ? raw : resolve(dirname(policyFile), raw), cooldown);
    } else {
      this.keys = createRemoteJWKSet(new URL(settings.jwks), {
        cooldownDuration: cooldown,
        cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
        timeoutDuration: options.timeoutMs ?? 5_000,
      });
    }
  }

  async verify(token: string, presentedChain: string | null): Promise<IdentityResult> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: this.algorithms,
        clockTolerance: Math.round(this.settings.clockSkewMs / 1000),
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      return failure(e);
    }
    const groups = stringList(payload[this.settings.groupsClaim]);
    const claimed = typeof payload[this.settings.chainClaim] === 'string' ? (payload[this.settings.chainClaim] as string) : null;
    let chain = claimed;
    if (presentedChain !== null && presentedChain !== claimed) {
      const mayChoose = groups.some((g) => this.settings.chainHeaderGroups.includes(g));
      if (!mayChoose) {
        return { error: 'invalid_credential', message: `the token's groups may not choose a chain with x-chainwarden-chain (allowed for: ${this.settings.chainHeaderGroups.join(', ') || 'nobody'})` };
      }
      chain = presentedChain;
    }
    return { chain, subject: payload.sub ?? 'unknown', groups, keyId: null, method: 'oidc', ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp * 1000 } : {}) };
  }
}

function stringList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function failure(e: unknown): IdentityResult {
  if (e instanceof errors.JWTExpired) return { error: 'expired_token', message: 'the token has expired' };
  if (e instanceof errors.JWTClaimValidationFailed) return { error: 'invalid_credential', message: `the token's "${e.claim}" claim is not accepted (${e.reason})` };
  if (e instanceof errors.JWKSNoMatchingKey) return { error: 'invalid_credential', message: 'the token is signed with a key the issuer does not publish' };
  if (e instanceof errors.JOSEAlgNotAllowed) return { error: 'invalid_credential', message: 'the token is signed with an algorithm that is not accepted' };
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid || (e as { code?: string }).code === 'ERR_JOSE_GENERIC' || e instanceof TypeError) {
    return { error: 'oidc_unavailable', message: 'the issuer\'s signing keys cannot be fetched' };
  }
  if (e instanceof errors.JOSEError) return { error: 'invalid_credential', message: `the token is not valid (${e.code})` };
  return { error: 'oidc_unavailable', message: 'the token could not be verified' };
}

/** A JWKS file, re-read when a token names a kid it lacks (at most once per cooldown). */
function fileJwks(path: string, cooldownMs: number): JWTVerifyGetKey {
  let current = createLocalJWKSet(JSON.parse(readFileSync(path, 'utf8')));
  let lastRead = Date.now();
  return async (header, token) => {
    try {
      return await current(header, token);
    } catch (e) {
      if (!(e instanceof errors.JWKSNoMatchingKey) || Date.now() - lastRead < cooldownMs) throw e;
      lastRead = Date.now();
      current = createLocalJWKSet(JSON.parse(readFileSync(path, 'utf8')));
      return current(header, token);
    }
  };
}
