/** Which headers cross the gateway. Caller credentials and hop-by-hop headers never do. */

/** Headers a caller may use to present its Chainwarden key, by `auth.caller`. */
export const CALLER_HEADERS = ['authorization', 'x-api-key', 'api-key', 'x-goog-api-key'] as const;

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/** Never forwarded upstream: hop-by-hop, host (the upstream's own is set), credentials, our own control headers, expect. */
const DROP_REQUEST = new Set<string>([...HOP_BY_HOP, 'host', 'expect', 'content-length', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip', ...CALLER_HEADERS]);
const DROP_RESPONSE = new Set<string>(HOP_BY_HOP);

/**
 * The headers sent upstream, as a flat [name, value, …] list: the caller's minus the dropped ones,
 * plus the injected credential. Content-length is re-added when known so the body is not chunked.
 */
export function upstreamHeaders(raw: readonly string[], inject: { header: string; value: string } | undefined, contentLength: string | undefined): string[] {
  const out: string[] = [];
  const named = connectionTokens(raw);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (DROP_REQUEST.has(name) || name.startsWith('x-chainwarden-')) continue;
    if ((inject !== undefined && name === inject.header) || (named !== null && named.has(name))) continue;
    out.push(name, raw[i + 1]!);
  }
  if (contentLength !== undefined) out.push('content-length', contentLength);
  if (inject !== undefined) out.push(inject.header, inject.value);
  return out;
}

/** Headers the caller lists in `Connection` are hop-by-hop too (RFC 9110 §7.6.1); null when it names none. */
function connectionTokens(raw: readonly string[]): Set<string> | null {
  let set: Set<string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length !== 10 || raw[i]!.toLowerCase() !== 'connection') continue;
    for (const t of raw[i + 1]!.split(',')) {
      const token = t.trim().toLowerCase();
      if (token && token !== 'keep-alive' && token !== 'close') (set ??= new Set()).add(token);
    }
  }
  return set;
}

/** The upstream's response headers for the caller, flat; `dropLength` when a transform changes the body. */
export function downstreamHeaders(raw: readonly Buffer[], dropLength: boolean, decoded = false): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    // A masked body is re-encoded as identity: its length and encoding are no longer the upstream's.
    if (DROP_RESPONSE.has(name) || (dropLength && name === 'content-length') || (decoded && name === 'content-encoding')) continue;
    out.push(name, raw[i + 1]!.toString('latin1'));
  }
  return out;
}

/** The caller's presented credential for a connection's `auth.caller` setting. */
export function presentedCredential(headers: NodeJS.Dict<string | string[]>, caller: string): string | undefined {
  switch (caller) {
    case 'bearer':
      return bearer(headers.authorization);
    case 'auto':
      return bearer(headers.authorization) ?? single(headers['x-api-key']) ?? single(headers['api-key']) ?? single(headers['x-goog-api-key']);
    default:
      return single(headers[caller]);
  }
}

function bearer(v: string | string[] | undefined): string | undefined {
  const s = single(v);
  if (s === undefined || s.length < 8 || s.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  return s.slice(7).trim() || undefined;
}

function single(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The query string without parameters whose value is the caller's own credential (Google-style
 * `?key=`): a Chainwarden key never travels on to the upstream, in a header or in the URL.
 */
export function withoutCredential(query: string, credential: string): string {
  // Cheap first: a query that holds neither the key's start nor any escape cannot carry the key.
  if (query.length < 2 || (!query.includes(credential.slice(0, 8)) && !query.includes('%'))) return query;
  const kept = query
    .slice(1)
    .split('&')
    .filter((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return true;
      let value: string;
      try {
        value = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
      } catch {
        return true;
      }
      return value !== credential;
    });
  return kept.length ? `?${kept.join('&')}` : '';
}
