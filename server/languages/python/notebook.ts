/**
 * Jupyter notebooks: the code cells become one Python text (cells joined by newlines, IPython magics and
 * shell lines blanked to comments), with a map from every character of that text back to the notebook
 * JSON file, so findings point at the cell source as it is written in the .ipynb file (its line, and the
 * column inside the JSON string, escapes counted as written).
 */
import type { Range } from '../../scan/types.js';

export interface NotebookSource {
  /** The Python text analysed: every code cell, in order, each ending with a newline. */
  text: string;
  /** For each UTF-16 unit of `text`: where it is written in the JSON file (0-based offset), -1 for joining newlines. */
  starts: Int32Array;
  /** For each UTF-16 unit of `text`: one past its last raw character in the JSON file. */
  ends: Int32Array;
  /** Offsets of line starts in the JSON file, to turn offsets into lines and columns. */
  jsonLineStarts: number[];
}

/** A JSON string token: its decoded text and, per decoded unit, the raw offsets it came from. */
interface StringToken {
  value: string;
  starts: number[];
  ends: number[];
}

type Json = null | boolean | number | StringToken | Json[] | { [k: string]: Json };

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** A small JSON reader that keeps where each string's characters are in the raw text. */
class JsonReader {
  private i = 0;
  constructor(private readonly s: string) {}

  read(): Json {
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) this.fail('trailing characters');
    return v;
  }

  private fail(what: string): never {
    throw new Error(`not a notebook: ${what} at offset ${this.i}`);
  }

  private ws(): void {
    while (this.i < this.s.length && ' \t\r\n'.includes(this.s[this.i]!)) this.i++;
  }

  private value(): Json {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') {
      this.i++;
      const out: { [k: string]: Json } = {};
      this.ws();
      if (this.s[this.i] === '}') return this.i++, out;
      for (;;) {
        this.ws();
        if (this.s[this.i] !== '"') this.fail('expected a key');
        const key = this.string().value;
        this.ws();
        if (this.s[this.i++] !== ':') this.fail('expected ":"');
        out[key] = this.value();
        this.ws();
        const d = this.s[this.i++];
        if (d === '}') return out;
        if (d !== ',') this.fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      this.i++;
      const out: Json[] = [];
      this.ws();
      if (this.s[this.i] === ']') return this.i++, out;
      for (;;) {
        out.push(this.value());
        this.ws();
        const d = this.s[this.i++];
        if (d === ']') return out;
        if (d !== ',') this.fail('expected "," or "]"');
      }
    }
    if (c === '"') return this.string();
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.s.slice(this.i, this.i + 40));
    if (!m) this.fail('unexpected character');
    this.i += m[0].length;
    return m[0] === 'true' ? true : m[0] === 'false' ? false : m[0] === 'null' ? null : Number(m[0]);
  }

  private string(): StringToken {
    this.i++; // opening quote
    let value = '';
    const starts: number[] = [];
    const ends: number[] = [];
    for (;;) {
      const at = this.i;
      const c = this.s[this.i];
      if (c === undefined) this.fail('unterminated string');
      if (c === '"') {
        this.i++;
        return { value, starts, ends };
      }
      if (c === '\\') {
        const e = this.s[this.i + 1]!;
        if (e === 'u') {
          const code = parseInt(this.s.slice(this.i + 2, this.i + 6), 16);
          if (Number.isNaN(code)) this.fail('bad \\u escape');
          value += String.fromCharCode(code);
          this.i += 6;
        } else {
          if (!(e in ESCAPES)) this.fail('bad escape');
          value += ESCAPES[e];
          this.i += 2;
        }
      } else {
        value += c;
        this.i++;
      }
      starts.push(at);
      ends.push(this.i);
    }
  }
}

const isToken = (v: Json): v is StringToken => typeof v === 'object' && v !== null && !Array.isArray(v) && 'starts' in v && Array.isArray((v as StringToken).starts);

/** Reads a notebook's code cells. Throws with a clear message when the file is not notebook JSON. */
export function readNotebook(json: string): NotebookSource {
  const doc = new JsonReader(json).read();
  const cells = doc && typeof doc === 'object' && !Array.isArray(doc) && !isToken(doc) ? doc['cells'] : undefined;
  if (!Array.isArray(cells)) throw new Error('not a notebook: no "cells" array');
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  const push = (ch: string, s: number, e: number): void => {
    text += ch;
    starts.push(s);
    ends.push(e);
  };
  for (const cell of cells) {
    if (!cell || typeof cell !== 'object' || Array.isArray(cell) || isToken(cell)) continue;
    const type = cell['cell_type'];
    if (!isToken(type as Json) || (type as StringToken).value !== 'code') continue;
    const src = cell['source'];
    const parts = Array.isArray(src) ? src.filter(isToken) : isToken(src as Json) ? [src as StringToken] : [];
    let lineStart = true;
    for (const part of parts) {
      for (let k = 0; k < part.value.length; k++) {
        let ch = part.value[k]!;
        // `%pip install …`, `!ls`: IPython syntax, not Python; a comment keeps the columns.
        if (lineStart && (ch === '%' || ch === '!')) ch = '#';
        lineStart = ch === '\n';
        push(ch, part.starts[k]!, part.ends[k]!);
      }
    }
    if (!text.endsWith('\n')) push('\n', -1, -1);
    lineStart = true;
  }
  const jsonLineStarts = [0];
  for (let k = 0; k < json.length; k++) if (json.charCodeAt(k) === 10) jsonLineStarts.push(k + 1);
  return { text, starts: Int32Array.from(starts), ends: Int32Array.from(ends), jsonLineStarts };
}

/** 1-based line/column of a raw JSON offset. */
function lineCol(nb: NotebookSource, offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = nb.jsonLineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (nb.jsonLineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - nb.jsonLineStarts[lo]! + 1 };
}

/** Maps a span of the analysed text (UTF-16 offsets, end exclusive) to the notebook file. */
export function notebookRange(nb: NotebookSource, start: number, end: number): Range {
  let s = start;
  while (s < end && nb.starts[s]! < 0) s++;
  let e = Math.max(s, end - 1);
  while (e > s && nb.ends[e]! < 0) e--;
  const a = lineCol(nb, nb.starts[s] ?? 0);
  const b = lineCol(nb, nb.ends[e] ?? nb.starts[s] ?? 0);
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}
