/**
 * The JSON path walk's own cost, two builds against each other in one process: rounds of the detectors' scan
 * alone (findAll + sort, the same code in both builds) and of maskJson with a JSON path in builds A and B,
 * interleaved; the walk's cost is the path case minus the scan.
 *   node bench/mask-walk-ab.mjs <checkout A> <checkout B> [rounds]
 * Inputs and detectors are bench/mask.ts's 1 MB JSON case (same generator, same seed).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [rootA, rootB, roundsArg = '41'] = process.argv.slice(2);
if (!rootA || !rootB) throw new Error('usage: node bench/mask-walk-ab.mjs <checkout A> <checkout B> [rounds]');
let seed = 42;
const rand = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 0x100000000; };
const pick = (a) => a[Math.floor(rand() * a.length)];
const WORDS = 'the a to of and your order was shipped on 2024-01-15 please confirm delivery address refund policy allows returns within 30 days version 1.2.3 customer support ticket number 48213 thanks for waiting we have updated account settings'.split(' ');
const PII = ['4111 1111 1111 1111', '123-45-6789', 'jane.roe@example.com', 'DE89 3704 0044 0532 0130 00', '+1 415 555 2671', 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0', '5555555555554444'];
const prose = (words, rate) => Array.from({ length: words }, () => (rand() < rate ? pick(PII) : pick(WORDS))).join(' ');
const completion = (i, words) => ({
  id: `chatcmpl-${String(1000000 + i)}AbCdEfGhIjKlMnOpQrStUv`, object: 'chat.completion', created: 1727000000 + i, model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: prose(words, 0.01), refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 120, completion_tokens: words, total_tokens: 120 + words },
});
function jsonOfSize(bytes) { const data = []; for (let i = 0, size = 0; size < bytes; i++) { const c = completion(i, 60); size += JSON.stringify(c).length + 1; data.push(c); } return JSON.stringify({ object: 'list', data }); }
const json = jsonOfSize(1 << 20);
const ALL = ['credit_card', 'us_ssn', 'iban', 'email', 'phone', 'secret'].map((detector) => ({ detector, replace: 'partial', paths: ['$.data[*].choices[*].message.content'] }));
const load = async (root) => (await import(pathToFileURL(resolve(root, 'dist/gateway/mask/index.js')).href)).compileMasker(ALL);
const ma = await load(rootA), mb = await load(rootB);
const { findAll } = await import(pathToFileURL(resolve(rootB, 'dist/gateway/mask/rules.js')).href);
const scan = () => findAll(json, mb.rules, null).sort((a, b) => a.start - b.start);
const cpu = (fn) => { const s = process.cpuUsage(); fn(); const d = process.cpuUsage(s); return (d.user + d.system) / 1e3; };
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (let i = 0; i < 30; i++) scan(), ma.maskJson(json), mb.maskJson(json);
const tf = [], ta = [], tb = [];
for (let i = 0; i < Number(roundsArg); i++) {
  if (i % 2) { tf.push(cpu(scan)); ta.push(cpu(() => ma.maskJson(json))); tb.push(cpu(() => mb.maskJson(json))); }
  else { tb.push(cpu(() => mb.maskJson(json))); ta.push(cpu(() => ma.maskJson(json))); tf.push(cpu(scan)); }
}
const f = (x) => x.toFixed(2);
console.log(`findAll+sort median ${f(med(tf))} min ${f(Math.min(...tf))} | A path median ${f(med(ta))} min ${f(Math.min(...ta))} | B path median ${f(med(tb))} min ${f(Math.min(...tb))} | walk (path - findAll): A median ${f(med(ta) - med(tf))} min ${f(Math.min(...ta) - Math.min(...tf))}, B median ${f(med(tb) - med(tf))} min ${f(Math.min(...tb) - Math.min(...tf))}`);
