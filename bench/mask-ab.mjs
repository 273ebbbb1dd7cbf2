/**
 * Two builds of the masker timed against each other in one process, rounds interleaved (A, B, B, A, …), so both
 * see the same load on a shared machine. Compares the built `dist/` of two checkouts on the inputs of
 * bench/mask.ts (same generator, same seed):
 *   node bench/mask-ab.mjs <checkout A> <checkout B> [json|jsonlines|path|stream|sse|json4k|sse4k|path4k|all] [rounds]
 * e.g. a worktree of main as A and this checkout as B, both built with `npx tsc -b`.
 * Prints CPU ms per round (median and minimum) for each and the ratio B/A; json4k and sse4k are rounds of 200
 * streams of the ~4 KB responses (per response: divide by 200), path4k 200 maskJson calls with JSON paths on one.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { completion, jsonOfSize, sseOfSize } from './mask-inputs.mjs';

const [rootA, rootB, which = 'all', roundsArg = '21'] = process.argv.slice(2);
if (!rootA || !rootB) throw new Error('usage: node bench/mask-ab.mjs <checkout A> <checkout B> [json|path|stream|sse|all] [rounds]');
const rounds = Number(roundsArg);
/**
 * Warm-up of each case before timing: at least WARMUP runs of each build and WARMUP_MS milliseconds (env WARMUP,
 * WARMUP_MS). A gateway masks response after response, so the optimised code's figure is the one that matters;
 * and the process's CPU clock also counts V8's compiler threads, busy for a while after a path is first taken.
 */
const WARMUP = Number(process.env.WARMUP ?? 30);
const WARMUP_MS = Number(process.env.WARMUP_MS ?? 1500);

const json = jsonOfSize(1 << 20);
// Encoded once: a fresh 1 MB Buffer per round would be timed with the masker.
const jsonBytes = Buffer.from(json);
// bench/mask.ts withLineBreaks: every 20th space a line break, as JSON escapes it.
let spaces = 0;
const jsonLines = json.replace(/ /g, (space) => (++spaces % 20 === 0 ? '\\n\\n' : space));
const sse = Buffer.from(sseOfSize(1 << 20));
// The ~4 KB responses of bench/mask.ts, generated in the same order.
const small4k = Buffer.from(JSON.stringify({ ...completion(1, 560), card: '4111 1111 1111 1111' }));
const sseSmall = Buffer.from(sseOfSize(4096));
/** Small responses are timed as a batch of this many streams per round (one is too short for the CPU clock). */
const BATCH = 200;
const chunks = (buf, size) => Array.from({ length: Math.ceil(buf.length / size) }, (_, i) => buf.subarray(i * size, (i + 1) * size));
const ALL = ['credit_card', 'us_ssn', 'iban', 'email', 'phone', 'secret'].map((detector) => ({ detector, replace: 'partial' }));

async function cases(root) {
  const { compileMasker } = await import(pathToFileURL(resolve(root, 'dist/gateway/mask/index.js')).href);
  const whole = compileMasker(ALL);
  const withPaths = compileMasker(ALL.map((s) => ({ ...s, paths: ['$.data[*].choices[*].message.content'] })));
  const oneWithPaths = compileMasker(ALL.map((s) => ({ ...s, paths: ['$.choices[*].message.content'] })));
  const small4kText = small4k.toString();
  const through = async (contentType, parts) => {
    const s = whole.createMaskingStream({ contentType, maxBytes: 64 << 20 });
    await pipeline(Readable.from(parts), s, new Writable({ write: (_c, _e, done) => done() }));
  };
  return {
    json: () => whole.maskJson(json),
    jsonlines: () => whole.maskJson(jsonLines),
    path: () => withPaths.maskJson(json),
    stream: () => through('application/json', chunks(jsonBytes, 16384)),
    sse: () => through('text/event-stream', chunks(sse, 16384)),
    json4k: async () => {
      for (let i = 0; i < BATCH; i++) await through('application/json', [small4k]);
    },
    sse4k: async () => {
      for (let i = 0; i < BATCH; i++) await through('text/event-stream', [sseSmall]);
    },
    path4k: () => {
      for (let i = 0; i < BATCH; i++) oneWithPaths.maskJson(small4kText);
    },
  };
}

const a = await cases(rootA);
const b = await cases(rootB);
const cpu = async (fn) => {
  const s = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(s);
  return (d.user + d.system) / 1e3;
};
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const bytes = { json: json.length, jsonlines: jsonLines.length, path: json.length, stream: json.length, sse: sse.length, json4k: small4k.length * BATCH, sse4k: sseSmall.length * BATCH, path4k: small4k.length * BATCH };
for (const name of which === 'all' ? ['json', 'jsonlines', 'path', 'stream', 'sse', 'json4k', 'sse4k', 'path4k'] : [which]) {
  const warmUntil = performance.now() + WARMUP_MS;
  for (let i = 0; i < WARMUP || performance.now() < warmUntil; i++) await a[name](), await b[name]();
  const ta = [];
  const tb = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) ta.push(await cpu(a[name])), tb.push(await cpu(b[name]));
    else tb.push(await cpu(b[name])), ta.push(await cpu(a[name]));
  }
  const mbps = (ms) => (bytes[name] / 1e6 / (ms / 1e3)).toFixed(0);
  console.log(`${name}: A median ${median(ta).toFixed(2)} ms (${mbps(median(ta))} MB/s), min ${Math.min(...ta).toFixed(2)} | B median ${median(tb).toFixed(2)} ms (${mbps(median(tb))} MB/s), min ${Math.min(...tb).toFixed(2)} | B/A median ${(median(tb) / median(ta)).toFixed(2)}, min ${(Math.min(...tb) / Math.min(...ta)).toFixed(2)}`);
}
