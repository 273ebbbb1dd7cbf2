/**
 * Malformed protocol input over raw sockets, and a bounded fuzz of the message decoder: a client gets
 * an ErrorResponse or a clean close, the gateway keeps serving others, and every decoder input either
 * decodes or fails with a coded error.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { PG_ERRORS, PgGatewayError } from '../../gateway/pg/errors.js';
import {
  MessageReader, decodeFrontend, parseDataRow, parseRowDescription, parseStartupParams, message, int32, cstr, PROTOCOL_3,
} from '../../gateway/pg/protocol.js';
import { ScramClient } from '../../gateway/pg/scram.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
const policy = (port: number) => `version: 1
identity:
  keys: [ { chain: agent, key: env:CWT_KEY_AGENT } ]
chains:
  agent: { sources: ["**"] }
connections:
  db:
    type: postgres
    listen: 127.0.0.1:${port}
    upstream: postgres://postgres@127.0.0.1:5432/test
rules:
  - name: reads
    chains: [agent]
    connection: db
    allow: [read]
`;

before(async () => {
  h = await startHarness(policy);
});
after(() => h?.close());

/** Everything the server sends until it closes (or `ms` of silence), as bytes. */
function exchange(chunks: Buffer[], port: number, ms = 3000): Promise<Buffer> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let timer = setTimeout(() => s.destroy(), ms);
    s.on('connect', () => {
      for (const c of chunks) s.write(c);
    });
    s.on('data', (d) => {
      got.push(d);
      clearTimeout(timer);
      timer = setTimeout(() => s.destroy(), ms);
    });
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(got));
    });
  });
}

const startup = (params: Record<string, string> = { user: 'agent', database: 'test' }) => {
  const body = Buffer.concat([int32(PROTOCOL_3), ...Object.entries(params).flatMap(([k, v]) => [cstr(k), cstr(v)]), Buffer.from([0])]);
  return Buffer.concat([int32(body.length + 4), body]);
};

function hasError(bytes: Buffer): boolean {
  const r = new MessageReader();
  return r.push(bytes).some((m) => m.type === 0x45);
}

async function stillServes(): Promise<void> {
  const c = await h.client();
  assert.equal((await c.query('SELECT 1 AS one')).rows[0].one, 1);
}

/** An authenticated raw session (SCRAM with the test key), for sending bad messages after startup. */
async function authenticated(): Promise<Socket> {
  const s = connect(h.port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  const reader = new MessageReader();
  const queue: Buffer[] = [];
  let wake: (() => void) | null = null;
  const onData = (d: Buffer) => {
    for (const m of reader.push(d)) queue.push(Buffer.from(m.raw));
    wake?.();
  };
  s.on('data', onData);
  const next = async () => {
    while (!queue.length) await new Promise<void>((r) => (wake = r));
    return queue.shift()!;
  };
  s.write(startup());
  const scram = new ScramClient(h.key);
  assert.equal((await next())[0], 0x52);
  const first = Buffer.from(scram.first());
  s.write(message('p', 'SCRAM-SHA-256', int32(first.length), first));
  const cont = await next();
  s.write(message('p', Buffer.from(scram.final(cont.subarray(9).toString()))));
  for (;;) {
    const m = await next();
    if (m[0] === 0x52 && m.readInt32BE(5) === 12) scram.verify(m.subarray(9).toString());
    if (m[0] === 0x5a) break;
    assert.notEqual(m[0], 0x45, 'authentication failed');
  }
  s.off('data', onData);
  return s;
}

function after_(s: Socket, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const got: Buffer[] = [];
    const timer = setTimeout(() => s.destroy(), 3000);
    s.on('data', (d) => got.push(d));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(got));
    });
    s.write(bytes);
  });
}

test('startup with a huge declared length: error and close', async () => {
  const b = Buffer.alloc(8);
  b.writeInt32BE(0x7fffffff, 0);
  b.writeInt32BE(PROTOCOL_3, 4);
  const reply = await exchange([b], h.port);
  assert.ok(hasError(reply));
  await stillServes();
});

test('truncated startup then close, and a startup below the minimum length', async () => {
  await exchange([startup().subarray(0, 6)], h.port, 300);
  const reply = await exchange([Buffer.from([0, 0, 0, 4, 0, 0, 0, 0])], h.port);
  assert.ok(hasError(reply));
  await stillServes();
});

test('an unsupported protocol version is refused with 0A000', async () => {
  const b = Buffer.concat([int32(12), int32(2 << 16), int32(0)]);
  const reply = await exchange([b], h.port);
  assert.match(reply.toString('latin1'), /0A000/);
});

test('GSSENCRequest and SSLRequest are answered N (no TLS configured), then the startup proceeds', async () => {
  const gss = Buffer.concat([int32(8), int32(80877104)]);
  const ssl = Buffer.concat([int32(8), int32(80877103)]);
  const reply = await exchange([gss, ssl, startup()], h.port, 500);
  assert.equal(reply.toString('latin1', 0, 2), 'NN');
  // Then an authentication request (SCRAM): 'R' with code 10.
  assert.equal(reply[2], 0x52);
  assert.equal(reply.readInt32BE(7), 10);
});

test('startup parameters without their terminator', async () => {
  const body = Buffer.concat([int32(PROTOCOL_3), Buffer.from('user\0agent')]);
  const reply = await exchange([Buffer.concat([int32(body.length + 4), body])], h.port);
  assert.ok(hasError(reply));
  await stillServes();
});

test('garbage after startup instead of the password', async () => {
  const reply = await exchange([startup(), Buffer.from('this is not a message at all')], h.port);
  assert.ok(hasError(reply));
  await stillServes();
});

test('after authentication: a length below 4, a huge length, a truncated Bind, an unknown type', async () => {
  const bad: Buffer[] = [
    Buffer.from([0x51, 0, 0, 0, 2]),
    Buffer.from([0x51, 0x7f, 0xff, 0xff, 0xf0]),
    message('B', Buffer.from([0, 0, 0, 5])),
    message('x', Buffer.from('?')),
  ];
  for (const b of bad) {
    const s = await authenticated();
    const reply = await after_(s, b);
    assert.ok(hasError(reply), `expected an ErrorResponse for ${b.subarray(0, 5).toString('hex')}`);
  }
  await stillServes();
});

test('ReadyForQuery reports the aborted transaction (E) after a refused statement, then idle (I) after ROLLBACK', async () => {
  const s = await authenticated();
  const reader = new MessageReader();
  const seen: Buffer[] = [];
  let wake: (() => void) | null = null;
  s.on('data', (d) => {
    for (const m of reader.push(d)) seen.push(Buffer.from(m.raw));
    wake?.();
  });
  const untilReady = async (): Promise<{ status: string; codes: string[] }> => {
    const codes: string[] = [];
    for (;;) {
      while (!seen.length) await new Promise<void>((r) => (wake = r));
      const m = seen.shift()!;
      if (m[0] === 0x45) codes.push(/C([0-9A-Z]{5})/.exec(m.toString('latin1'))?.[1] ?? '');
      if (m[0] === 0x5a) return { status: String.fromCharCode(m[5]!), codes };
    }
  };
  s.write(message('Q', 'BEGIN'));
  assert.deepEqual(await untilReady(), { status: 'T', codes: [] });
  s.write(message('Q', 'DELETE FROM nowhere_at_all'));
  assert.deepEqual(await untilReady(), { status: 'E', codes: ['42501'] });
  s.write(message('Q', 'SELECT 1'));
  assert.deepEqual(await untilReady(), { status: 'E', codes: ['25P02'] });
  s.write(message('Q', 'ROLLBACK'));
  assert.deepEqual(await untilReady(), { status: 'I', codes: [] });
  s.destroy();
});

test('a connection that opens and says nothing does not stop others', async () => {
  const idle = connect(h.port, '127.0.0.1');
  idle.on('error', () => {});
  await stillServes();
  idle.destroy();
});

// ---- fuzz ---------------------------------------------------------------------------------------

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CODES = new Set(Object.keys(PG_ERRORS));
const SEEDS = [
  message('Q', 'SELECT 1'),
  message('P', 'stmt', 'SELECT $1', Buffer.from([0, 1, 0, 0, 0, 23])),
  message('B', 'portal', 'stmt', Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x31, 0, 1, 0, 0])),
  message('E', 'portal', 0),
  message('D', Buffer.from('S'), 'stmt'),
  message('C', Buffer.from('P'), 'portal'),
  message('S'),
  message('f', 'reason'),
];

test('fuzz: 100,000 seeded inputs to the frontend decoder decode or fail with a coded error', () => {
  const rand = mulberry32(0xc0ffee);
  let decoded = 0;
  let coded = 0;
  for (let i = 0; i < 100_000; i++) {
    let input: Buffer;
    if (i % 3 === 0) {
      // Random bytes with a plausible header.
      const len = Math.floor(rand() * 40);
      input = Buffer.alloc(len);
      for (let j = 0; j < len; j++) input[j] = Math.floor(rand() * 256);
    } else {
      // A mutated valid message: flipped bytes, a truncation or a changed length.
      input = Buffer.from(SEEDS[Math.floor(rand() * SEEDS.length)]!);
      const flips = 1 + Math.floor(rand() * 3);
      for (let f = 0; f < flips; f++) input[Math.floor(rand() * input.length)] = Math.floor(rand() * 256);
      if (rand() < 0.3) input = input.subarray(0, Math.floor(rand() * input.length));
    }
    const reader = new MessageReader(1 << 20);
    try {
      for (const m of reader.push(input)) {
        decodeFrontend(m);
        decoded++;
      }
    } catch (e) {
      assert.ok(e instanceof PgGatewayError, `input ${input.toString('hex')} threw ${(e as Error).stack}`);
      assert.ok(CODES.has(e.code));
      coded++;
    }
  }
  assert.ok(decoded > 1000 && coded > 1000, `decoded ${decoded}, coded ${coded}`);
});

test('fuzz: startup packets and backend row messages', () => {
  const rand = mulberry32(42);
  const rowDesc = message('T', Buffer.from([0, 1]), 'id', int32(0), Buffer.from([0, 1]), int32(23), Buffer.from([0, 4]), int32(-1), Buffer.from([0, 0])).subarray(5);
  const dataRow = message('D', Buffer.from([0, 2]), int32(1), Buffer.from('1'), int32(-1)).subarray(5);
  for (let i = 0; i < 30_000; i++) {
    const pick = i % 3;
    const base = Buffer.from(pick === 0 ? startup() : pick === 1 ? rowDesc : dataRow);
    for (let f = 0; f < 2; f++) base[Math.floor(rand() * base.length)] = Math.floor(rand() * 256);
    const input = rand() < 0.3 ? base.subarray(0, Math.floor(rand() * base.length)) : base;
    try {
      if (pick === 0) {
        const p = new MessageReader().pushStartup(input);
        if (p) parseStartupParams(p.payload);
      } else if (pick === 1) parseRowDescription(input);
      else parseDataRow(input);
    } catch (e) {
      assert.ok(e instanceof PgGatewayError, `threw ${(e as Error).stack}`);
    }
  }
});
