/**
 * Reads chainwarden.yaml: YAML syntax, then shape (policy-schema), then meaning (cross-references,
 * operation patterns, secret references). Every problem is collected with its position; a policy is
 * returned only when there is no error.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { hasErrors, PolicyError, type PolicyDiagnostic } from './diagnostics.js';
import { policySchema } from './policy-schema.js';
import { walk, YamlContext } from './yaml-walk.js';
import { buildPolicy } from './build.js';
import { checkSemantics } from './semantics.js';
import type { Policy } from './types.js';

export interface LoadOptions {
  /** Check that every env:/file: reference resolves now: the gateway sets this, the linter does not. */
  resolveSecrets?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface LoadResult {
  policy?: Policy;
  diagnostics: PolicyDiagnostic[];
}

/** Bigger files are refused before parsing: a policy is a page or two, not megabytes. */
const MAX_POLICY_BYTES = 4 * 1024 * 1024;

export function parsePolicy(text: string, file: string, options: LoadOptions = {}): LoadResult {
  const lines = new LineCounter();
  if (text.length > MAX_POLICY_BYTES) {
    return { diagnostics: [{ file, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', message: `the policy is ${text.length} bytes; at most ${MAX_POLICY_BYTES} are read`, code: 'CW_POLICY_TOO_LARGE' }] };
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  const ctx = new YamlContext(file, doc, lines);
  for (const e of doc.errors) {
    ctx.report({ range: [e.pos[0], e.pos[1], e.pos[1]] }, yamlMessage(e.message), 'CW_POLICY_YAML');
  }
  for (const w of doc.warnings) {
    ctx.report({ range: [w.pos[0], w.pos[1], w.pos[1]] }, yamlMessage(w.message), 'CW_POLICY_YAML', 'warning');
  }
  if (doc.errors.length) return { diagnostics: sortDiagnostics(ctx.diagnostics) };
  if (doc.contents === null) {
    ctx.report(null, 'the policy is empty: expected a mapping with at least "version: 1"', 'CW_POLICY_EMPTY');
    return { diagnostics: ctx.diagnostics };
  }
  const raw = walk(ctx, doc.contents, policySchema) as Record<string, unknown> | undefined;
  if (!raw) return { diagnostics: sortDiagnostics(ctx.diagnostics) };
  // Meaning is checked even after shape errors, on what did validate, so one run reports every mistake.
  const shapeErrors = hasErrors(ctx.diagnostics);
  let policy;
  try {
    policy = buildPolicy(raw, file, ctx);
    checkSemantics(policy, ctx, options, declaredNames(raw));
  } catch (e) {
    // A loader bug must not take the gateway down on reload: report it where it can be seen.
    ctx.report(null, `internal error while checking the policy: ${(e as Error).message}`, 'CW_POLICY_INTERNAL');
    return { diagnostics: sortDiagnostics(ctx.diagnostics) };
  }
  const diagnostics = sortDiagnostics(ctx.diagnostics);
  if (shapeErrors) return { diagnostics };
  return hasErrors(diagnostics) ? { diagnostics } : { policy, diagnostics };
}

export function loadPolicyFile(file: string, options: LoadOptions = {}): LoadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return { diagnostics: [{ file, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', message: `cannot read the policy: ${reason}`, code: 'CW_POLICY_READ' }] };
  }
  return parsePolicy(text, file, options);
}

/** Loads or throws PolicyError; for callers that cannot go on without a policy. */
export function requirePolicy(file: string, options: LoadOptions = {}): Policy {
  const { policy, diagnostics } = loadPolicyFile(file, options);
  if (!policy) throw new PolicyError(diagnostics);
  return policy;
}

export const POLICY_FILE_NAME = 'chainwarden.yaml';

/** `--policy`, then CHAINWARDEN_POLICY, then chainwarden.yaml in the directory or any parent. */
export function findPolicyFile(explicit: string | undefined, cwd = process.cwd(), env = process.env): string | undefined {
  if (explicit) return resolve(cwd, explicit);
  if (env.CHAINWARDEN_POLICY) return resolve(cwd, env.CHAINWARDEN_POLICY);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of [POLICY_FILE_NAME, 'chainwarden.yml']) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Names declared in the file, including entries whose bodies failed validation (so they are not also "unknown"). */
function declaredNames(raw: Record<string, unknown>): { chains: string[]; connections: string[] } {
  const keys = (v: unknown) => (v && typeof v === 'object' ? Object.keys(v) : []);
  return { chains: keys(raw.chains), connections: keys(raw.connections) };
}

function yamlMessage(message: string): string {
  // The yaml package appends "at line X, column Y" and a code excerpt; we print positions ourselves.
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function sortDiagnostics(d: PolicyDiagnostic[]): PolicyDiagnostic[] {
  return d.sort((a, b) => a.line - b.line || a.column - b.column);
}
