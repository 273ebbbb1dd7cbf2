/**
 * Drives a real VS Code workbench: code-server on loopback, headless Debian Chromium through
 * playwright-core, both from the e2e tool cache (test/e2e/setup.sh). Everything waits by polling a
 * visible state; nothing sleeps a fixed time.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface Tools {
  CACHE: string;
  NODE24: string;
  CODE_SERVER: string;
  PLAYWRIGHT: string;
  CHROMIUM: string;
}

export function runSetup(repoRoot: string): Tools {
  const out = execFileSync('bash', [join(repoRoot, 'test/e2e/setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 20 * 60_000 });
  return Object.fromEntries(out.split('\n').filter((l) => /^[A-Z0-9_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])) as unknown as Tools;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a truthy value; fails with `what` and the last error after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface CodeServer {
  url: string;
  proc: ChildProcess;
  log: () => string;
  stop(): void;
}

/** code-server in its own process group, with home, config, data and temp folders under `root`. */
export async function startCodeServer(tools: Tools, root: string, workspace: string, settings: Record<string, unknown>, vsix: string): Promise<CodeServer> {
  const dirs = { home: join(root, 'home'), udd: join(root, 'udd'), exts: join(root, 'exts'), tmp: join(root, 'tmp') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs.udd, 'User'), { recursive: true });
  writeFileSync(join(dirs.udd, 'User', 'settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'window.commandCenter': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...settings,
  }, null, 2));
  const env = {
    ...process.env,
    PATH: `${join(tools.NODE24, '..')}:${process.env.PATH}`,
    HOME: dirs.home, XDG_CONFIG_HOME: join(dirs.home, '.config'), XDG_DATA_HOME: join(dirs.home, '.local/share'), XDG_CACHE_HOME: join(dirs.home, '.cache'), TMPDIR: dirs.tmp,
  };
  const bin = join(tools.CODE_SERVER, 'out', 'node', 'entry.js');
  const common = ['--user-data-dir', dirs.udd, '--extensions-dir', dirs.exts];
  execFileSync(tools.NODE24, [bin, ...common, '--install-extension', vsix], { env, stdio: 'pipe', timeout: 120_000 });
  const port = await freePort();
  let output = '';
  const proc = spawn(tools.NODE24, [bin, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ...common, workspace], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (c) => (output = (output + c).slice(-20_000)));
  proc.stderr!.on('data', (c) => (output = (output + c).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    try {
      process.kill(-proc.pid!, 'SIGKILL'); // the whole group: file watchers and the extension host too
    } catch { /* already gone */ }
  };
  try {
    await until('code-server /healthz', async () => (await fetch(`${url}/healthz`)).ok, 60_000);
  } catch (e) {
    stop();
    throw new Error(`${(e as Error).message}\n${output}`);
  }
  return { url, proc, log: () => output, stop };
}

export async function launchBrowser(tools: Tools, root: string): Promise<any> {
  const require = createRequire(join(tools.PLAYWRIGHT, 'package.json'));
  const { chromium } = require(tools.PLAYWRIGHT);
  return chromium.launchPersistentContext(join(root, 'chromium'), {
    executablePath: tools.CHROMIUM,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
