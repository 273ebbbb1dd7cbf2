/**
 * A JSON response body for the masking Transform: buffered, then masked whole. An ASCII body (most API
 * responses) is masked on its bytes: the detectors' scans read them where they lie, and the output is copied
 * from them around the edits in pieces of OUT_PIECE bytes, never built as one string of the masked body.
 *
 * Why: on the benchmark machine a string or buffer of a megabyte costs far more than its copy (each is a fresh
 * mapping of memory: about 1 ms of page faults per MB), and writing out a masked 1 MB body built by
 * concatenation (a rope of some 2,500 pieces, flattened by Buffer.from) cost about 10 ms, as much as masking it.
 */
import { isAscii } from 'node:buffer';
import { applyEdits, maskJsonBytes, maskJsonEdits, type Edit } from './json-mask.js';
import { keptScratch } from './latin1.js';
import type { CompiledRule } from './rules.js';
import type { MaskCounts } from './types.js';

/** Output pieces: small enough for the allocator's heap (no fresh mapping each), few enough to push cheaply. */
const OUT_PIECE = 64 << 10;
/** The buffer bodies are gathered in (its own: the detectors' scans use run-scan's while it holds a body). */
const bodyScratch = keptScratch();

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });

/**
 * Mask the body the chunks make up; push receives the output in order. Synchronous: the shared buffer holds
 * the body only during the call. Throws TypeError on invalid UTF-8 (the Transform turns it into its error).
 */
export function maskJsonChunks(chunks: readonly Buffer[], rules: readonly CompiledRule[], counts: MaskCounts, push: (piece: Buffer) => void): void {
  let length = 0;
  let ascii = true;
  for (const c of chunks) {
    length += c.length;
    ascii &&= isAscii(c);
  }
  if (!ascii) {
    const body = utf8Fatal.decode(Buffer.concat(chunks, length));
    const r = maskJsonEdits(body, rules, counts);
    const masked = r.wasJson ? applyEdits(body, r.edits) : r.text;
    if (masked.length > 0) push(Buffer.from(masked, 'utf8'));
    return;
  }
  const bytes = bodyScratch(length);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, length);
  const r = maskJsonBytes(bytes, length, rules, counts);
  if (!r.wasJson) {
    if (r.text.length > 0) push(Buffer.from(r.text, 'utf8'));
  } else if (r.edits.length === 0) {
    // Nothing masked: the bytes that came in. (Not the text encoded again: decoding would drop a byte-order mark.)
    for (const c of chunks) if (c.length > 0) push(c);
  } else pushEdited(view, r.edits, push);
}

/** The body's bytes with the edits applied (positions are byte offsets: the body is ASCII), in OUT_PIECE pieces. */
function pushEdited(body: Buffer, edits: readonly Edit[], push: (piece: Buffer) => void): void {
  let total = body.length;
  const sizes = edits.map((e) => utf8Length(e.replacement));
  for (let k = 0; k < edits.length; k++) total += sizes[k]! - (edits[k]!.end - edits[k]!.start);
  const out = new PieceWriter(total, push);
  let copied = 0;
  for (let k = 0; k < edits.length; k++) {
    out.bytes(body, copied, edits[k]!.start);
    out.text(edits[k]!.replacement, sizes[k]!);
    copied = edits[k]!.end;
  }
  out.bytes(body, copied, body.length);
  out.end();
}

function isAsciiString(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

/** Buffer.byteLength(s, 'utf8') without the call for an ASCII string (most replacements). */
function utf8Length(s: string): number {
  return isAsciiString(s) ? s.length : Buffer.byteLength(s, 'utf8');
}

/** Output of a known total length, written into pieces of at most OUT_PIECE bytes (copies: no view of the body is pushed). */
class PieceWriter {
  private piece: Buffer;
  private used = 0;
  constructor(
    private left: number,
    private readonly push: (piece: Buffer) => void,
  ) {
    this.piece = Buffer.allocUnsafe(Math.min(left, OUT_PIECE));
  }

  bytes(src: Buffer, from: number, to: number): void {
    while (from < to) {
      if (this.used === this.piece.length) this.next();
      const end = Math.min(to, from + this.piece.length - this.used);
      // set of a subarray: Buffer's copy validates its arguments and makes the same view itself.
      this.piece.set(src.subarray(from, end), this.used);
      this.used += end - from;
      from = end;
    }
  }

  /** A string of `size` UTF-8 bytes; one that does not fit what is left of the piece starts the next. */
  text(s: string, size: number): void {
    if (size > this.piece.length - this.used) {
      if (size > OUT_PIECE) return this.bytes(Buffer.from(s, 'utf8'), 0, size);
      this.next();
    }
    if (size === s.length) {
      // ASCII (most replacements are a few dozen characters): written here, not through the binding's encoder.
      const piece = this.piece;
      for (let i = 0, at = this.used; i < size; i++, at++) piece[at] = s.charCodeAt(i);
      this.used += size;
    } else this.used += this.piece.write(s, this.used, 'utf8');
  }

  end(): void {
    if (this.used > 0) this.push(this.used === this.piece.length ? this.piece : this.piece.subarray(0, this.used));
  }

  private next(): void {
    if (this.used > 0) this.push(this.used === this.piece.length ? this.piece : this.piece.subarray(0, this.used));
    this.left -= this.used;
    this.piece = Buffer.allocUnsafe(Math.min(this.left, OUT_PIECE));
    this.used = 0;
  }
}
