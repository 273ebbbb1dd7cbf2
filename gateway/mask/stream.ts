/**
 * The streaming masker: a Transform between the upstream body and the client. Compressed bodies are decoded
 * (the output is identity-encoded), text must be UTF-8, and every byte counts against maxBytes. JSON bodies are
 * buffered and masked whole; SSE and NDJSON are masked event by event with split values held back; other text
 * streams through a StreamingText. Any failure destroys the stream with a MaskError: nothing unscanned passes.
 */
import { isAscii } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { planContent, type BodyMode, type ContentPlan } from './content.js';
import { blockOf, MaskError, type MaskBlock } from './errors.js';
import { EventMasker } from './events.js';
import { maskJsonChunks } from './json-body.js';
import { asciiVerbatim, jsonString } from './literals.js';
import { Output } from './output.js';
import type { CompiledRule } from './rules.js';
import { StreamingText } from './text-stream.js';
import type { MaskCounts } from './types.js';

export interface MaskingStreamOptions {
  contentType?: string | null;
  contentEncoding?: string | null;
  /** The upstream content-length, when known: a body over maxBytes is refused before a byte is read. */
  contentLength?: number | null;
  /** The most decoded bytes scanned; more fails the stream. */
  maxBytes: number;
  /** The largest single SSE event or NDJSON line (default 1 MiB, at most maxBytes). */
  maxEventBytes?: number;
}

export type MaskingStreamResult = MaskingStream | { blocked: MaskBlock };

export function createMaskingStreamFor(rules: readonly CompiledRule[], options: MaskingStreamOptions): MaskingStreamResult {
  const plan = planContent(options.contentType, options.contentEncoding);
  if ('blocked' in plan) return plan;
  if (options.contentLength != null && options.contentLength > options.maxBytes)
    return { blocked: blockOf('CW_MASK_TOO_LARGE', `content-length ${options.contentLength} > ${options.maxBytes}`) };
  return new MaskingStream(rules, plan, options);
}


export class MaskingStream extends Transform {
  /** Masked values by detector name, complete once the stream has ended. */
  readonly counts: MaskCounts = {};
  readonly mode: BodyMode;
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly maxEventBytes: number;
  private readonly decoder: ReturnType<NonNullable<ContentPlan['decoder']>> | null;
  private readonly textDecoder = new TextDecoder('utf-8', { fatal: true });
  private readonly buffered: Buffer[] = [];
  private readonly text: StreamingText;
  private readonly events: EventMasker<readonly string[] | null>;
  private partial = '';
  /** Output of the current write, pushed once (one Buffer per chunk rather than one per event). */
  private readonly out = new Output();
  private eventLines: string[] = [];
  /**
   * Values of the one-data-line events waiting for flushShaped, and of each event its start, payload start and
   * end, and 1 when its literal is plain (no escape: it is its value between quotes).
   */
  private readonly shapedValues: string[] = [];
  private readonly shapedSpans: number[] = [];
  private shapePrefix = '';
  private shapeSuffix = '';
  private shapeRe: RegExp | null = null;
  /** Events found shaped like the last by comparing slices, since the shape last changed. */
  private shapedSeen = 0;
  /** What a shaped event is written as around its literal's characters: "data: ", the prefix and a quote; a quote, the suffix and the blank line. */
  private shapeHead = Buffer.alloc(0);
  private shapeTail = Buffer.alloc(0);
  private eventChars = 0;
  /** The text decoder holds no part of a character (the last bytes it read ended one), see decodeChunk. */
  private decoderClean = true;
  private decoderStarted = false;

  constructor(
    private readonly rules: readonly CompiledRule[],
    plan: ContentPlan,
    options: MaskingStreamOptions,
  ) {
    super();
    this.mode = plan.mode;
    this.maxBytes = options.maxBytes;
    this.maxEventBytes = Math.min(options.maxEventBytes ?? 1 << 20, options.maxBytes);
    this.text = new StreamingText(rules, this.counts);
    this.events = new EventMasker(rules, this.counts);
    this.decoder = plan.decoder ? plan.decoder() : null;
    if (this.decoder) {
      this.decoder.on('data', (b: Buffer) => this.guard(() => this.decoded(b)));
      this.decoder.on('error', () => this.destroy(new MaskError('CW_MASK_DECODE_FAILED')));
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.decoder) this.decoder.write(chunk, () => done());
    else done(this.guard(() => this.decoded(chunk)));
  }

  override _flush(done: TransformCallback): void {
    if (!this.decoder) return done(this.guard(() => this.finish()));
    this.decoder.once('end', () => done(this.guard(() => this.finish())));
    this.decoder.end();
  }

  override _destroy(err: Error | null, done: (error?: Error | null) => void): void {
    this.decoder?.destroy();
    done(err);
  }

  /** Run a step; a failure becomes the stream's error (returned for callbacks, or destroying the stream). */
  private guard(step: () => void): MaskError | undefined {
    try {
      step();
      this.pushOut();
      return undefined;
    } catch (e) {
      const err = e instanceof MaskError ? e : e instanceof TypeError ? new MaskError('CW_MASK_INVALID_UTF8') : new MaskError('CW_MASK_DECODE_FAILED');
      if (this.decoder) this.destroy(err);
      return err;
    }
  }

  private decoded(bytes: Buffer): void {
    if (this.destroyed) return;
    this.bytes += bytes.length;
    if (this.bytes > this.maxBytes) throw new MaskError('CW_MASK_TOO_LARGE', `over ${this.maxBytes} bytes`);
    if (this.mode === 'json') {
      this.buffered.push(bytes);
      return;
    }
    const text = this.decodeChunk(bytes);
    if (this.mode === 'text') this.emit_(this.text.push(text));
    else this.lines(text);
  }

  /**
   * UTF-8 text of a chunk. A chunk of ASCII bytes (most of them) read while the decoder holds no partial
   * character is the same text in Latin-1, which Node builds several times faster than a fatal TextDecoder.
   */
  private decodeChunk(bytes: Buffer): string {
    if (this.decoderClean && isAscii(bytes)) {
      // The decoder drops a byte-order mark at the start of the stream only: it is told the start has passed.
      if (!this.decoderStarted && bytes.length > 0) this.textDecoder.decode(bytes.subarray(0, 1), { stream: true });
      this.decoderStarted = true;
      return bytes.toString('latin1');
    }
    const text = this.textDecoder.decode(bytes, { stream: true });
    this.decoderStarted ||= bytes.length > 0;
    // A fatal decoder that accepted a chunk ending in an ASCII byte holds nothing back.
    if (bytes.length > 0) this.decoderClean = bytes[bytes.length - 1]! < 0x80;
    return text;
  }

  private finish(): void {
    if (this.mode === 'json') {
      maskJsonChunks(this.buffered, this.rules, this.counts, (piece) => this.push(piece));
      return;
    }
    const tail = this.textDecoder.decode();
    if (this.mode === 'text') {
      this.emit_(this.text.push(tail) + this.text.flush());
      return;
    }
    this.lines(tail);
    if (this.partial !== '') {
      this.line(this.partial);
      this.partial = '';
    }
    if (this.mode === 'sse' && this.eventLines.length > 0) this.dispatchEvent();
    for (const [payload, frame] of this.events.finish()) this.emitEvent(payload, frame);
  }

  /** Split decoded text into lines (\n, \r\n or \r); a trailing \r waits for a possible \n. */
  private lines(text: string): void {
    const nl = this.partial === '' ? -1 : text.indexOf('\n');
    if (nl < 0 || this.partial.indexOf('\r') >= 0 || text.indexOf('\r') >= 0) return this.linesOf(this.partial + text);
    // The held line ends in this text: it is completed on its own (with the blank line after it, if any), and
    // the rest of the text is split where it is, instead of copying the whole chunk behind the held line.
    const cut = text.charCodeAt(nl + 1) === 10 ? nl + 2 : nl + 1;
    this.linesOf(this.partial + text.slice(0, cut), true);
    this.linesOf(text.slice(cut), true);
  }

  /** lines() of partial + text, given whole: the held line is the start of buf (noCr: buf is known to have no \r). */
  private linesOf(buf: string, noCr = false): void {
    let from = 0;
    if (noCr || buf.indexOf('\r') < 0) {
      // The usual case: \n only, found with indexOf.
      const sse = this.mode === 'sse';
      for (;;) {
        if (sse && this.eventLines.length === 0) {
          const next = this.shapedEventAt(buf, from);
          if (next >= 0) {
            from = next;
            continue;
          }
        }
        const i = buf.indexOf('\n', from);
        if (i < 0) break;
        // A whole event of one data line (a streamed token): dispatched without collecting its lines.
        if (sse && this.eventLines.length === 0 && buf.charCodeAt(i + 1) === 10 && isDataLineAt(buf, from) && i - from + 1 <= this.maxEventBytes) {
          const at = from + dataStartAt(buf, from);
          const value = this.events.shapedValue(buf, at, i);
          // Shaped like the last event: pushed with the others of this text, once they are all known.
          if (value !== null) {
            this.shapedValues.push(value);
            // A literal without escapes is its value between quotes, and longer than that with any.
            this.spanShaped(from, at, i, value.length === i - at - this.shapePrefix.length - this.shapeSuffix.length - 2 ? 1 : 0);
            this.shapedSeen++;
          } else {
            this.flushShaped(buf);
            this.oneDataLineEvent(buf.slice(at, i));
          }
          from = i + 2;
          continue;
        }
        this.flushShaped(buf);
        this.line(buf.slice(from, i));
        from = i + 1;
      }
      this.flushShaped(buf);
    } else {
      for (;;) {
        let i = from;
        while (i < buf.length && buf.charCodeAt(i) !== 10 && buf.charCodeAt(i) !== 13) i++;
        if (i >= buf.length) break;
        if (buf.charCodeAt(i) === 13 && i + 1 === buf.length) break;
        this.line(buf.slice(from, i));
        from = buf.charCodeAt(i) === 13 && buf.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
      }
    }
    const rest = buf.slice(from);
    if (rest.length + this.eventChars > this.maxEventBytes) throw new MaskError('CW_MASK_EVENT_TOO_LARGE', `over ${this.maxEventBytes} bytes`);
    this.partial = rest;
  }

  private line(line: string): void {
    if (this.mode === 'ndjson') {
      if (line.trim() === '') this.emit_(line + '\n');
      else for (const [payload] of this.events.process(line, null)) this.emit_(payload + '\n');
      return;
    }
    if (line === '') {
      if (this.eventLines.length > 0) this.dispatchEvent();
      else this.emit_('\n');
      return;
    }
    this.eventLines.push(line);
    this.eventChars += line.length + 1;
    if (this.eventChars > this.maxEventBytes) throw new MaskError('CW_MASK_EVENT_TOO_LARGE', `over ${this.maxEventBytes} bytes`);
  }

  /** An event that is one data line: the same as collecting the line and dispatching it (see dispatchEvent). */
  private oneDataLineEvent(payload: string): void {
    for (const [p, frame] of this.events.process(payload, ONE_DATA_LINE)) this.emitEvent(p, frame);
  }

  /**
   * The usual event: one data line shaped like the last event, with a plain literal. Matched whole by the
   * shape's expression (cheaper than cutting the event out and comparing its parts) and collected for
   * flushShaped; returns where the event ends, or -1 when it is not such an event.
   */
  private shapedEventAt(buf: string, from: number): number {
    const re = this.shapeExpression();
    if (re === null || from >= buf.length) return -1;
    re.lastIndex = from;
    if (!re.test(buf) || re.lastIndex - 1 - from > this.maxEventBytes) return -1;
    const at = from + dataStartAt(buf, from);
    const end = re.lastIndex - 2;
    this.shapedValues.push(buf.slice(at + this.shapePrefix.length + 1, end - this.shapeSuffix.length - 1));
    this.spanShaped(from, at, end, 1);
    return re.lastIndex;
  }

  /**
   * A sticky expression for a whole one-data-line event shaped like the last event (EventMasker.shapeAround)
   * whose literal has no escape, quote or control character (see plainLiteralValue), or null when there is no
   * shape. Made once SHAPED_BEFORE_EXPRESSION events had the shape: an expression is compiled for its text
   * (an id unique to the response), which costs as much as comparing a few thousand events by slices.
   */
  private shapeExpression(): RegExp | null {
    const shape = this.events.shapeAround;
    if (shape === null) return null;
    if (shape.prefix !== this.shapePrefix || shape.suffix !== this.shapeSuffix) {
      this.shapePrefix = shape.prefix;
      this.shapeSuffix = shape.suffix;
      this.shapeHead = Buffer.from(`data: ${shape.prefix}"`, 'utf8');
      this.shapeTail = Buffer.from(`"${shape.suffix}\n\n`, 'utf8');
      this.shapeRe = null;
      this.shapedSeen = 0;
    }
    if (this.shapeRe === null && this.shapedSeen >= SHAPED_BEFORE_EXPRESSION)
      this.shapeRe = new RegExp(`data: ?${escapeRegExp(shape.prefix)}"[^"\\\\\\x00-\\x1f]*"${escapeRegExp(shape.suffix)}\\n\\n`, 'y');
    return this.shapeRe;
  }

  /**
   * Write the one-data-line events of buf that were shaped like the last event (shapedValue), in order: their
   * values are pushed together, and each event is written as sameShape would give it. The line has no newline,
   * and the result is the line's own prefix and suffix around a JSON string literal: it has none either and is
   * written as one data line (what emitEvent would do).
   */
  private flushShaped(buf: string): void {
    const values = this.shapedValues;
    if (values.length === 0) return;
    const spans = this.shapedSpans;
    const last = 4 * (values.length - 1);
    const { released, prefix, suffix } = this.events.pushShaped(values, buf.slice(spans[last + 1]!, spans[last + 2]!), ONE_DATA_LINE);
    const out = this.out;
    // The bytes around a literal, made with the shape's expression (the shape has not changed since).
    const bytes = prefix === this.shapePrefix && suffix === this.shapeSuffix;
    for (let k = 0, s = 0; k < values.length; k++, s += 4) {
      const r = released[k]!;
      // What sameShape gives is the event as it came when nothing changed, else prefix + jsonString(r) + suffix:
      // both are the head, r and the tail when r needs no escape (and the literal had none when unchanged).
      if (bytes && (r !== values[k] || spans[s + 3] === 1) && asciiVerbatim(r)) out.framed(this.shapeHead, r, this.shapeTail);
      else if (r !== values[k]) out.text(`data: ${prefix}${jsonString(r)}${suffix}\n\n`);
      // Unchanged: the event as it came, when its data line already reads "data: ".
      else if (spans[s + 1]! - spans[s]! === 6) out.text(buf.slice(spans[s]!, spans[s + 2]! + 2));
      else out.text(`data: ${buf.slice(spans[s + 1]!, spans[s + 2]!)}\n\n`);
    }
    values.length = 0;
  }

  /** Record where the shaped event of the value just collected lies (by index: the array keeps its size between chunks). */
  private spanShaped(from: number, at: number, end: number, plain: 0 | 1): void {
    const spans = this.shapedSpans;
    const k = 4 * (this.shapedValues.length - 1);
    spans[k] = from;
    spans[k + 1] = at;
    spans[k + 2] = end;
    spans[k + 3] = plain;
  }

  private dispatchEvent(): void {
    const lines = this.eventLines;
    this.eventLines = [];
    this.eventChars = 0;
    const data = lines.length === 1 ? (isDataLine(lines[0]!) ? [lines[0]!.slice(dataStart(lines[0]!))] : []) : lines.filter(isDataLine).map((l) => l.slice(dataStart(l)));
    if (data.length === 0) return this.emit_(lines.join('\n') + '\n\n');
    for (const [payload, frame] of this.events.process(data.join('\n'), lines)) this.emitEvent(payload, frame);
  }

  private emitEvent(payload: string, frame: readonly string[] | null): void {
    if (this.mode === 'ndjson') return this.emit_(payload + '\n');
    if (frame !== null && frame.length === 1 && payload.indexOf('\n') < 0) return this.emit_(`data: ${payload}\n\n`);
    const out: string[] = [];
    let placed = false;
    for (const l of frame ?? []) {
      if (!isDataLine(l)) out.push(l);
      else if (!placed) {
        for (const p of payload.split('\n')) out.push(`data: ${p}`);
        placed = true;
      }
    }
    this.emit_(out.join('\n') + '\n\n');
  }

  private emit_(text: string): void {
    this.out.text(text);
  }

  private pushOut(): void {
    const bytes = this.out.take();
    if (bytes !== null) this.push(bytes);
  }
}

/**
 * The frame of an event that is one data line. Only the kind of each frame line is read when an event is
 * written (data lines are replaced by the payload), so any one data line stands for all of them.
 */
const ONE_DATA_LINE: readonly string[] = ['data:'];
/** See shapeExpression. */
const SHAPED_BEFORE_EXPRESSION = 1024;

// Compared by character code: startsWith on the sliced strings a chunk is cut into costs several times more,
// and these run for every event.
/** Where the value of a data line ("data:" already checked) starts: one optional space is dropped. */
function dataStart(line: string): number {
  return dataStartAt(line, 0);
}

function dataStartAt(text: string, at: number): number {
  return text.charCodeAt(at + 5) === 32 ? 6 : 5;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function isDataLine(line: string): boolean {
  return isDataLineAt(line, 0);
}

function isDataLineAt(text: string, at: number): boolean {
  return text.charCodeAt(at) === 100 && text.charCodeAt(at + 1) === 97 && text.charCodeAt(at + 2) === 116 && text.charCodeAt(at + 3) === 97 && text.charCodeAt(at + 4) === 58;
}
