/**
 * Hot reload: a changed policy file is validated first; an invalid file keeps the policy in force
 * and reports its errors. Watches the folder too, since editors save by writing a new file and renaming it.
 */
import { EventEmitter } from 'node:events';
import { watch, type FSWatcher, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { loadPolicyFile, type LoadOptions } from './load.js';
import type { PolicyDiagnostic } from './diagnostics.js';
import type { Policy } from './types.js';

export interface PolicyWatcherEvents {
  reload: [policy: Policy, diagnostics: PolicyDiagnostic[]];
  rejected: [diagnostics: PolicyDiagnostic[]];
}

export class PolicyWatcher extends EventEmitter<PolicyWatcherEvents> {
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private lastText: string;

  constructor(
    readonly file: string,
    private current: Policy,
    private readonly options: LoadOptions = {},
    private readonly debounceMs = 100,
  ) {
    super();
    this.lastText = safeRead(file) ?? '';
  }

  get policy(): Policy {
    return this.current;
  }

  start(): this {
    const name = basename(this.file);
    this.watcher = watch(dirname(this.file), { persistent: true }, (_event, changed) => {
      if (changed === null || changed === name) this.schedule();
    });
    return this;
  }

  /** Re-reads the file now; returns whether a new policy took effect. */
  reload(): boolean {
    const text = safeRead(this.file);
    if (text === undefined || text === this.lastText) return false;
    this.lastText = text;
    const { policy, diagnostics } = loadPolicyFile(this.file, this.options);
    if (!policy) {
      this.emit('rejected', diagnostics);
      return false;
    }
    this.current = policy;
    this.emit('reload', policy, diagnostics);
    return true;
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), this.debounceMs);
    this.timer.unref();
  }
}

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
