/**
 * Masking throughput and added latency, each against a baseline measured in the same run.
 *   npx tsc -b && node --expose-gc dist/bench/mask.js [--quick]
 * - 1 MB chat-completion-like JSON: maskJson (whole body, and with JSON paths) vs JSON.parse + JSON.stringify;
 *   the same body with line breaks (\n escapes) in its text, whole body.
 * - 1 MB OpenAI-style SSE stream of token-sized events: the masking Transform vs a pass-through Transform,
 *   and vs JSON.parse + JSON.stringify of every event payload.
 * - 4 KB JSON response through the masking Transform vs a pass-through Transform: the added time per response.
 */
import { PassThrough, Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { compileMasker, type Masker } from '../gateway/mask/index.js';
import type { MaskSpec } from '../gateway/policy/types.js';
import { cpuTime, seeded } from './cpu-time.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 5 : 15;
/**
 * Warm-up before timing: at least WARMUP runs and WARMUP_MS milliseconds (env WARMUP, WARMUP_MS). A gateway
 * masks response after response, so the figure that matters is the optimised code's; and the CPU clock of the
 * process also counts V8's compiler threads, which optimise in the background for a while after a code path
 * is first taken (the first case timed after 30 runs read twice what it read after a second of warm-up).
 */
const WARMUP = Number(process.env.WARMUP ?? 30);
const WARMUP_MS = Number(process.env.WARMUP_MS ?? 1500);

/** A seeded generator so every run scans the same bytes. */
const rand = seeded(42);
const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
const WORDS = 'the a to of and your order was shipped on 2024-01-15 please confirm delivery address refund policy allows returns within 30 days version 1.2.3 customer support ticket number 48213 thanks for waiting we have updated account settings'.split(' ');
const PII = ['4111 1111 1111 1111', '123-45-6789', 'jane.roe@example.com', 'DE89 3704 0044 0532 0130 00', '+1 415 555 2671', 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0', '5555555555554444'];

function prose(words: number, piiRate: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(rand() < piiRate ? pick(PII) : pick(WORDS));
  return out.join(' ');
}

function completion(i: number, words: number): object {
  return {
    id: `chatcmpl-${String(1000000 + i)}AbCdEfGhIjKlMnOpQrStUv`,
    object: 'chat.completion',
    created: 1727000000 + i,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message: { role: 'assistant', content: prose(words, 0.01), refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 120, completion_tokens: words, total_tokens: 120 + words },
  };
}

function jsonOfSize(bytes: number): string {
  const data: object[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const c = completion(i, 60);
    size += JSON.stringify(c).length + 1;
    data.push(c);
  }
  return JSON.stringify({ object: 'list', data });
}

/** Every 20th space of the text a line break (written \\n\\n, as JSON escapes it). */
function withLineBreaks(body: string): string {
  let n = 0;
  return body.replace(/ /g, (space) => (++n % 20 === 0 ? '\\n\\n' : space));
}

function sseOfSize(bytes: number): string {
  const text = prose(Math.ceil(bytes / 40), 0.01);
  let s = '';
  let i = 0;
  while (s.length < bytes) {
    const n = 1 + Math.floor(rand() * 6);
    const piece = text.slice(i, i + n);
    i = (i + n) % (text.length - 8);
    s += `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1727000000, model: 'gpt-4o', choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }] })}\n\n`;
  }
  return s + 'data: [DONE]\n\n';
}

/** Median CPU ms of fn over ROUNDS runs after the warm-up (see cpu-time.ts). */
function time(fn: () => unknown | Promise<unknown>, rounds = ROUNDS): Promise<number> {
  return cpuTime(fn, rounds, WARMUP, WARMUP_MS);
}

/** The same for something too short for the CPU clock: a batch of n runs, divided by n. */
async function timeEach(fn: () => Promise<unknown>, n: number): Promise<number> {
  return (await time(async () => {
    for (let i = 0; i < n; i++) await fn();
  })) / n;
}

function chunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

async function drain(parts: Buffer[], t: Transform): Promise<void> {
  await pipeline(Readable.from(parts), t, new Writable({ write: (_c, _e, done) => done() }));
}

async function throughMasker(masker: Masker, contentType: string, parts: Buffer[]): Promise<void> {
  const s = masker.createMaskingStream({ contentType, maxBytes: 64 << 20 });
  if ('blocked' in s) throw new Error(s.blocked.message);
  await drain(parts, s);
}

const ALL: MaskSpec[] = (['credit_card', 'us_ssn', 'iban', 'email', 'phone', 'secret'] as const).map((detector) => ({ detector, replace: 'partial' }));
const mbps = (bytes: number, ms: number): string => (bytes / 1e6 / (ms / 1e3)).toFixed(0);
const rows: string[][] = [];
const row = (what: string, ours: number, base: number, baseName: string, bytes: number): void => {
  rows.push([what, `${ours.toFixed(3)} ms`, `${mbps(bytes, ours)} MB/s`, baseName, `${base.toFixed(3)} ms`, `${mbps(bytes, base)} MB/s`, `${(ours / base).toFixed(2)}×`]);
};

async function main(): Promise<void> {
  const whole = compileMasker(ALL);
  const withPaths = compileMasker(ALL.map((s) => ({ ...s, paths: ['$.data[*].choices[*].message.content'] })));

  const json = jsonOfSize(1 << 20);
  const jsonBytes = Buffer.byteLength(json);
  const base = await time(() => JSON.stringify(JSON.parse(json)));
  row('1 MB JSON, maskJson, whole body (6 detectors)', await time(() => whole.maskJson(json)), base, 'JSON.parse+stringify', jsonBytes);
  row('1 MB JSON, maskJson, JSON path', await time(() => withPaths.maskJson(json)), base, 'JSON.parse+stringify', jsonBytes);
  // Model output has paragraphs: the same body with a line break (an escape, \n) in place of every 20th space.
  const jsonLines = withLineBreaks(json);
  const baseLines = await time(() => JSON.stringify(JSON.parse(jsonLines)));
  row('1 MB JSON with \\n escapes, maskJson, whole body', await time(() => whole.maskJson(jsonLines)), baseLines, 'JSON.parse+stringify', Buffer.byteLength(jsonLines));
  const jsonBuf = Buffer.from(json);
  const passJson = await time(() => drain(chunks(jsonBuf, 16384), new PassThrough()));
  row('1 MB JSON, masking Transform (16 KB chunks)', await time(() => throughMasker(whole, 'application/json', chunks(jsonBuf, 16384))), passJson, 'pass-through Transform', jsonBytes);
  // Half the size: a string of it would be a large object on the V8 heap, not outside it (see gateway/mask/latin1.ts).
  const half = Buffer.from(`${json.slice(0, json.lastIndexOf('},{"id"', 512 * 1024) + 1)}]}`);
  row(`${(half.length / 1024).toFixed(0)} KB JSON, masking Transform`, await time(() => throughMasker(whole, 'application/json', chunks(half, 16384))), await time(() => drain(chunks(half, 16384), new PassThrough())), 'pass-through Transform', half.length);
  const linesBuf = Buffer.from(jsonLines);
  row('1 MB JSON with \\n escapes, masking Transform', await time(() => throughMasker(whole, 'application/json', chunks(linesBuf, 16384))), passJson, 'pass-through Transform', linesBuf.length);

  const sse = Buffer.from(sseOfSize(1 << 20));
  const payloads = sse.toString().split('\n\n').filter(Boolean).map((e) => e.slice(6)).filter((p) => p !== '[DONE]');
  const passSse = await time(() => drain(chunks(sse, 16384), new PassThrough()));
  const parseSse = await time(() => {
    for (const p of payloads) JSON.stringify(JSON.parse(p));
  });
  const oursSse = await time(() => throughMasker(whole, 'text/event-stream', chunks(sse, 16384)));
  row(`1 MB SSE (${payloads.length} events), masking Transform`, oursSse, passSse, 'pass-through Transform', sse.length);
  row(`1 MB SSE (${payloads.length} events), masking Transform`, oursSse, parseSse, 'JSON.parse+stringify per event', sse.length);

  // Added latency: the CPU time masking adds to one response (on an idle core, the delay it adds). JSON is
  // buffered and masked at its end, so the whole masking time is added once; SSE adds its cost per event.
  const small4k = Buffer.from(JSON.stringify({ ...completion(1, 560), card: '4111 1111 1111 1111' }));
  const small4kText = small4k.toString();
  row(`${(small4k.length / 1024).toFixed(1)} KB JSON, maskJson`, await timeEach(async () => whole.maskJson(small4kText), 1000), await timeEach(async () => JSON.stringify(JSON.parse(small4kText)), 1000), 'JSON.parse+stringify', small4k.length);
  const passSmall = await timeEach(() => drain([small4k], new PassThrough()), 500);
  const oursSmall = await timeEach(() => throughMasker(whole, 'application/json', [small4k]), 500);
  row(`${(small4k.length / 1024).toFixed(1)} KB JSON response, masking Transform`, oursSmall, passSmall, 'pass-through Transform', small4k.length);
  const sseSmall = Buffer.from(sseOfSize(4096));
  const events4k = sseSmall.toString().split('\n\n').filter(Boolean).length;
  const passSseSmall = await timeEach(() => drain([sseSmall], new PassThrough()), 500);
  const oursSseSmall = await timeEach(() => throughMasker(whole, 'text/event-stream', [sseSmall]), 500);
  row(`${(sseSmall.length / 1024).toFixed(1)} KB SSE response (${events4k} events), masking Transform`, oursSseSmall, passSseSmall, 'pass-through Transform', sseSmall.length);

  const header = ['case', 'masking (CPU)', 'throughput', 'baseline', 'baseline (CPU)', 'baseline throughput', 'ratio'];
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(`\nadded per response: ${(small4k.length / 1024).toFixed(1)} KB JSON ${(oursSmall - passSmall).toFixed(3)} ms; ${(sseSmall.length / 1024).toFixed(1)} KB SSE ${(oursSseSmall - passSseSmall).toFixed(3)} ms in all, ${((oursSseSmall - passSseSmall) / events4k).toFixed(4)} ms per event (goal ≤ 0.2 ms at 4 KB)`);
  console.log(`node ${process.version}; CPU time (user+system) of this process, median of ${ROUNDS} rounds; single-threaded, so MB/s is per core`);
}

await main();
