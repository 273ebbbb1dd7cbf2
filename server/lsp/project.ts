/**
 * One workspace folder as the server sees it: its policy (the editor's unsaved text or the file on
 * disk), the policy's diagnostics, and the scanner Workspace that analyses its files. An invalid edit
 * of the policy is reported but the last valid policy stays in force, as the gateway's hot reload does.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { compilePolicy, findPolicyFile, parsePolicy, type CompiledPolicy, type Policy, type PolicyDiagnostic } from '../../gateway/policy/index.js';
import { Workspace } from '../scan/api.js';
import type { Settings } from './settings.js';

export type PolicyUpdate = 'unchanged' | 'applied' | 'rejected';

export class Project {
  readonly policyFile: string | undefined;
  readonly workspace: Workspace;
  policy: Policy | undefined;
  compiled: CompiledPolicy | undefined;
  policyDiagnostics: PolicyDiagnostic[] = [];
  private policyText: string | undefined | null = null;

  constructor(
    readonly root: string,
    settings: Settings,
    env: NodeJS.ProcessEnv,
  ) {
    this.policyFile = settings.policyPath ? resolve(root, settings.policyPath) : findPolicyFile(undefined, root, env);
    this.workspace = new Workspace({ root });
  }

  contains(file: string): boolean {
    const rel = relative(this.root, file);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  }

  isPolicyFile(file: string): boolean {
    return this.policyFile !== undefined && resolve(file) === this.policyFile;
  }

  /** The policy's folder: request files go under it. */
  get policyDir(): string {
    return this.policyFile ? dirname(this.policyFile) : this.root;
  }

  /** Re-reads the policy from the editor's text, or from disk when `text` is undefined. */
  updatePolicy(text?: string): PolicyUpdate {
    if (!this.policyFile) return 'unchanged';
    const current = text ?? readText(this.policyFile);
    if (current === this.policyText) return 'unchanged';
    this.policyText = current;
    const result =
      current === undefined
        ? { diagnostics: [{ file: this.policyFile, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error' as const, message: 'cannot read the policy file', code: 'CW_POLICY_READ' }] }
        : parsePolicy(current, this.policyFile, { resolveSecrets: false });
    this.policyDiagnostics = result.diagnostics;
    if (!('policy' in result) || !result.policy) return 'rejected';
    this.policy = result.policy;
    this.compiled = compilePolicy(result.policy);
    this.workspace.setPolicy(result.policy);
    return 'applied';
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
