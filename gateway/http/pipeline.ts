/**
 * The request lifecycle as composable stages: route → identify → authorize → (approve) → forward.
 * A stage returns nothing to pass the call on, or an Outcome to answer it with a coded error.
 * Later features plug in as stages or hooks without touching the others:
 *   - `onApprove`: an `approve` decision (hold for a person) — answered `approval_required` until set;
 *   - `responseTransform`: a response-body transform (masking) per call.
 */
import type { Transform } from 'node:stream';
import type { ErrorCode } from '../errors.js';
import { HTTP_METHODS } from '../policy/operations.js';
import type { Decision } from '../policy/engine.js';
import { isIdentity } from '../identity/identity.js';
import type { Exchange } from './exchange.js';
import { presentedCredential, withoutCredential } from './headers.js';
import { routeTarget } from './router.js';
import { internalError } from './channels.js';

export interface Outcome {
  code: ErrorCode;
  detail?: string;
  rule?: string | null;
}

export type Stage = (ex: Exchange) => Outcome | void | Promise<Outcome | void>;

export interface PipelineHooks {
  /** Decides an `approve` decision: resolve nothing to let the call through, or an Outcome to refuse it. */
  onApprove?: (ex: Exchange, decision: Decision) => Promise<Outcome | void>;
  /** A transform for the response body (e.g. masking), or null to stream it untouched. */
  responseTransform?: (ex: Exchange, decision: Decision) => (Transform & { maskedCounts?: Record<string, number> }) | null;
}

const METHODS = new Set<string>(HTTP_METHODS);
const IDENTITY_CODES: Record<string, ErrorCode> = {
  missing_credential: 'CW_ERR_MISSING_CREDENTIAL',
  invalid_credential: 'CW_ERR_INVALID_CREDENTIAL',
  expired_token: 'CW_ERR_EXPIRED_TOKEN',
  oidc_unavailable: 'CW_ERR_IDP_UNAVAILABLE',
};

export const route: Stage = (ex) => {
  if (!METHODS.has(ex.req.method!)) return { code: 'CW_ERR_METHOD_NOT_ALLOWED', detail: `${ex.req.method} (forwarded: ${HTTP_METHODS.join(', ')})` };
  const r = routeTarget(ex.req.url!);
  if ('error' in r) return { code: r.error, detail: r.detail };
  ex.connection = r.connection;
  ex.path = r.path;
  ex.query = r.query;
  const upstream = ex.runtime.upstreams.get(r.connection);
  if (upstream === undefined) {
    const skipped = ex.runtime.skipped.get(r.connection);
    return skipped
      ? { code: 'CW_ERR_CONNECTION_NOT_HTTP', detail: `"${r.connection}": ${skipped}` }
      : { code: 'CW_ERR_UNKNOWN_CONNECTION', detail: `"${r.connection}" is not a connection in the policy` };
  }
  ex.upstream = upstream;
  const run = ex.req.headers['x-chainwarden-run'];
  if (typeof run === 'string') ex.runId = run.slice(0, 200);
};

export const identify: Stage = async (ex) => {
  const h = ex.req.headers;
  const presentedChain = typeof h['x-chainwarden-chain'] === 'string' ? h['x-chainwarden-chain'] : null;
  const credential = presentedCredential(h, ex.upstream!.caller);
  const result = await ex.runtime.identity.resolve(credential, presentedChain);
  if (!isIdentity(result)) return { code: IDENTITY_CODES[result.error]!, detail: result.message };
  ex.identity = result;
  if (credential && ex.query) ex.query = withoutCredential(ex.query, credential);
};

export function authorize(hooks: PipelineHooks): Stage {
  return async (ex) => {
    const id = ex.identity!;
    const d = ex.runtime.decide(id.chain, id.groups, ex.connection!, ex.req.method!, ex.path);
    ex.decision = d;
    if (d.effect === 'deny') return { code: 'CW_ERR_DENIED', detail: `${ex.operation} on "${ex.connection}" — ${d.reasons[0] ?? 'no rule matched (default deny)'}`, rule: d.rule };
    if (d.effect === 'approve') {
      if (!hooks.onApprove) return { code: 'CW_ERR_APPROVAL_REQUIRED', detail: `${ex.operation} on "${ex.connection}" — ${d.reasons[0]}`, rule: d.rule };
      const held = await hooks.onApprove(ex, d);
      if (held) return held;
    }
    if (hooks.responseTransform) ex.transform = hooks.responseTransform(ex, d);
    else ex.masker = ex.runtime.maskerFor(ex.connection!, d);
  };
}

/** Runs the stages in order; the first Outcome ends the call. */
export function compose(stages: readonly Stage[], last: (ex: Exchange) => void): (ex: Exchange) => void {
  const n = stages.length;
  const step = (ex: Exchange, i: number): void => {
    for (; i < n; i++) {
      let out: Outcome | void | Promise<Outcome | void>;
      try {
        out = stages[i]!(ex);
      } catch (e) {
        return internal(ex, e);
      }
      if (out instanceof Promise) {
        const next = i + 1;
        out.then(
          (o) => (o ? ex.fail(o.code, o.detail, o.rule ?? null) : step(ex, next)),
          (e: unknown) => internal(ex, e),
        );
        return;
      }
      if (out) return ex.fail(out.code, out.detail, out.rule ?? null);
    }
    last(ex);
  };
  return (ex) => step(ex, 0);
}

/** An unexpected failure: answered 500 with the request id only; the message goes to the channel, not the caller. */
function internal(ex: Exchange, e: unknown): void {
  internalError.publish({ requestId: ex.id, error: e });
  ex.fail('CW_ERR_INTERNAL');
}
