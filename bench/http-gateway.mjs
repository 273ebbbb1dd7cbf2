#!/usr/bin/env node
/**
 * HTTP gateway benchmark: the same fake upstream on loopback, reached directly, through
 * Chainwarden, through nginx (plain reverse proxy) and through the Portkey AI gateway, in one run.
 * The load generator is wrk (a separate process); SSE time to first byte is measured by this script.
 *
 *   npx tsc -b && node bench/http-gateway.mjs [--duration 4] [--connections 32] [--rounds 3] [--skip-portkey] [--skip-nginx]
 *
 * Needs wrk and nginx (`apt-get install -y wrk nginx-light`, as root) and, for Portkey,
 * `npm install --prefix /work/cache/portkey @portkey-ai/gateway@1.15.2` (PORTKEY_DIR overrides the folder).
 * A missing peer is skipped with the command that installs it. Bounded: about 2 minutes with the defaults.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const { values: opt } = parseArgs({
  options: {
    duration: { type: 'string', default: '4' },
    connections: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
    samples: { type: 'string', default: '200' },
    'skip-portkey': { type: 'boolean' },
    'skip-nginx': { type: 'boolean' },
    'cpu-prof': { type: 'boolean' },
  },
});
const DURATION = Number(opt.duration);
const CONNECTIONS = Number(opt.connections);
const ROUNDS = Number(opt.rounds);
const SAMPLES = Number(opt.samples);
const PORTKEY_DIR = process.env.PORTKEY_DIR ?? '/work/cache/portkey';
const PORTKEY_START = join(PORTKEY_DIR, 'node_modules/@portkey-ai/gateway/build/start-server.js');
const CHAIN_KEY = 'cw-bench-chain-key-0000000000000001';
const JSON_REQ = JSON.stringify({ model: 'gpt-bench', messages: [{ role: 'user', content: 'hi' }] });
const SSE_REQ = JSON.stringify({ model: 'gpt-bench', stream: true, messages: [{ role: 'user', content: 'hi' }] });

const work = mkdtempSync(join(tmpdir(), 'cw-bench-'));
const children = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));

/** SIGTERM and wait: nginx's master stops its workers only when it is not killed outright. */
async function stopAll() {
  await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((resolve) => {
    const timer = setTimeout(() => (c.kill('SIGKILL'), resolve()), 5000);
    c.once('exit', () => (clearTimeout(timer), resolve()));
    c.kill('SIGTERM');
  }))));
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function waitForPort(port, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), resolve()));
      sock.once('error', () => (Date.now() > end ? reject(new Error(`port ${port} never opened`)) : setTimeout(attempt, 100)));
    };
    attempt();
  });
}

// Children log to files: wrk runs through spawnSync, which blocks this process, so nothing would
// read a pipe meanwhile (the gateway writes a line per call).
function start(cmd, args, env = {}) {
  const logFile = join(work, `${children.length}-${cmd.split('/').pop()}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  children.push(child);
  child.log = () => readFileSync(logFile, 'utf8');
  return child;
}

// --- targets -------------------------------------------------------------------------------

async function startUpstream() {
  const port = await freePort();
  start(process.execPath, [join(HERE, 'upstream.mjs'), String(port)]);
  await waitForPort(port);
  return port;
}

async function startChainwarden(up) {
  const port = await freePort();
  const dir = join(work, 'cw');
  mkdirSync(dir);
  const policy = join(dir, 'chainwarden.yaml');
  writeFileSync(policy, `version: 1
gateway:
  listen: 127.0.0.1:${port}
  admin: 127.0.0.1:0
  store: sqlite:state.db
identity:
  keys:
    - { chain: bench, key: env:CW_BENCH_KEY }
chains:
  bench: { sources: ["**"] }
connections:
  openai:
    type: http
    upstream: http://127.0.0.1:${up}
    auth:
      caller: bearer
      inject: { header: authorization, value: "Bearer \${env:CW_BENCH_UPSTREAM_KEY}" }
rules:
  - name: bench chats
    chains: [bench]
    connection: openai
    allow: ["POST /v1/chat/completions"]
`);
  const nodeArgs = opt['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench', 'results')}`] : [];
  const child = start(process.execPath, [...nodeArgs, join(ROOT, 'bin', 'chainwarden.js'), 'gateway', '--policy', policy], { CW_BENCH_KEY: CHAIN_KEY, CW_BENCH_UPSTREAM_KEY: 'sk-bench-upstream' });
  await waitForPort(port);
  return { name: 'chainwarden', url: `http://127.0.0.1:${port}`, path: '/openai/v1/chat/completions', headers: { authorization: `Bearer ${CHAIN_KEY}` }, child };
}

async function startNginx(up) {
  if (!have('nginx')) return { skip: 'nginx not installed: apt-get install -y nginx-light' };
  const port = await freePort();
  const dir = join(work, 'nginx');
  mkdirSync(dir, { mode: 0o755 });
  writeFileSync(join(dir, 'nginx.conf'), `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream up { server 127.0.0.1:${up}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
`);
  start('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;']);
  await waitForPort(port);
  return { name: 'nginx', url: `http://127.0.0.1:${port}`, path: '/v1/chat/completions', headers: { authorization: 'Bearer sk-bench-upstream' } };
}

async function startPortkey(up) {
  if (!existsSync(PORTKEY_START)) return { skip: `Portkey not installed: npm install --prefix ${PORTKEY_DIR} @portkey-ai/gateway@1.15.2` };
  const port = await freePort();
  start(process.execPath, ['--import', join(HERE, 'portkey-preload.mjs'), PORTKEY_START, `--port=${port}`, '--headless']);
  await waitForPort(port, 30_000);
  return {
    name: 'portkey',
    url: `http://127.0.0.1:${port}`,
    path: '/v1/chat/completions',
    headers: { authorization: 'Bearer sk-bench-upstream', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `http://127.0.0.1:${up}/v1` },
  };
}

// --- measurements ---------------------------------------------------------------------------

function luaFor(target, body) {
  const file = join(work, `${target.name}-${body === SSE_REQ ? 'sse' : 'json'}.lua`);
  const headers = { 'content-type': 'application/json', ...target.headers };
  writeFileSync(file, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\n${Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`).join('\n')}\n`);
  return file;
}

function toMs(text) {
  const m = /([\d.]+)(us|ms|s)/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
}

function wrk(target, connections, seconds) {
  const lua = luaFor(target, JSON_REQ);
  const r = spawnSync('wrk', ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, '--latency', '-s', lua, target.url + target.path], { encoding: 'utf8', timeout: (seconds + 30) * 1000 });
  const out = r.stdout ?? '';
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const p50 = toMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
  const p99 = toMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1];
  if (errors) console.error(`  ${target.name}: ${errors} non-2xx answers`);
  return { rps, p50, p99 };
}

async function ttfb(target) {
  const pool = new Pool(target.url, { connections: 1 });
  const times = [];
  for (let i = 0; i < SAMPLES + 20; i++) {
    const t0 = performance.now();
    const res = await pool.request({ path: target.path, method: 'POST', headers: { 'content-type': 'application/json', ...target.headers }, body: SSE_REQ });
    let first = 0;
    for await (const chunk of res.body) if (!first && chunk.length) first = performance.now();
    if (res.statusCode !== 200) throw new Error(`${target.name}: SSE answered ${res.statusCode}`);
    if (i >= 20) times.push(first - t0);
  }
  await pool.close();
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)], p99: times[Math.floor(times.length * 0.99)] };
}

// The median of the rounds: one round disturbed by other work on the machine does not move it.
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// --- run ------------------------------------------------------------------------------------

if (!have('wrk')) {
  console.error('wrk is not installed: apt-get install -y wrk (as root), then run again');
  process.exit(2);
}
const up = await startUpstream();
const direct = { name: 'direct', url: `http://127.0.0.1:${up}`, path: '/v1/chat/completions', headers: { authorization: 'Bearer sk-bench-upstream' } };
const started = [direct, await startChainwarden(up)];
for (const s of [opt['skip-nginx'] ? { skip: '--skip-nginx' } : await startNginx(up), opt['skip-portkey'] ? { skip: '--skip-portkey' } : await startPortkey(up)]) {
  if (s.skip) console.error(`skipped: ${s.skip}`);
  else started.push(s);
}
const results = Object.fromEntries(started.map((t) => [t.name, { rps: [], p50: [], p99: [], ttfb50: [], ttfb99: [] }]));
console.error(`wrk -t1 -c${CONNECTIONS} ${DURATION}s for throughput, -c1 3s for latency, ${SAMPLES} sequential SSE calls for time to first byte; median of ${ROUNDS} round(s)`);
for (let round = 0; round < ROUNDS; round++) {
  for (const t of started) {
    wrk(t, CONNECTIONS, 1); // warm-up
    const sat = wrk(t, CONNECTIONS, DURATION);
    const lat = wrk(t, 1, 3);
    const sse = await ttfb(t);
    const r = results[t.name];
    r.rps.push(sat.rps), r.p50.push(lat.p50), r.p99.push(lat.p99), r.ttfb50.push(sse.p50), r.ttfb99.push(sse.p99);
    console.error(`  round ${round + 1} ${t.name.padEnd(12)} ${sat.rps.toFixed(0).padStart(7)} req/s  p50 ${lat.p50.toFixed(3)} ms  p99 ${lat.p99.toFixed(3)} ms  SSE TTFB p50 ${sse.p50.toFixed(3)} ms`);
  }
}

const summary = Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { rps: median(r.rps), p50: median(r.p50), p99: median(r.p99), ttfb50: median(r.ttfb50), ttfb99: median(r.ttfb99) }]));
const d = summary.direct;
const f = (x, n = 3) => (Number.isFinite(x) ? x.toFixed(n) : 'n/a');
const lines = [
  '| target | requests/s (c=32) | vs direct | p50 ms (c=1) | added p50 | p99 ms (c=1) | added p99 | SSE TTFB p50 | added TTFB p50 | SSE TTFB p99 |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...Object.entries(summary).map(([k, s]) =>
    `| ${k} | ${f(s.rps, 0)} | ${f(s.rps / d.rps, 2)}× | ${f(s.p50)} | ${k === 'direct' ? '—' : f(s.p50 - d.p50)} | ${f(s.p99)} | ${k === 'direct' ? '—' : f(s.p99 - d.p99)} | ${f(s.ttfb50)} | ${k === 'direct' ? '—' : f(s.ttfb50 - d.ttfb50)} | ${f(s.ttfb99)} |`),
];
console.log(lines.join('\n'));
const cw = summary.chainwarden;
const checks = [
  [`added p50 ${f(cw.p50 - d.p50)} ms ≤ 0.3 ms`, cw.p50 - d.p50 <= 0.3],
  [`added p99 ${f(cw.p99 - d.p99)} ms ≤ 2 ms`, cw.p99 - d.p99 <= 2],
];
if (summary.portkey) checks.push([`throughput ${f(cw.rps / summary.portkey.rps, 2)}× Portkey's ≥ 1.5×`, cw.rps / summary.portkey.rps >= 1.5]);
if (summary.nginx) checks.push([`throughput ${f((100 * cw.rps) / summary.nginx.rps, 0)}% of nginx's ≥ 50%`, cw.rps / summary.nginx.rps >= 0.5]);
console.log('');
for (const [text, ok] of checks) console.log(`${ok ? 'met   ' : 'MISSED'} ${text}`);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', `http-gateway-${Date.now()}.json`), JSON.stringify({ date: new Date().toISOString(), options: { DURATION, CONNECTIONS, ROUNDS, SAMPLES }, results, summary }, null, 2));
// A clean stop lets --cpu-prof write its profile and nginx stop its workers.
await stopAll();
process.exit(0);
