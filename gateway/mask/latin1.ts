/**
 * The text of a long ASCII buffer, made where it is cheapest.
 *
 * Node makes the string of a Buffer of EXTERNAL_FROM bytes or more outside the V8 heap (a copy V8 points to:
 * about 0.2 ms per MB here); a shorter one of LARGE_FROM bytes or more is a large object on the heap, and each
 * cost 3 to 6 ms per MB on the benchmark machine (a fresh mapping, and a young-generation collection), which
 * made a 500 KB JSON body cost three times as much through the masking Transform as the same text given as a
 * string. Such a body is read from a buffer padded to EXTERNAL_FROM (the padding zeroed, so that no earlier
 * body's bytes are copied along) and the text sliced out of it: a slice points into its parent, no copy.
 */

/** src/string_bytes.cc EXTERN_APEX in Node 20. */
export const EXTERNAL_FROM = 0xfbee9;
/** V8's largest regular heap object: longer strings are large objects. */
const LARGE_FROM = 128 << 10;

/** How long a buffer that will hold `length` bytes of text should be for latin1Text (padded where it helps). */
export function textCapacity(length: number): number {
  return length >= LARGE_FROM && length < EXTERNAL_FROM ? EXTERNAL_FROM : length;
}

/**
 * The Latin-1 text of bytes [0, length) of buf (ASCII bytes: the same text as UTF-8). owned: the caller owns buf
 * whole, so its bytes from length up may be overwritten (padding is used only then).
 */
export function latin1Text(buf: Uint8Array, length: number, owned: boolean): string {
  if (!owned || length < LARGE_FROM || length >= EXTERNAL_FROM || buf.length < EXTERNAL_FROM) return Buffer.from(buf.buffer, buf.byteOffset, length).toString('latin1');
  buf.fill(0, length, EXTERNAL_FROM);
  return Buffer.from(buf.buffer, buf.byteOffset, EXTERNAL_FROM).toString('latin1').slice(0, length);
}

/** Scratch buffers are kept for texts up to this size; larger ones get their own. */
const KEPT_SCRATCH = 4 << 20;

/**
 * A scratch buffer of its own for one user, kept between calls: the function gives it at least `length` bytes
 * long (with textCapacity's padding), valid until its next call.
 */
export function keptScratch(): (length: number) => Uint8Array {
  let kept = new Uint8Array(0);
  return (length) => {
    if (kept.length >= length) return kept;
    const bytes = new Uint8Array(textCapacity(length));
    if (length <= KEPT_SCRATCH) kept = bytes;
    return bytes;
  };
}
