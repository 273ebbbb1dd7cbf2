/** Audit durability: kill -9 the gateway under load; after a restart every call that got an answer has its record. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Pool } from 'undici';
import { CLI } from '../helpers/paths.js';
import { fakeOpenAI } from './fakes.js';
import { ENV, KEYS, policyYaml, tempPolicy } from './setup.js';
import { spawnGateway } from './child.js';

const exec = promisify(execFile);
const TOTAL = 300;
const CONCURRENCY = 16;
const KILL_AFTER = 150;

test('every answered call survives kill -9 of the gateway', async () => {
  const upstream = await fakeOpenAI();
  const policy = tempPolicy(policyYaml({ openaiUrl: upstream.url }));
  const env = { ...process.env, ...ENV };
  after(async () => {
    await upstream.close();
    policy.cleanup();
  });
  const g = await spawnGateway(policy.file, env);
  const pool = new Pool(g.url, { connections: CONCURRENCY });
  const answered: string[] = [];
  let sent = 0;
  let failed = 0;
  const worker = async () => {
    while (sent < TOTAL) {
      sent++;
      try {
        const r = await pool.request({ path: '/openai/v1/echo', method: 'POST', headers: { authorization: `Bearer ${KEYS.support}`, 'content-type': 'application/json' }, body: '{"n":1}' });
        const body = await r.body.json();
        assert.equal(r.statusCode, 200);
        assert.deepEqual(body, { bytes: 7 });
        answered.push(r.headers['x-chainwarden-request-id'] as string);
        if (answered.length === KILL_AFTER) g.child.kill('SIGKILL');
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await pool.destroy();
  assert.equal(await g.exit, null, 'killed by signal');
  assert.ok(answered.length >= KILL_AFTER && failed > 0, `answered ${answered.length}, failed ${failed}`);

  const again = await spawnGateway(policy.file, env);
  try {
    const { stdout } = await exec(process.execPath, [CLI, 'audit', '--policy', policy.file, '--json', '--limit', '1000'], { env });
    const ids = new Set((JSON.parse(stdout) as { records: Array<{ id: string }> }).records.map((r) => r.id));
    const missing = answered.filter((id) => !ids.has(id));
    assert.deepEqual(missing, [], `${missing.length} of ${answered.length} answered calls have no record`);
  } finally {
    again.child.kill('SIGTERM');
    await again.exit;
  }
});
