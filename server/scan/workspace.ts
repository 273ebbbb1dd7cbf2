/**
 * A scanned workspace: files, editor overlays, .env values, the policy, and the findings of each file.
 * The CLI scans once; the language server keeps one and calls analyzeFile on each change.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { compileGlob, loadPolicyFile, type Policy } from '../../gateway/policy/index.js';
import type { PolicyDiagnostic as Diagnostic } from '../../gateway/policy/diagnostics.js';
import { LANGUAGES, languageFor, readyLanguages, type LanguageAnalyzer, type LanguageIO } from '../languages/index.js';
import { PolicyChecker } from './check.js';
import { EnvFiles } from './env.js';
import type { Finding } from './types.js';

export interface WorkspaceOptions {
  /** The folder findings are relative to. */
  root: string;
  /** A policy already loaded (the language server's watcher); wins over policyFile. */
  policy?: Policy;
  /** A chainwarden.yaml to load (secrets are not resolved: the scanner never needs their values). */
  policyFile?: string;
}

/** Folders never scanned. */
const SKIP_DIRS = new Set(['__pycache__', 'venv', 'site-packages', 'node_modules', 'dist', 'build', 'out', 'coverage', '.git', '.next', '.turbo', '.cache', '.chainwarden']);

export class Workspace {
  readonly root: string;
  /** Problems loading `policyFile`, if any (the scan then runs without a policy). */
  policyDiagnostics: Diagnostic[] = [];
  /** Files whose analysis failed (an internal error), with the error message; they have no findings. */
  readonly errors = new Map<string, string>();
  private checker: PolicyChecker;
  private readonly overlays = new Map<string, string>();
  private readonly env: EnvFiles;
  private readonly analyzers = new Map<string, LanguageAnalyzer>();
  private readonly io: LanguageIO;
  private readonly deps = new Map<string, readonly string[]>();
  private exclude: Array<{ test(v: string): boolean }> = [];

  constructor(opts: WorkspaceOptions) {
    this.root = resolve(opts.root);
    let policy = opts.policy;
    if (!policy && opts.policyFile) {
      const loaded = loadPolicyFile(resolve(opts.policyFile), { resolveSecrets: false });
      policy = loaded.policy;
      this.policyDiagnostics = loaded.diagnostics;
    }
    this.checker = new PolicyChecker(policy);
    this.setExcludes(policy);
    this.env = new EnvFiles(this.root, (f) => this.readText(f));
    this.io = { root: this.root, readText: (f) => this.readText(f), env: (f, n) => this.env.get(f, n), fileExists: (f) => this.overlays.has(f) || isFile(f) };
  }

  /**
   * Initialises the language modules that load asynchronously (Python's parser is WebAssembly), once per
   * process: `const ws = await new Workspace(opts).ready()`. Until it resolves, .py/.ipynb files are
   * reported in `errors` with no findings; TypeScript needs nothing.
   */
  async ready(): Promise<this> {
    await readyLanguages();
    return this;
  }

  get policy(): Policy | undefined {
    return this.checker.policy;
  }

  /** Replaces the policy (hot reload). Findings depend on it; analyses of code do not. */
  setPolicy(policy: Policy | undefined): void {
    this.checker = new PolicyChecker(policy);
    this.setExcludes(policy);
  }

  /** Analyses one file (with the editor's text when given) and returns its findings. */
  analyzeFile(path: string, text?: string): Finding[] {
    const file = resolve(this.root, path);
    if (text !== undefined) this.setText(file, text);
    const analyzer = this.analyzerFor(file);
    if (!analyzer) return [];
    let result;
    try {
      result = analyzer.analyze(file);
    } catch (e) {
      // One file the analysis cannot handle must not stop a scan; it is reported, with nothing guessed.
      this.errors.set(file, (e as Error).message);
      return [];
    }
    this.errors.delete(file);
    this.deps.set(file, result.deps);
    const rel = this.relative(file);
    const findings = [...result.uses.map((u) => this.checker.checkUse(u, rel)), ...result.secrets.map((s) => this.checker.checkSecret(s, file, rel))];
    return sortFindings(findings);
  }

  /** An editor's unsaved text for a file; `null` closes it (disk is read again). */
  setText(path: string, text: string | null): void {
    const file = resolve(this.root, path);
    const before = this.overlays.get(file);
    if (text === null) {
      if (before === undefined) return;
      this.overlays.delete(file);
    } else {
      if (before === text) return;
      this.overlays.set(file, text);
    }
    this.fileChanged(file, before === undefined);
  }

  /** A file changed on disk (or was created/deleted): forget what was derived from it. */
  fileChanged(path: string, createdOrDeleted = false): void {
    const file = resolve(this.root, path);
    if (EnvFiles.isEnvFile(file)) {
      this.env.invalidate();
      for (const a of this.analyzers.values()) a.invalidateValues();
      return;
    }
    // A file of one language can be read by another's analysis (a .js config imported from .ts): tell them all.
    for (const a of this.analyzers.values()) a.invalidate(file, createdOrDeleted);
  }

  /** Files whose findings may change when `path` changes: files that import it (directly or not), or every file for a .env file. */
  dependentsOf(path: string): string[] {
    const file = resolve(this.root, path);
    const out: string[] = [];
    if (EnvFiles.isEnvFile(file)) {
      const dir = file.slice(0, file.lastIndexOf(sep));
      for (const f of this.deps.keys()) if (f.startsWith(dir + sep)) out.push(f);
    } else for (const [f, deps] of this.deps) if (f !== file && deps.includes(file)) out.push(f);
    return out.sort();
  }

  /** Scans the given files or folders (default: the root), in a stable order. */
  scanAll(paths?: string[]): Finding[] {
    const files = this.listFiles(paths && paths.length ? paths : [this.root]);
    const out: Finding[] = [];
    for (const f of files) out.push(...this.analyzeFile(f));
    return sortFindings(out);
  }

  /** Source files under the given paths, minus node_modules/dist/… and the policy's `scan.exclude`. */
  listFiles(paths: string[]): string[] {
    const out = new Set<string>();
    const walk = (dir: string): void => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) {
          if (SKIP_DIRS.has(e.name) || (e.name.startsWith('.') && e.name !== '.')) continue;
          if (this.excluded(full)) continue;
          walk(full);
        } else if (e.isFile() && isSourceFile(full) && !this.excluded(full)) out.add(full);
      }
    };
    for (const p of paths) {
      const abs = resolve(this.root, p);
      if (!existsSync(abs)) throw new Error(`no such file or folder: ${p}`);
      if (statSync(abs).isDirectory()) walk(abs);
      else out.add(abs);
    }
    return [...out].sort();
  }

  relative(file: string): string {
    const rel = relative(this.root, file);
    return (rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file).split(sep).join('/');
  }

  private excluded(file: string): boolean {
    if (!this.exclude.length || !this.policy) return false;
    const rel = relative(resolve(this.policy.file, '..'), file).split(sep).join('/');
    return this.exclude.some((g) => g.test(rel) || g.test(rel + '/'));
  }

  private setExcludes(policy: Policy | undefined): void {
    this.exclude = (policy?.scan.exclude ?? []).map((g) => compileGlob(g.replace(/^\.\//, ''), '/'));
  }

  private analyzerFor(file: string): LanguageAnalyzer | undefined {
    const lang = languageFor(file);
    if (!lang) return undefined;
    let a = this.analyzers.get(lang.name);
    if (!a) this.analyzers.set(lang.name, (a = lang.create(this.io)));
    return a;
  }

  private readText(file: string): string | null {
    const o = this.overlays.get(file);
    if (o !== undefined) return o;
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  }
}

export function isSourceFile(file: string): boolean {
  return LANGUAGES.some((l) => l.handles(file));
}

function isFile(f: string): boolean {
  try {
    return statSync(f).isFile();
  } catch {
    return false;
  }
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || a.kind.localeCompare(b.kind));
}
