/**
 * Streams that make the masker hold a lot: a model's reply (or an upstream on purpose) of digits, base64, hex,
 * a run of dashes, digits with spaces, an unclosed PEM private key. Each 1 MB stream, in token-sized SSE events,
 * through the masking Transform, against the ordinary prose stream of the same size in the same run:
 *   node --expose-gc dist/bench/mask-streams.js
 * A ratio near 1 means the stream costs what prose costs; before long holds were looked at in steps, a stream
 * of digits, base64 or dashes cost 30 to 150 times as much (docs/benchmarks.md).
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { compileMasker, type Masker } from '../gateway/mask/index.js';
import type { MaskSpec } from '../gateway/policy/types.js';
import { cpuTime, seeded } from './cpu-time.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const WARMUP_MS = Number(process.env.WARMUP_MS ?? 1000);
const SIZE = 1 << 20;

const rand = seeded(42);
const pick = (s: string): string => s[Math.floor(rand() * s.length)]!;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const WORDS = 'the a to of and your order was shipped on time please confirm delivery address'.split(' ');

/** Token generators: what each event's delta carries. */
const STREAMS: Record<string, () => () => string> = {
  'prose (baseline)': () => () => `${WORDS[Math.floor(rand() * WORDS.length)]} `,
  'digits, no break': () => () => String(Math.floor(rand() * 1000)),
  base64: () => () => Array.from({ length: 4 }, () => pick(B64)).join(''),
  hex: () => () => Math.floor(rand() * 65536).toString(16),
  'a run of dashes': () => () => '--',
  'digits and spaces': () => () => `${Math.floor(rand() * 10)} `,
  'unclosed PEM private key': () => {
    let i = 0;
    return () => (i++ === 0 ? '-----BEGIN RSA PRIVATE KEY-----\n' : i % 16 === 0 ? '\n' : Array.from({ length: 4 }, () => pick(B64)).join(''));
  },
};

function sse(token: () => string): Buffer {
  let s = '';
  while (s.length < SIZE) s += `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: token() }, finish_reason: null }] })}\n\n`;
  return Buffer.from(`${s}data: [DONE]\n\n`);
}

const chunks = (buf: Buffer, size: number): Buffer[] => Array.from({ length: Math.ceil(buf.length / size) }, (_, i) => buf.subarray(i * size, (i + 1) * size));

async function through(masker: Masker, parts: Buffer[]): Promise<void> {
  const s = masker.createMaskingStream({ contentType: 'text/event-stream', maxBytes: 64 << 20 });
  if ('blocked' in s) throw new Error(s.blocked.message);
  await pipeline(Readable.from(parts), s, new Writable({ write: (_c, _e, done) => done() }));
}

const SIX: MaskSpec[] = (['credit_card', 'us_ssn', 'iban', 'email', 'phone', 'secret'] as const).map((detector) => ({ detector, replace: 'partial' }));
const RULE_SETS: Array<[string, MaskSpec[]]> = [
  ['6 detectors', SIX],
  ['6 + a regex', [...SIX, { detector: 'regex', name: 'order_id', pattern: 'ORD-\\d{6}', replace: 'token' }]],
];

console.log('| rules | stream | events | CPU ms per MB | MB/s | / prose |\n|---|---|---|---|---|---|');
for (const [rulesName, specs] of RULE_SETS) {
  const masker = compileMasker(specs);
  let prose = 0;
  for (const [name, make] of Object.entries(STREAMS)) {
    const body = sse(make());
    const events = body.toString('latin1').split('\n\n').length - 1;
    const ms = (await cpuTime(() => through(masker, chunks(body, 16384)), ROUNDS, 3, WARMUP_MS)) / (body.length / SIZE);
    if (prose === 0) prose = ms;
    console.log(`| ${rulesName} | ${name} | ${events} | ${ms.toFixed(1)} | ${(SIZE / 1e6 / (ms / 1e3)).toFixed(0)} | ${(ms / prose).toFixed(2)} |`);
  }
}
console.log(`\nnode ${process.version}; median of ${ROUNDS} rounds, CPU time (user+system) of this process; 16 KB chunks; token-sized events`);
