/**
 * The output of one write of the masking stream, encoded once into one Buffer. Text is collected as strings and
 * joined; a run of events that differ only in an ASCII value (streamed tokens) is kept as those values between
 * fixed bytes, copied straight into the Buffer: several times cheaper than building a string of them and
 * encoding it. The bytes equal the UTF-8 encoding of everything added, in order (parts are whole events or
 * lines, so no surrogate pair is split between two of them).
 */
export class Output {
  private pending: string[] = [];
  private parts: Array<string | Run> = [];
  /** The run being added to: the last part, until text is added. */
  private run: Run | null = null;

  text(s: string): void {
    this.pending.push(s);
    this.run = null;
  }

  /** head, then middle (ASCII only), then tail. */
  framed(head: Uint8Array, middle: string, tail: Uint8Array): void {
    let run = this.run;
    if (run === null || run.head !== head || run.tail !== tail) {
      this.endText();
      this.parts.push((run = this.run = { head, tail, middles: [], bytes: 0 }));
    }
    run.middles.push(middle);
    run.bytes += head.length + middle.length + tail.length;
  }

  /** Everything added since the last take, or null when that is nothing. */
  take(): Buffer | null {
    this.endText();
    const parts = this.parts;
    if (parts.length === 0) return null;
    this.parts = [];
    this.run = null;
    let total = 0;
    const sizes: number[] = [];
    for (const p of parts) {
      const n = typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.bytes;
      sizes.push(n);
      total += n;
    }
    if (total === 0) return null;
    const out = Buffer.allocUnsafe(total);
    let at = 0;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      // Text whose UTF-8 length is its length is ASCII: its Latin-1 bytes are the same, and are written by a copy.
      if (typeof p === 'string') at += out.write(p, at, sizes[i]!, sizes[i] === p.length ? 'latin1' : 'utf8');
      else at = writeRun(p, out, at);
    }
    return out;
  }

  private endText(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    if (text.length > 0) this.parts.push(text);
  }
}

interface Run {
  head: Uint8Array;
  tail: Uint8Array;
  middles: string[];
  bytes: number;
}

function writeRun(run: Run, out: Buffer, at: number): number {
  const { head, tail, middles } = run;
  for (const m of middles) {
    out.set(head, at);
    at += head.length;
    for (let j = 0; j < m.length; j++) out[at++] = m.charCodeAt(j);
    out.set(tail, at);
    at += tail.length;
  }
  return at;
}
