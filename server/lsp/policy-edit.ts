/**
 * Edits to chainwarden.yaml for the "Move secret to the gateway" fix: the connection's injected
 * credential (or a PostgreSQL connection's password) becomes an env reference. The yaml Document API
 * finds the nodes; a changed value is rewritten through its CST token (yaml's setScalarValue keeps the
 * quoting style), and a missing entry is inserted as one new line at the map's indentation, so every
 * other byte of the file — comments, alignment, flow style — stays as written.
 */
import { CST, isMap, isScalar, parseDocument, type YAMLMap } from 'yaml';
import type { Connection, Policy } from '../../gateway/policy/index.js';

/** A replacement of text[start, end) by newText (offsets into the policy text). */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

/** How each provider's API takes its key when the gateway injects it; the default is a bearer token. */
const INJECT_BY_PROVIDER: Record<string, { header: string; prefix: string }> = {
  anthropic: { header: 'x-api-key', prefix: '' },
  'google-genai': { header: 'x-goog-api-key', prefix: '' },
  'azure-openai': { header: 'api-key', prefix: '' },
};

/** The connection a secret belongs to: one whose provider is the key's provider. */
export function connectionForSecret(policy: Policy, provider: string | null): Connection | undefined {
  if (!provider) return undefined;
  return Object.values(policy.connections).find((c) => c.provider === provider);
}

/** The edit making the connection's credential read `envVar`, or an error message. */
export function setConnectionCredential(text: string, connection: Connection, envVar: string): { edit: OffsetEdit } | { error: string } {
  const doc = parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length) return { error: 'chainwarden.yaml has syntax errors; fix them first' };
  const base = ['connections', connection.name];
  const connMap = doc.getIn(base, true);
  if (!isMap(connMap)) return { error: `connection "${connection.name}" is not a mapping in chainwarden.yaml` };
  const ref = `\${env:${envVar}}`;

  if (connection.type === 'postgres') {
    const existing = doc.getIn([...base, 'credential', 'password'], true);
    if (isScalar(existing)) return { edit: replaceScalar(existing, `env:${envVar}`) };
    const credential = doc.getIn([...base, 'credential'], true);
    if (isMap(credential)) return insertEntry(text, credential, 'password', `env:${envVar}`);
    return insertEntry(text, connMap, 'credential', `{ password: "env:${envVar}" }`);
  }
  const value = doc.getIn([...base, 'auth', 'inject', 'value'], true);
  if (isScalar(value)) return { edit: replaceScalar(value, replaceReference(String(value.value), envVar, ref)) };
  const how = INJECT_BY_PROVIDER[connection.provider ?? ''] ?? { header: 'authorization', prefix: 'Bearer ' };
  const inject = `{ header: ${how.header}, value: ${JSON.stringify(how.prefix + ref)} }`;
  const auth = doc.getIn([...base, 'auth'], true);
  if (isMap(auth)) return insertEntry(text, auth, 'inject', inject);
  return insertEntry(text, connMap, 'auth', `{ inject: ${inject} }`);
}

/** Applies offset edits (non-overlapping) to a text. */
export function applyOffsetEdit(text: string, e: OffsetEdit): string {
  return text.slice(0, e.start) + e.newText + text.slice(e.end);
}

/** `Bearer ${env:OLD}` → `Bearer ${env:NEW}`; `env:OLD` → `env:NEW`; anything else becomes the bare reference. */
function replaceReference(current: string, envVar: string, ref: string): string {
  if (/\$\{(env|file):[^}]+\}/.test(current)) return current.replace(/\$\{(env|file):[^}]+\}/, ref);
  if (/^(env|file):/.test(current)) return `env:${envVar}`;
  return ref;
}

function replaceScalar(node: { srcToken?: CST.Token; range?: [number, number, number] | null }, value: string): OffsetEdit {
  const token = node.srcToken;
  if (!token || !('offset' in token)) {
    const [start, end] = node.range!;
    return { start, end, newText: JSON.stringify(value) };
  }
  // Only the scalar's own source changes; trailing comments/whitespace of the token ("end") are kept.
  const before = 'source' in token && typeof token.source === 'string' ? token.source : CST.stringify(token);
  CST.setScalarValue(token, value, { inFlow: true });
  const after = 'source' in token && typeof token.source === 'string' ? token.source : CST.stringify(token);
  return { start: token.offset, end: token.offset + before.length, newText: after };
}

/** Adds `key: value` as the last entry of a map: a new line in a block map, `, key: value` in a flow map. */
function insertEntry(text: string, map: YAMLMap, key: string, value: string): { edit: OffsetEdit } | { error: string } {
  const range = map.range;
  if (!range) return { error: 'cannot locate the mapping to edit in chainwarden.yaml' };
  if (map.flow) {
    const close = text.lastIndexOf('}', range[1]);
    if (close < range[0]) return { error: 'cannot locate the end of the flow mapping in chainwarden.yaml' };
    const empty = map.items.length === 0;
    return { edit: { start: close, end: close, newText: `${empty ? ' ' : ', '}${key}: ${value} ` } };
  }
  const first = map.items[0]?.key as { range?: [number, number, number] } | undefined;
  if (!first?.range) return { error: 'cannot locate the mapping to edit in chainwarden.yaml' };
  const lineStart = text.lastIndexOf('\n', first.range[0] - 1) + 1;
  const indent = ' '.repeat(first.range[0] - lineStart);
  // After the line holding the map's last value (range[1] is its end), so a trailing comment stays on its line.
  const lastChar = Math.max(range[0], range[1] - 1);
  const eol = text.indexOf('\n', lastChar);
  if (eol === -1) return { edit: { start: text.length, end: text.length, newText: `\n${indent}${key}: ${value}\n` } };
  return { edit: { start: eol + 1, end: eol + 1, newText: `${indent}${key}: ${value}\n` } };
}

