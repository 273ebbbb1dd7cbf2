/**
 * Masking streams of JSON events (SSE `data:` payloads, NDJSON lines). The text a user reads arrives as
 * pieces in known fields (`choices[].delta.content`, Anthropic `delta.text`, …) that concatenate across events;
 * each such field is a channel masked by a StreamingText, so a value split across events is still found.
 * Held text is released when more text arrives, into a copy of the channel's last event placed before an
 * end event ([DONE], message_stop, finish_reason …), or when the stream ends. Other string fields are masked
 * event by event.
 */
import { stepPath, type CompiledPath, type PathKey } from './json-path.js';
import { maskJsonText } from './json-mask.js';
import { flatCopy, jsonString, parsedStringLiteral, plainValueAt } from './literals.js';
import { maskTextWith, type CompiledRule } from './rules.js';
import { StreamingText } from './text-stream.js';
import type { MaskCounts } from './types.js';

/** Fields whose string pieces concatenate into streamed text ('*' = any array position). */
export const STREAMED_TEXT_FIELDS: ReadonlyArray<readonly string[]> = [
  ['choices', '*', 'delta', 'content'], // OpenAI chat completions
  ['choices', '*', 'delta', 'reasoning_content'],
  ['choices', '*', 'delta', 'refusal'],
  ['choices', '*', 'delta', 'tool_calls', '*', 'function', 'arguments'],
  ['choices', '*', 'text'], // OpenAI completions
  ['delta', 'text'], // Anthropic text_delta
  ['delta', 'partial_json'], // Anthropic input_json_delta
  ['delta', 'thinking'],
  ['delta'], // OpenAI Responses API *.delta events
  ['message', 'content'], // Ollama chat (NDJSON)
  ['response'], // Ollama generate (NDJSON)
  ['candidates', '*', 'content', 'parts', '*', 'text'], // Gemini
];

const END_TYPE = /(?:_stop|\.done|\.completed|\.failed|\.incomplete|^message_delta|^error)$/;
/** A bare integer long enough to be a card number: JSON.parse would round it, so the raw text is masked first. */
const LONG_BARE_INTEGER = /[:[,]\s*-?\d{13,}\s*[,\]}]/;
const LONG_DIGITS = /\d{13}/;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Channel<F> {
  text: StreamingText;
  /** The last event that carried this channel, and where in it the field is: the template of a flush event. */
  template: string;
  locator: PathKey[];
  frame: F;
}

interface PathCursor {
  path: CompiledPath;
  rule: CompiledRule;
  at: number;
}

export class EventMasker<F> {
  private readonly channels = new Map<string, Channel<F>>();
  private readonly wholeRules: CompiledRule[];
  private readonly rootCursors: PathCursor[];
  private lastSkeleton: string | null = null;
  private shape: { prefix: string; suffix: string; channel: Channel<F> } | null = null;
  private lastPlan: EventPlan | null = null;

  constructor(
    private readonly rules: readonly CompiledRule[],
    private readonly counts: MaskCounts,
  ) {
    this.wholeRules = rules.filter((r) => r.paths === null);
    this.rootCursors = rules.flatMap((r) => (r.paths ?? []).map((path) => ({ path, rule: r, at: 0 })));
  }

  /** Mask one event's payload; returns the payloads to emit in order (flush events first) with their frames. */
  process(payload: string, frame: F): Array<[string, F]> {
    const quick = this.sameShape(payload, frame);
    if (quick !== null) return [[quick, frame]];
    this.shape = null;
    const trimmed = payload.trim();
    if (trimmed === '' || trimmed === '[DONE]') return [...this.flush(() => true), [payload, frame]];
    let doc: Json;
    try {
      doc = JSON.parse(payload) as Json;
    } catch {
      // Not JSON: masked on its own (plain-text data events are not joined across events).
      return [[maskTextWith(payload, this.rules, this.counts), frame]];
    }
    const fields = streamedFields(doc);
    // What the event holds besides its streamed text: consecutive events of one stream usually share it
    // (id, model, created…), so what it needs is worked out once per distinct skeleton.
    const skeleton = skeletonOf(payload, fields);
    let plan = skeleton !== null && skeleton === this.lastSkeleton ? this.lastPlan : null;
    if (plan === null) {
      const raw = skeleton ?? payload;
      plan = {
        // JSON.parse rounds integers beyond 2^53: a long bare integer is masked in the raw text first.
        longInteger: LONG_DIGITS.test(raw) && LONG_BARE_INTEGER.test(raw),
        otherStrings: this.rootCursors.length > 0 || this.wholeRules.some((r) => (r.detector.quick === undefined || r.detector.quick.test(raw)) && r.detector.find(raw).length > 0),
      };
      this.lastSkeleton = skeleton;
      this.lastPlan = plan;
    }
    if (plan.longInteger) {
      payload = maskJsonText(payload, this.wholeRules, this.counts).text;
      doc = JSON.parse(payload) as Json;
      fields.splice(0, fields.length, ...streamedFields(doc));
    }
    // Strings other than the streamed text are masked event by event; the walk is skipped when no whole-body
    // detector finds anything in them (the usual delta event).
    let changed = false;
    if (plan.otherStrings) changed = this.maskOtherStrings(doc);
    const template = changed ? JSON.stringify(doc) : payload;
    const prefix = channelPrefix(doc);
    const touched: Array<{ channel: Channel<F>; field: StreamedField; value: string }> = [];
    for (const field of fields) {
      const id = prefix + field.id;
      let ch = this.channels.get(id);
      if (!ch) this.channels.set(id, (ch = { text: new StreamingText(this.rules, this.counts), template, locator: field.path, frame }));
      ch.template = template;
      ch.locator = field.path;
      ch.frame = frame;
      const value = field.holder[field.key] as string;
      const released = ch.text.push(value);
      if (released !== value) {
        field.holder[field.key] = released;
        changed = true;
      }
      touched.push({ channel: ch, field, value });
    }
    const before: Array<[string, F]> = [];
    const end = isEnd(doc);
    if (!end && !plan.otherStrings && !plan.longInteger && touched.length === 1) this.rememberShape(payload, touched[0]!.value, touched[0]!.channel);
    if (end) {
      // Text held in this event's own channels goes into this event; other channels get a copy of their last event first.
      for (const t of touched) {
        const rest = t.channel.text.flush();
        if (rest !== '') {
          t.field.holder[t.field.key] = (t.field.holder[t.field.key] as string) + rest;
          changed = true;
        }
      }
      before.push(...this.flush((ch) => !touched.some((t) => t.channel === ch)));
    }
    return [...before, [changed ? JSON.stringify(doc) : payload, frame]];
  }

  /** Mask the strings of an event that are not streamed text; true if any changed. */
  private maskOtherStrings(doc: Json): boolean {
    let changed = false;
    const visit = (value: Json, path: PathKey[], active: CompiledRule[], cursors: PathCursor[], holder: Record<string | number, Json> | null, key: string | number): void => {
      if (typeof value === 'string') {
        if (holder === null || active.length === 0 || isStreamedField(path)) return;
        const masked = maskTextWith(value, active, this.counts);
        if (masked !== value) {
          holder[key] = masked;
          changed = true;
        }
        return;
      }
      if (value === null || typeof value !== 'object') return;
      const entries: Array<[PathKey, Json]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
      for (const [k, v] of entries) {
        let childActive = active;
        const next: PathCursor[] = [];
        for (const c of cursors) {
          const ats: number[] = [];
          stepPath(c.path, c.at, k, ats);
          for (const at of ats) {
            if (at === c.path.length) {
              if (!childActive.includes(c.rule)) childActive = [...childActive, c.rule];
            } else next.push({ ...c, at });
          }
        }
        visit(v, [...path, k], childActive, next, value as Record<string | number, Json>, k);
      }
    };
    visit(doc, [], this.wholeRules, this.rootCursors, null, '');
    return changed;
  }

  /**
   * The next event of a stream usually differs from the last only in its one streamed value. When the payload
   * is the last event's text around a single JSON string literal, that literal is the new piece: it is pushed
   * and spliced back without parsing or re-serialising the event. Anything else takes the full path.
   */
  sameShape(payload: string, frame: F): string | null {
    const value = this.shapedValue(payload, 0, payload.length);
    if (value === null) return null;
    const shape = this.shape!;
    shape.channel.template = payload;
    shape.channel.frame = frame;
    const released = shape.channel.text.push(value);
    return released === value ? payload : shape.prefix + jsonString(released) + shape.suffix;
  }

  /** The text around the streamed literal of the last event, when the next may be shaped like it (see sameShape). */
  get shapeAround(): { readonly prefix: string; readonly suffix: string } | null {
    return this.shape;
  }

  /**
   * The streamed value of the payload text[from, to) when it is shaped like the last event (see sameShape), or
   * null. Nothing is pushed: consecutive such events are pushed together with pushShaped.
   */
  shapedValue(text: string, from: number, to: number): string | null {
    const shape = this.shape;
    if (shape === null || to - from < shape.prefix.length + shape.suffix.length + 2) return null;
    const literalStart = from + shape.prefix.length;
    const literalEnd = to - shape.suffix.length;
    if (text.charCodeAt(literalStart) !== 34 || text.charCodeAt(literalEnd - 1) !== 34) return null;
    // Compared as slices: string equality is a memory compare, several times cheaper than startsWith/endsWith
    // on the sliced strings a chunk is cut into (this is the per-token cost of a stream).
    if (text.slice(from, literalStart) !== shape.prefix || text.slice(literalEnd, to) !== shape.suffix) return null;
    return plainValueAt(text, literalStart, literalEnd) ?? parsedStringLiteral(text.slice(literalStart, literalEnd));
  }

  /**
   * sameShape's push for consecutive events whose values shapedValue gave (the last payload is the template of
   * a flush event): what each event releases, in order. Its output is prefix + jsonString(released) + suffix,
   * or the event unchanged when released equals its value.
   */
  pushShaped(values: readonly string[], lastPayload: string, frame: F): { released: string[]; prefix: string; suffix: string } {
    const shape = this.shape!;
    shape.channel.template = lastPayload;
    shape.channel.frame = frame;
    return { released: shape.channel.text.pushAll(values), prefix: shape.prefix, suffix: shape.suffix };
  }

  private rememberShape(payload: string, value: string, channel: Channel<F>): void {
    const encoded = JSON.stringify(value);
    const original = payload.indexOf(encoded);
    // Only when the value appears once: then the text around it is the event's fixed part.
    if (original < 0 || payload.indexOf(encoded, original + 1) >= 0) return;
    // Copied out of the chunk they were cut from: flat strings compare fastest, and do not pin the chunk.
    this.shape = { prefix: flatCopy(payload.slice(0, original)), suffix: flatCopy(payload.slice(original + encoded.length)), channel };
  }

  /** The end of the stream: whatever is still held, as copies of each channel's last event. */
  finish(): Array<[string, F]> {
    return this.flush(() => true);
  }

  private flush(which: (ch: Channel<F>) => boolean): Array<[string, F]> {
    const out: Array<[string, F]> = [];
    for (const ch of this.channels.values()) {
      if (!which(ch) || ch.text.held === 0) continue;
      const rest = ch.text.flush();
      const doc = JSON.parse(ch.template) as Json;
      clearStreamedFields(doc, []);
      setAt(doc, ch.locator, rest);
      out.push([JSON.stringify(doc), ch.frame]);
    }
    return out;
  }
}

interface StreamedField {
  holder: Record<string | number, Json>;
  key: string | number;
  path: PathKey[];
  /** The channel key: the path, with array elements named by their "index" field when they have one. */
  id: string;
}

interface EventPlan {
  longInteger: boolean;
  otherStrings: boolean;
}

/**
 * The raw payload without its streamed values (each found as its JSON encoding), or null when an encoding is
 * not found verbatim (the upstream escaped differently): then the whole payload is examined.
 */
function skeletonOf(payload: string, fields: readonly StreamedField[]): string | null {
  let out = payload;
  for (const f of fields) {
    const encoded = JSON.stringify(f.holder[f.key]);
    const at = out.indexOf(encoded);
    if (at < 0) return null;
    out = out.slice(0, at) + '""' + out.slice(at + encoded.length);
  }
  return out;
}

interface TrieNode {
  leaf: boolean;
  children: Map<string, TrieNode>;
}

/** STREAMED_TEXT_FIELDS as a trie, so an event is walked once along the known paths only. */
const TRIE: TrieNode = (() => {
  const root: TrieNode = { leaf: false, children: new Map() };
  for (const pattern of STREAMED_TEXT_FIELDS) {
    let node = root;
    for (const seg of pattern) {
      let next = node.children.get(seg);
      if (!next) node.children.set(seg, (next = { leaf: false, children: new Map() }));
      node = next;
    }
    node.leaf = true;
  }
  return root;
})();

/** The streamed-text fields present in an event. */
function streamedFields(doc: Json): StreamedField[] {
  const out: StreamedField[] = [];
  resolve(doc, TRIE, [], '', out);
  return out;
}

function resolve(node: Json, trie: TrieNode, path: PathKey[], id: string, out: StreamedField[]): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    const next = trie.children.get('*');
    if (!next) return;
    for (let j = 0; j < node.length; j++) {
      const el = node[j]!;
      const label = `[${el !== null && typeof el === 'object' && !Array.isArray(el) && typeof el.index === 'number' ? `#${el.index}` : j}]`;
      resolve(el, next, [...path, j], id + label, out);
    }
    return;
  }
  for (const [seg, next] of trie.children) {
    const v = node[seg];
    if (v === undefined) continue;
    if (typeof v === 'string') {
      if (next.leaf) out.push({ holder: node, key: seg, path: [...path, seg], id: `${id}.${seg}` });
    } else if (next.children.size > 0) resolve(v, next, [...path, seg], `${id}.${seg}`, out);
  }
}

function channelPrefix(doc: Json): string {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return '';
  return `${String(doc.index ?? '')}/${String(doc.output_index ?? '')}/${String(doc.content_index ?? '')}|`;
}

function isStreamedField(path: readonly PathKey[]): boolean {
  outer: for (const f of STREAMED_TEXT_FIELDS) {
    if (f.length !== path.length) continue;
    for (let i = 0; i < f.length; i++) if (f[i] !== (typeof path[i] === 'number' ? '*' : path[i])) continue outer;
    return true;
  }
  return false;
}

function isEnd(doc: Json): boolean {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
  if (doc.done === true || (typeof doc.type === 'string' && END_TYPE.test(doc.type))) return true;
  const list = Array.isArray(doc.choices) ? doc.choices : Array.isArray(doc.candidates) ? doc.candidates : [];
  return list.some((c) => c !== null && typeof c === 'object' && !Array.isArray(c) && ((c.finish_reason ?? null) !== null || (c.finishReason ?? null) !== null));
}

function clearStreamedFields(value: Json, path: PathKey[]): void {
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const p = [...path, k];
    if (typeof v === 'string' && isStreamedField(p)) (value as Record<string | number, Json>)[k] = '';
    else clearStreamedFields(v, p);
  }
}

function setAt(doc: Json, locator: readonly PathKey[], text: string): void {
  let node = doc as Record<string | number, Json>;
  for (let i = 0; i < locator.length - 1; i++) node = node[locator[i]!] as Record<string | number, Json>;
  node[locator[locator.length - 1]!] = text;
}
