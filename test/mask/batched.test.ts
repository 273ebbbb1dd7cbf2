/**
 * The per-chunk paths of the SSE masker against the per-event forms they replace, on generated inputs:
 * StreamingText.pushAll against push, hold-back measured in place against a slice, Output against encoding
 * the joined text, and a whole stream against masking its events one by one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventMasker } from '../../gateway/mask/events.js';
import { compileMasker } from '../../gateway/mask/masker.js';
import { Output } from '../../gateway/mask/output.js';
import { beyondRuns, GrowingRuns, holdBackIn, holdBackOf, holdBackPlan } from '../../gateway/mask/hold-back.js';
import { StreamingText } from '../../gateway/mask/text-stream.js';
import { ALL_DETECTORS, pieces } from './bodies.js';
import * as gen from './generators.js';
import { splitAt, through } from './harness.js';
import { ALNUM, Rng } from './random.js';

/** Prose with values of every built-in detector, near misses, PEM armour and characters that need escaping. */
function plantedProse(r: Rng): string {
  const makers: Array<() => string> = [
    () => gen.prose(r, r.int(1, 6)),
    () => gen.formatPan(r, gen.validPan(r)),
    () => gen.printIban(gen.validIban(r, r.pick(gen.IBAN_COUNTRIES))),
    () => gen.validSsn(r, r.pick(['-', ' '])),
    () => gen.validEmail(r),
    () => gen.validPhone(r),
    () => gen.phoneNearMiss(r),
    () => gen.validKey(r),
    () => `-----BEGIN ${r.pick(['', 'RSA ', 'EC '])}PRIVATE KEY-----\n${r.chars(r.int(0, 40), ALNUM + '+/=\n')}\n-----END PRIVATE KEY-----`,
    () => r.pick(['-----BEG', '-----BEGIN CERT', '2024-01-15', '1.2.3', '48213', 'ORD-123456']),
    () => r.chars(r.int(0, 8), 'ab Z9@.-+()_/"\\\n\u00e9\u2028'),
    () => r.pick(['\ud83d\ude00', '\u00e9t\u00e9', 'caf\u00e9 ']),
  ];
  let s = '';
  const parts = r.int(1, 8);
  for (let i = 0; i < parts; i++) s += r.pick(makers)() + r.chars(r.int(0, 2), ' .,:\n');
  return s;
}

/** Consecutive groups of the list, of random sizes. */
function batches<T>(list: readonly T[], r: Rng, most: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; ) {
    const n = r.int(1, most);
    out.push(list.slice(i, i + n));
    i += n;
  }
  return out;
}

test('StreamingText.pushAll releases what push releases for each piece (seed 91, 1500 texts, three rule sets)', () => {
  const r = new Rng(91);
  const sets = [
    { rules: compileMasker(ALL_DETECTORS).rules, gate: true },
    { rules: compileMasker(ALL_DETECTORS).rules, gate: false },
    { rules: compileMasker([...ALL_DETECTORS, { detector: 'regex', name: 'order_id', pattern: 'ORD-\\d{6}', replace: 'token' }]).rules, gate: true },
  ];
  for (let i = 0; i < 1500; i++) {
    const { rules, gate } = sets[i % sets.length]!;
    const text = plantedProse(r) + plantedProse(r);
    const countsOne: Record<string, number> = {};
    const countsAll: Record<string, number> = {};
    const one = new StreamingText(rules, countsOne, { summaryGate: gate });
    const all = new StreamingText(rules, countsAll, { summaryGate: gate });
    for (const batch of batches(pieces(text, r, r.pick([1, 3, 8])), r, 12)) {
      const expected = batch.map((p) => one.push(p));
      assert.deepEqual(all.pushAll(batch), expected, JSON.stringify(text));
      assert.equal(all.held, one.held);
    }
    assert.equal(all.flush(), one.flush(), JSON.stringify(text));
    assert.deepEqual(countsAll, countsOne);
  }
});

test('hold-back of a range equals the hold-back of that range cut out (seed 92, 3000 texts)', () => {
  const r = new Rng(92);
  const rules = compileMasker(ALL_DETECTORS).rules;
  const plan = holdBackPlan(rules);
  assert.ok(plan !== null);
  const secret = rules.find((x) => x.countName === 'secret')!.detector;
  for (let i = 0; i < 3000; i++) {
    const text = plantedProse(r).slice(-r.int(0, 80)) + r.pick(['', '-', '-----BEG', '-----BEGIN', '-----BEGIN PRIVATE KEY-----\nab', '-- x']) + r.chars(r.int(0, 4), '0123456789 -ABab@');
    const from = r.int(0, text.length);
    const to = r.int(from, text.length);
    const part = text.slice(from, to);
    assert.equal(holdBackIn(text, from, to, rules, plan), holdBackOf(part, rules, plan), `${JSON.stringify(text)} [${from}, ${to})`);
    assert.equal(holdBackIn(text, from, to, rules, null), holdBackOf(part, rules, null), `${JSON.stringify(text)} [${from}, ${to})`);
    assert.equal(secret.holdBackBeyondRun!(text, from, to), secret.holdBackBeyondRun!(part), `${JSON.stringify(text)} [${from}, ${to})`);
  }
});

test('hold-back measured a piece at a time equals the hold-back measured whole, and lies within its bounds (seed 94, 600 texts)', () => {
  const r = new Rng(94);
  const sets = [compileMasker(ALL_DETECTORS).rules, compileMasker([...ALL_DETECTORS, { detector: 'regex', name: 'order_id', pattern: 'ORD-\\d{6}', replace: 'token' }]).rules];
  for (let i = 0; i < 600; i++) {
    const rules = sets[i % 2]!;
    const plan = holdBackPlan(rules)!;
    const runs = new GrowingRuns(plan);
    const text = plantedProse(r) + r.pick(['', r.digits(r.int(1, 5000)), r.chars(r.int(1, 5000), `${ALNUM}+/`), '-'.repeat(r.int(1, 300))]) + plantedProse(r);
    let to = 0;
    let from = 0;
    for (const piece of pieces(text, r, r.pick([1, 4, 30]))) {
      to += piece.length;
      runs.add(piece);
      // The scan's start moves forward now and then, as releases drop text in front of it.
      if (r.next() < 0.2) from = r.int(from, to);
      const exactRuns = runs.holdBack(text, from, to);
      const where = `${JSON.stringify(text.slice(Math.max(0, to - 40), to))} [${from}, ${to})`;
      assert.equal(Math.max(exactRuns, beyondRuns(text, from, to, plan)), holdBackIn(text, from, to, rules, plan), where);
      assert.ok(runs.atLeast(to - from) <= exactRuns && exactRuns <= runs.atMost(to - from), where);
    }
  }
});

test('Output gives the UTF-8 bytes of everything added, in order (seed 93, 2000 cases)', () => {
  const r = new Rng(93);
  const heads = [Buffer.from('data: {"a":"'), Buffer.from('data: {"\u00e9":"')];
  const tails = [Buffer.from('"}\n\n'), Buffer.from('"}\n\n\n')];
  for (let i = 0; i < 2000; i++) {
    const out = new Output();
    let expected = '';
    let got = Buffer.alloc(0);
    for (let k = r.int(0, 20); k > 0; k--) {
      const kind = r.int(0, 3);
      if (kind === 0) {
        const s = r.chars(r.int(0, 6), 'ab \n\u00e9\u2028') + r.pick(['', '\ud83d\ude00', '\ud800', 'x']);
        out.text(s);
        expected += s;
      } else if (kind === 3) {
        got = Buffer.concat([got, out.take() ?? Buffer.alloc(0)]);
      } else {
        const h = r.pick([0, 1]);
        const t = r.pick([0, 1]);
        const middle = r.chars(r.int(0, 5), 'ab 1.-');
        out.framed(heads[h]!, middle, tails[t]!);
        expected += heads[h]!.toString() + middle + tails[t]!.toString();
      }
    }
    got = Buffer.concat([got, out.take() ?? Buffer.alloc(0)]);
    assert.deepEqual(got, Buffer.from(expected, 'utf8'));
  }
});

/**
 * An OpenAI-style stream of one-data-line events, with a shape change, spacing and literals that need escapes.
 * A long one is mostly prose, with long runs of events of one shape.
 */
function sseStream(r: Rng, long = false): string {
  let text = plantedProse(r) + plantedProse(r);
  const odd = long ? 0.002 : 0.05;
  // (Without PEM armour: a header whose block does not end holds everything after it, which is slow to test.)
  while (long && text.length < 12000) text += `${gen.prose(r, 40)} ${r.pick([gen.formatPan(r, gen.validPan(r)), gen.validEmail(r), gen.validSsn(r, '-'), gen.validKey(r), gen.validPhone(r), '\u00e9t\u00e9'])} `;
  const event = (delta: object, finish: string | null, id = 'chatcmpl-1') => JSON.stringify({ id, object: 'chat.completion.chunk', created: 1727000000, model: 'gpt-4o', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  let s = `data: ${event({ role: 'assistant', content: '' }, null)}\n\n`;
  for (const p of pieces(text, r, r.pick([1, 4, 8]))) {
    const roll = r.next();
    // Escaped the way some upstreams do (\u0041 for "A"): not the payload's own text around a plain literal.
    const payload = roll < odd ? event({ content: p }, null).replace(/"content":"(.)/, (_m, c: string) => `"content":"\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : roll < 2 * odd ? event({ content: p }, null, 'chatcmpl-2') : event({ content: p }, null);
    s += `${r.next() < odd ? 'data:' : 'data: '}${payload}\n\n`;
  }
  if (r.next() < 0.7) s += `data: ${event({}, 'stop')}\n\n`;
  return s + (r.next() < 0.8 ? 'data: [DONE]\n\n' : '');
}

/** The stream masked event by event, as each one-data-line event was written before events were batched. */
function eventByEvent(body: string, rules: ReturnType<typeof compileMasker>['rules']): { out: string; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  const events = new EventMasker<null>(rules, counts);
  let out = '';
  for (const block of body.split('\n\n').slice(0, -1)) {
    const payload = block.slice(block.charCodeAt(5) === 32 ? 6 : 5);
    for (const [p] of events.process(payload, null)) out += dataLines(p);
  }
  for (const [p] of events.finish()) out += dataLines(p);
  return { out, counts };
}

/** A payload as data lines (a masked PEM block in a payload that is not JSON has newlines). */
const dataLines = (payload: string): string => `${payload.split('\n').map((l) => `data: ${l}`).join('\n')}\n\n`;

// Long streams too: after SHAPED_BEFORE_EXPRESSION events of one shape, events are matched by an expression.
test('an SSE stream in random chunks is masked as its events are one by one (seed 94, 300 streams, 10 long ones)', async () => {
  const r = new Rng(94);
  const masker = compileMasker(ALL_DETECTORS);
  for (let i = 0; i < 310; i++) {
    const bytes = Buffer.from(sseStream(r, i >= 300));
    // As read from its bytes (an escape put in front of half a surrogate pair leaves the other half alone).
    const body = bytes.toString('utf8');
    const expected = eventByEvent(body, masker.rules);
    const cuts = Array.from({ length: r.int(0, 12) }, () => r.int(1, bytes.length - 1)).sort((a, b) => a - b);
    const got = await through(masker, { contentType: 'text/event-stream', maxBytes: 1 << 24 }, splitAt(bytes, cuts));
    if (got.out !== expected.out) {
      const a = got.out.split('\n\n');
      const b = expected.out.split('\n\n');
      const k = a.findIndex((x, j) => x !== b[j]);
      assert.fail(`stream ${i}, event ${k}: ${JSON.stringify(a[k])} !== ${JSON.stringify(b[k])}`);
    }
    assert.deepEqual(got.counts, expected.counts);
  }
});
