/**
 * The JSON path walk's own cost, two builds against each other in one process: rounds of the detectors' scan
 * alone (findAll + sort, the same code in both builds) and of maskJson with a JSON path in builds A and B,
 * interleaved; the walk's cost is the path case minus the scan.
 *   node bench/mask-walk-ab.mjs <checkout A> <checkout B> [rounds]
 * Inputs and detectors are bench/mask.ts's 1 MB JSON case (same generator, same seed).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jsonOfSize } from './mask-inputs.mjs';

const [rootA, rootB, roundsArg = '41'] = process.argv.slice(2);
if (!rootA || !rootB) throw new Error('usage: node bench/mask-walk-ab.mjs <checkout A> <checkout B> [rounds]');
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
