import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { GatewaySupervisor, portOf, type GatewayLaunch, type GatewayState, type LogLine } from '../../client/core/gateway-process.js';
import { FIXTURES } from '../helpers/paths.js';

const FAKE = join(FIXTURES, 'client', 'fake-gateway.mjs');

function launch(mode: string, dir: string): GatewayLaunch {
  const portFile = join(dir, `port-${mode}`);
  return {
    command: process.execPath,
    args: [FAKE, mode, portFile],
    cwd: dir,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    port: 8790,
    probe: async () => {
      if (!existsSync(portFile)) return false;
      const res = await fetch(`http://127.0.0.1:${readFileSync(portFile, 'utf8')}/healthz`);
      return res.ok;
    },
  };
}

function until(sup: GatewaySupervisor, kind: GatewayState['kind']): Promise<GatewayState> {
  if (sup.state.kind === kind) return Promise.resolve(sup.state);
  return new Promise((resolve) => {
    const on = (s: GatewayState) => {
      if (s.kind === kind) {
        sup.off('state', on);
        resolve(s);
      }
    };
    sup.on('state', on);
  });
}

test('start → running once healthy, log lines stream whole, stop → stopped and the process is gone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-sup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sup = new GatewaySupervisor({ probeIntervalMs: 20 });
  const states: string[] = [];
  const lines: LogLine[] = [];
  sup.on('state', (s: GatewayState) => states.push(s.kind));
  sup.on('line', (l: LogLine) => lines.push(l));
  sup.start(launch('ok', dir));
  const running = await until(sup, 'running');
  assert.equal(running.kind === 'running' && running.port, 8790);
  const pid = sup.pid!;
  assert.ok(pid > 0);
  sup.start(launch('ok', dir)); // a second start while running is a no-op
  assert.equal(sup.pid, pid);
  while (lines.length < 2) await once(sup, 'line');
  assert.deepEqual(lines.slice(0, 2).map((l) => l.text), [
    'allow chain=support-bot connection=openai op="POST /v1/chat/completions" status=200 ms=12',
    'deny chain=support-bot connection=openai op="POST /v1/files" status=403 ms=1',
  ]);
  await sup.stop();
  assert.equal(sup.state.kind, 'stopped');
  assert.deepEqual(states, ['starting', 'running', 'stopped']);
  assert.throws(() => process.kill(pid, 0), /ESRCH/);
});

test('a crash becomes an error state naming the exit code and the last stderr line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-sup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sup = new GatewaySupervisor({ probeIntervalMs: 20 });
  sup.start(launch('crash', dir));
  const s = await until(sup, 'error');
  assert.equal(s.kind, 'error');
  assert.match((s as { message: string }).message, /exited with code 3: error: cannot open store/);
  // From an error, start again works (a new process).
  sup.start(launch('ok', dir));
  await until(sup, 'running');
  await sup.stop();
  assert.equal(sup.state.kind, 'stopped');
});

test('a gateway that ignores SIGTERM is killed after the grace period', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-sup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sup = new GatewaySupervisor({ probeIntervalMs: 20, stopGraceMs: 200 });
  sup.start(launch('stubborn', dir));
  await until(sup, 'running');
  const pid = sup.pid!;
  await sup.stop();
  assert.equal(sup.state.kind, 'stopped');
  assert.throws(() => process.kill(pid, 0), /ESRCH/);
});

test('a gateway that never answers is stopped with an error after the start timeout', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-sup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sup = new GatewaySupervisor({ probeIntervalMs: 20, startTimeoutMs: 300 });
  sup.start(launch('mute', dir));
  const s = await until(sup, 'error');
  assert.match((s as { message: string }).message, /did not answer within/);
});

test('a runtime that does not exist is an error, not a throw', async () => {
  const sup = new GatewaySupervisor();
  sup.start({ command: '/nonexistent/node', args: [], cwd: tmpdir(), env: {}, port: null, probe: async () => false });
  const s = await until(sup, 'error');
  assert.match((s as { message: string }).message, /cannot start the gateway: .*ENOENT/);
});

test('portOf reads the port of a listen address', () => {
  for (const [input, want] of [['127.0.0.1:8790', 8790], ['[::1]:9000', 9000], ['localhost', null], [undefined, null]] as const) {
    assert.equal(portOf(input), want, String(input));
  }
});
