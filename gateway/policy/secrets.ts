/**
 * Secret references. A policy never holds a secret: it names where one lives — `env:NAME`,
 * `file:PATH`, or a template such as `Bearer ${env:OPENAI_API_KEY}` — and the gateway resolves
 * them when it starts. Resolved values stay inside `ResolvedSecret` and are never formatted.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve, dirname } from 'node:path';

export type SecretPart = string | { env: string } | { file: string };

export interface SecretTemplate {
  /** The text as written in the policy: references only, so it is safe to print. */
  readonly source: string;
  readonly parts: readonly SecretPart[];
}

export const SECRET_HINT = 'a secret reference such as "env:NAME", "file:PATH" or "Bearer ${env:NAME}"';
const WHOLE = /^(env|file):(.+)$/;
const INLINE = /\$\{(env|file):([^}]+)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses a reference; a string with no reference at all is an inline secret and is refused. */
export function parseSecretTemplate(text: string): SecretTemplate | string {
  const whole = WHOLE.exec(text);
  if (whole) {
    const part = toPart(whole[1]!, whole[2]!);
    return typeof part === 'string' && part.startsWith('!') ? part.slice(1) : { source: text, parts: [part] };
  }
  const parts: SecretPart[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index! > last) parts.push(text.slice(last, m.index));
    const part = toPart(m[1]!, m[2]!);
    if (typeof part === 'string' && part.startsWith('!')) return part.slice(1);
    parts.push(part);
    last = m.index! + m[0].length;
  }
  if (!parts.some((p) => typeof p !== 'string')) {
    return `expected ${SECRET_HINT}; a literal value here would put a secret in the policy file`;
  }
  if (last < text.length) parts.push(text.slice(last));
  return { source: text, parts };
}

function toPart(scheme: string, name: string): SecretPart {
  if (scheme === 'env') return ENV_NAME.test(name) ? { env: name } : `!"${name}" is not an environment variable name`;
  return { file: name };
}

export function secretReferences(t: SecretTemplate): Array<{ env: string } | { file: string }> {
  return t.parts.filter((p): p is { env: string } | { file: string } => typeof p !== 'string');
}

/** Why a reference cannot be resolved now, or undefined when it can. */
export function unresolvable(t: SecretTemplate, env: NodeJS.ProcessEnv, baseDir: string): string | undefined {
  for (const ref of secretReferences(t)) {
    if ('env' in ref && (env[ref.env] === undefined || env[ref.env] === '')) return `environment variable ${ref.env} is not set`;
    if ('file' in ref) {
      try {
        readFileSync(resolveFile(ref.file, baseDir));
      } catch {
        return `secret file ${ref.file} cannot be read`;
      }
    }
  }
  return undefined;
}

function resolveFile(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** A resolved secret. `toString`/`toJSON`/inspect print a redaction, so it cannot leak by accident. */
export class ResolvedSecret {
  readonly #value: string;
  constructor(value: string, readonly source: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return `[secret ${this.source}]`;
  }
  toJSON(): string {
    return this.toString();
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export function resolveSecret(t: SecretTemplate, env: NodeJS.ProcessEnv, policyFile: string): ResolvedSecret {
  const baseDir = dirname(policyFile);
  const value = t.parts
    .map((p) => {
      if (typeof p === 'string') return p;
      if ('env' in p) {
        const v = env[p.env];
        if (v === undefined || v === '') throw new Error(`environment variable ${p.env} is not set`);
        return v;
      }
      return readFileSync(resolveFile(p.file, baseDir), 'utf8').trim();
    })
    .join('');
  return new ResolvedSecret(value, t.source);
}
