/** Malformed and hostile requests over raw sockets: each gets a clear 4xx, and nothing but the configured upstream is ever contacted. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { fakeOpenAI, type FakeUpstream } from './fakes.js';
import { gatewayFor, KEYS, policyYaml } from './setup.js';
import type { RunningGateway } from '../../gateway/gateway.js';

let upstream: FakeUpstream;
let canary: FakeUpstream;
let gw: RunningGateway;
let stop: () => Promise<void>;
let port: number;

before(async () => {
  upstream = await fakeOpenAI();
  canary = await fakeOpenAI(); // never configured: no request may reach it
  ({ gw, stop } = await gatewayFor(policyYaml({ openaiUrl: upstream.url })));
  port = Number(new URL(gw.url).port);
});

after(async () => {
  await stop();
  await upstream.close();
  await canary.close();
});

/** Sends raw bytes, returns the status and JSON body of the first response. */
function raw(bytes: string): Promise<{ status: number; body: { error?: { code: string; message: string } } | null; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => {
      data += d;
      const head = data.indexOf('\r\n\r\n');
      const len = /content-length: (\d+)/i.exec(data);
      if (head >= 0 && len && data.length >= head + 4 + Number(len[1])) socket.destroy(), done();
    });
    socket.on('end', done);
    socket.on('error', reject);
    socket.setTimeout(3000, () => (socket.destroy(), reject(new Error(`no answer to ${JSON.stringify(bytes.slice(0, 60))}`))));
    let finished = false;
    function done() {
      if (finished) return;
      finished = true;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      const bodyText = data.slice(data.indexOf('\r\n\r\n') + 4);
      let body = null;
      try {
        body = JSON.parse(bodyText);
      } catch {
        /* not JSON */
      }
      resolve({ status, body, text: data });
    }
    socket.write(bytes);
  });
}

const auth = `Authorization: Bearer ${KEYS.support}\r\n`;
const get = (target: string, extra = '') => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}${extra}Connection: close\r\n\r\n`;

const cases: Array<{ name: string; request: () => string; status: number; code: string }> = [
  { name: 'an invalid header name', request: () => `GET /openai/v1/models HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n`, status: 400, code: 'CW_ERR_BAD_REQUEST' },
  { name: 'huge headers', request: () => get('/openai/v1/models', `X-Big: ${'a'.repeat(40_000)}\r\n`), status: 431, code: 'CW_ERR_HEADERS_TOO_LARGE' },
  {
    name: 'Content-Length with Transfer-Encoding',
    request: () => `POST /openai/v1/echo HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    status: 400,
    code: 'CW_ERR_BAD_REQUEST',
  },
  { name: 'a dot-dot segment', request: () => get('/openai/../anthropic/v1/messages'), status: 400, code: 'CW_ERR_BAD_PATH' },
  { name: 'a trailing dot-dot', request: () => get('/openai/v1/..'), status: 400, code: 'CW_ERR_BAD_PATH' },
  { name: 'an encoded dot-dot', request: () => get('/openai/v1/%2e%2E/x'), status: 400, code: 'CW_ERR_BAD_PATH' },
  { name: 'an encoded slash', request: () => get('/openai%2Fv1/models'), status: 400, code: 'CW_ERR_BAD_PATH' },
  { name: 'an encoded backslash', request: () => get('/openai/v1%5cmodels'), status: 400, code: 'CW_ERR_BAD_PATH' },
  { name: 'an empty segment', request: () => get('/openai//v1/models'), status: 400, code: 'CW_ERR_BAD_PATH' },
  { name: 'a malformed escape', request: () => get('/openai/v1/mod%zzels'), status: 400, code: 'CW_ERR_BAD_PATH' },
  { name: 'an absolute-form target to another host', request: () => get(`http://127.0.0.1:${canary.port}/v1/models`), status: 400, code: 'CW_ERR_ABSOLUTE_FORM' },
  { name: 'an absolute-form target naming a connection', request: () => get(`http://127.0.0.1:${canary.port}/openai/v1/models`), status: 400, code: 'CW_ERR_ABSOLUTE_FORM' },
  { name: 'a CONNECT tunnel', request: () => `CONNECT 127.0.0.1:${canary.port} HTTP/1.1\r\nHost: 127.0.0.1:${canary.port}\r\n\r\n`, status: 405, code: 'CW_ERR_METHOD_NOT_ALLOWED' },
  { name: 'TRACE', request: () => `TRACE /openai/v1/models HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`, status: 405, code: 'CW_ERR_METHOD_NOT_ALLOWED' },
  { name: 'an asterisk target', request: () => `OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, status: 400, code: 'CW_ERR_BAD_PATH' },
  { name: 'an escaped underscore cannot dodge a deny rule', request: () => get('/openai/v1/fine%5Ftuning/jobs'), status: 403, code: 'CW_ERR_DENIED' },
  { name: 'no connection name', request: () => get('/'), status: 404, code: 'CW_ERR_UNKNOWN_CONNECTION' },
];

for (const c of cases) {
  test(`${c.name} → ${c.status} ${c.code}`, async () => {
    const r = await raw(c.request());
    assert.equal(r.status, c.status, r.text.slice(0, 300));
    assert.equal(r.body?.error?.code, c.code);
    assert.ok(r.body?.error?.message);
  });
}

test('a Host header naming another server changes nothing: the configured upstream gets the call', async () => {
  const before = upstream.seen.length;
  const r = await raw(`GET /openai/v1/models HTTP/1.1\r\nHost: 127.0.0.1:${canary.port}\r\n${auth}X-Forwarded-Host: 127.0.0.1:${canary.port}\r\nConnection: close\r\n\r\n`);
  assert.equal(r.status, 200);
  const seen = upstream.seen.slice(before);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.headers.host, `127.0.0.1:${upstream.port}`);
  assert.equal(seen[0]!.headers['x-forwarded-host'], undefined);
});

test('the key of the caller repeated in the query string (Google-style ?key=) is not forwarded; other parameters are', async () => {
  const before = upstream.seen.length;
  const key = encodeURIComponent(KEYS.support);
  const r = await raw(`GET /openai/v1/models?alt=json&key=${key}&x=1 HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`);
  assert.equal(r.status, 200);
  const seen = upstream.seen.slice(before);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.url, '/v1/models?alt=json&x=1');
  assert.ok(!seen[0]!.url.includes(KEYS.support));
});

test('a chunked request body streams through and is counted', async () => {
  const r = await raw(`POST /openai/v1/echo HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { bytes: 11 });
});

test('a large request body streams through with its length', async () => {
  const body = Buffer.alloc(1024 * 1024, 'a');
  const r = await fetch(`${gw.url}/openai/v1/echo`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.support}` }, body });
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { bytes: body.length });
});

test('a refused target is recorded without its query string', async () => {
  const r = await raw(get('/openai/../x?key=query-secret-123'));
  assert.equal(r.status, 400);
  const rec = gw.store.queryAudit({ limit: 1 })[0]!;
  assert.equal(rec.operation, 'GET /openai/../x');
  assert.equal(rec.error, 'CW_ERR_BAD_PATH');
  assert.ok(!JSON.stringify(rec).includes('query-secret-123'));
});

test('the gateway keeps serving and nothing else was contacted', async () => {
  const r = await fetch(`${gw.url}/openai/v1/models`, { headers: { authorization: `Bearer ${KEYS.support}` } });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  assert.equal(canary.connections, 0, 'the unconfigured server was never contacted');
  assert.ok(upstream.seen.every((s) => ['/v1/models', '/v1/echo', '/v1/models?alt=json&x=1'].includes(s.url)), JSON.stringify(upstream.seen.map((s) => s.url)));
});

test('an unreachable upstream gives 502 with a code, a slow one 504; the gateway keeps serving', async () => {
  const dead = await fakeOpenAI();
  const deadUrl = dead.url;
  await dead.close();
  const g = await gatewayFor(policyYaml({ openaiUrl: deadUrl }));
  try {
    const r = await fetch(`${g.gw.url}/openai/v1/models`, { headers: { authorization: `Bearer ${KEYS.support}` } });
    assert.equal(r.status, 502);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'CW_ERR_UPSTREAM_CONNECT');
  } finally {
    await g.stop();
  }
  const slow = await gatewayFor(policyYaml({ openaiUrl: upstream.url, extraGateway: '  timeouts: { headers: 100ms }' }));
  try {
    const r = await fetch(`${slow.gw.url}/openai/v1/slow`, { headers: { authorization: `Bearer ${KEYS.support}` } });
    assert.equal(r.status, 504);
    const body = (await r.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'CW_ERR_UPSTREAM_TIMEOUT');
    assert.ok(!body.error.message.includes(KEYS.openai));
    const ok = await fetch(`${slow.gw.url}/openai/v1/models`, { headers: { authorization: `Bearer ${KEYS.support}` } });
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
  } finally {
    await slow.stop();
  }
});
