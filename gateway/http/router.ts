/**
 * Maps a request target to a connection. `/openai/v1/chat/completions?x=1` → connection
 * "openai", path "/v1/chat/completions", query "?x=1". Only paths are accepted: absolute-form
 * targets, dot segments, empty segments and encoded separators are refused, so the path the
 * policy judges is the path the upstream receives and no target can leave the connection's upstream.
 */
import type { ErrorCode } from '../errors.js';

export interface RoutedTarget {
  connection: string;
  /** Relative to the connection prefix, normalised, without the query. What the policy sees. */
  path: string;
  /** "" or "?…", forwarded as is. */
  query: string;
}

export type RouteResult = RoutedTarget | { error: ErrorCode; detail: string };

/** Encoded "/", "\", "." or NUL; a literal "\"; "." or ".." segments; "//". */
const FORBIDDEN = /%2[fFeE]|%5[cC]|%00|\\|\/\.\.?(?:\/|$)|\/\/|#/;
const PERCENT = /%([0-9A-Fa-f]{2})/g;
const UNRESERVED = /[A-Za-z0-9\-_~]/;

export function routeTarget(url: string): RouteResult {
  if (url.charCodeAt(0) !== 47 /* / */) {
    return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(url)
      ? { error: 'CW_ERR_ABSOLUTE_FORM', detail: 'the request target must be a path such as /openai/v1/chat/completions' }
      : { error: 'CW_ERR_BAD_PATH', detail: 'the request target must start with "/"' };
  }
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q);
  if (FORBIDDEN.test(path)) return { error: 'CW_ERR_BAD_PATH', detail: 'dot segments, empty segments and encoded separators are refused' };
  if (path.includes('%')) {
    const normalised = normalisePercent(path);
    if (normalised === null) return { error: 'CW_ERR_BAD_PATH', detail: 'the path has a malformed percent-encoding' };
    path = normalised;
  }
  const slash = path.indexOf('/', 1);
  const connection = slash < 0 ? path.slice(1) : path.slice(1, slash);
  if (connection === '') return { error: 'CW_ERR_UNKNOWN_CONNECTION', detail: 'the path must start with a connection name, e.g. /openai/v1/…' };
  return { connection, path: slash < 0 ? '/' : path.slice(slash), query };
}

/**
 * Decodes percent-encoded unreserved characters (RFC 3986 §6.2.2.2) so "/v1/fine%5Ftuning" is
 * judged as the "/v1/fine_tuning" the upstream will see; other escapes stay, upper-cased.
 */
function normalisePercent(path: string): string | null {
  if (/%(?![0-9A-Fa-f]{2})/.test(path)) return null;
  return path.replace(PERCENT, (_m, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : '%' + hex.toUpperCase();
  });
}
