/**
 * The validation queue: one validation at a time (maxParallelism 1), keyed by document. Scheduling a
 * key again cancels its queued or running validation — a newer version supersedes an older one — so a
 * burst of edits costs one analysis, not one per keystroke. Running work checks its token between
 * steps and before publishing, so stale results never reach the client.
 */
import { CancellationTokenSource, type CancellationToken } from 'vscode-languageserver';

export type ValidationRunner = (key: string, version: number | null, token: CancellationToken) => Promise<void> | void;

interface Job {
  version: number | null;
  source: CancellationTokenSource;
}

export class ValidationQueue {
  private readonly pending = new Map<string, Job>();
  private running: { key: string; job: Job } | undefined;
  private draining = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly runner: ValidationRunner,
    /** Milliseconds to wait before each job; 0 yields one turn of the event loop so messages already received are read first. */
    private readonly delayMs: () => number,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  schedule(key: string, version: number | null): void {
    this.cancel(key);
    this.pending.set(key, { version, source: new CancellationTokenSource() });
    this.kick();
  }

  /** Cancels the key's queued and running validation (a closed document, a newer version). */
  cancel(key: string): void {
    const queued = this.pending.get(key);
    if (queued) {
      queued.source.cancel();
      queued.source.dispose();
      this.pending.delete(key);
    }
    if (this.running?.key === key) this.running.job.source.cancel();
  }

  cancelAll(): void {
    for (const key of [...this.pending.keys()]) this.cancel(key);
    this.running?.job.source.cancel();
  }

  get size(): number {
    return this.pending.size + (this.running ? 1 : 0);
  }

  /** Resolves when nothing is queued or running (shutdown, tests of the module). */
  idle(): Promise<void> {
    if (!this.draining) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.size) {
        await pause(this.delayMs());
        const next = this.pending.entries().next();
        if (next.done) break;
        const [key, job] = next.value;
        this.pending.delete(key);
        if (job.source.token.isCancellationRequested) continue;
        this.running = { key, job };
        try {
          await this.runner(key, job.version, job.source.token);
        } catch (e) {
          this.onError(key, e);
        } finally {
          this.running = undefined;
          job.source.dispose();
        }
      }
    } finally {
      this.draining = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}
