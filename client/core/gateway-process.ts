/**
 * Supervises the gateway as a child process of the extension host: start, stream its log line by
 * line, notice when it answers (a health probe), turn an unexpected exit into an error state, stop it
 * (SIGTERM, then SIGKILL after a grace period). No VS Code import: the extension wires the events to
 * an output channel and the status bar.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';

export type GatewayState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'running'; port: number | null; pid: number }
  | { kind: 'error'; message: string };

export interface GatewayLaunch {
  /** The runtime: the extension host's own (process.execPath), run as plain Node. */
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The data-plane port shown in the status bar (from the policy's gateway.listen), if known. */
  port: number | null;
  /** Resolves true once the gateway answers (its admin /healthz); called until it does or the process exits. */
  probe: () => Promise<boolean>;
}

export interface LogLine {
  text: string;
  stream: 'stdout' | 'stderr';
}

export interface SupervisorOptions {
  /** How often the health probe runs while starting. */
  probeIntervalMs?: number;
  /** Give up waiting for the first healthy answer after this long (the process is then stopped). */
  startTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace period. */
  stopGraceMs?: number;
}

/** Events: 'state' (GatewayState), 'line' (LogLine). */
export class GatewaySupervisor extends EventEmitter {
  private child: ChildProcess | undefined;
  private current: GatewayState = { kind: 'stopped' };
  private stopping = false;
  private lastStderr = '';
  private readonly opts: Required<SupervisorOptions>;

  constructor(opts: SupervisorOptions = {}) {
    super();
    this.opts = { probeIntervalMs: opts.probeIntervalMs ?? 250, startTimeoutMs: opts.startTimeoutMs ?? 30_000, stopGraceMs: opts.stopGraceMs ?? 5_000 };
  }

  get state(): GatewayState {
    return this.current;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the gateway unless one is already starting or running (then a no-op). */
  start(launch: GatewayLaunch): void {
    if (this.child) return;
    this.stopping = false;
    this.lastStderr = '';
    this.setState({ kind: 'starting' });
    let child: ChildProcess;
    try {
      child = spawn(launch.command, launch.args, { cwd: launch.cwd, env: launch.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (e) {
      this.setState({ kind: 'error', message: `cannot start the gateway: ${(e as Error).message}` });
      return;
    }
    this.child = child;
    this.pipeLines(child, 'stdout');
    this.pipeLines(child, 'stderr');
    child.once('error', (e) => {
      // spawn failures (ENOENT, EACCES) arrive here, sometimes without an 'exit'.
      if (this.child !== child) return;
      this.child = undefined;
      this.setState({ kind: 'error', message: `cannot start the gateway: ${e.message}` });
    });
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.stopping) {
        this.setState({ kind: 'stopped' });
        return;
      }
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      const detail = this.lastStderr ? `: ${this.lastStderr}` : '';
      this.setState({ kind: 'error', message: `the gateway ${how}${detail}` });
    });
    void this.waitHealthy(child, launch);
  }

  /** Stops the gateway; resolves once the process has exited. A no-op when none runs. */
  stop(): Promise<void> {
    const child = this.child;
    if (!child) {
      if (this.current.kind !== 'error') this.setState({ kind: 'stopped' });
      return Promise.resolve();
    }
    this.stopping = true;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), this.opts.stopGraceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  async restart(launch: GatewayLaunch): Promise<void> {
    await this.stop();
    this.start(launch);
  }

  /** For the window closing: no waiting, the process gets SIGTERM and is forgotten. */
  dispose(): void {
    if (this.child) {
      this.stopping = true;
      this.child.kill('SIGTERM');
    }
    this.removeAllListeners();
  }

  private async waitHealthy(child: ChildProcess, launch: GatewayLaunch): Promise<void> {
    const deadline = Date.now() + this.opts.startTimeoutMs;
    while (this.child === child && this.current.kind === 'starting') {
      if (await launch.probe().catch(() => false)) {
        if (this.child === child && this.current.kind === 'starting') this.setState({ kind: 'running', port: launch.port, pid: child.pid ?? 0 });
        return;
      }
      if (Date.now() > deadline) {
        this.stopping = true;
        child.kill('SIGTERM');
        this.child = undefined;
        this.setState({ kind: 'error', message: `the gateway did not answer within ${Math.round(this.opts.startTimeoutMs / 1000)} s` });
        return;
      }
      await new Promise((r) => setTimeout(r, this.opts.probeIntervalMs));
    }
  }

  private pipeLines(child: ChildProcess, stream: 'stdout' | 'stderr'): void {
    let pending = '';
    const source = child[stream];
    if (!source) return;
    source.setEncoding('utf8');
    source.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        this.emitLine(pending.slice(0, nl).replace(/\r$/, ''), stream);
        pending = pending.slice(nl + 1);
      }
    });
    source.on('end', () => {
      if (pending) this.emitLine(pending, stream);
      pending = '';
    });
  }

  private emitLine(text: string, stream: 'stdout' | 'stderr'): void {
    if (stream === 'stderr' && text.trim()) this.lastStderr = text.trim().slice(0, 300);
    this.emit('line', { text, stream } satisfies LogLine);
  }

  private setState(s: GatewayState): void {
    this.current = s;
    this.emit('state', s);
  }
}

/** The port of a host:port listen address ("127.0.0.1:8790", "[::1]:8790"), or null. */
export function portOf(listen: string | undefined): number | null {
  const m = listen ? /:(\d+)$/.exec(listen) : null;
  return m ? Number(m[1]) : null;
}
