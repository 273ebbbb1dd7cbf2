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

/** A JSON string token: its decoded text and where it is written (the opening quote's offset + 1 to the closing quote). */
interface StringToken {
  value: string;
  rawStart: number;
  rawEnd: number;
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
    const rawStart = ++this.i; // after the opening quote
    let value = '';
    let run = this.i;
    for (;;) {
      const c = this.s.charCodeAt(this.i);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c === 34 /* " */) {
        value += this.s.slice(run, this.i);
        this.i++;
        return { value, rawStart, rawEnd: this.i - 1 };
      }
      if (c === 92 /* \ */) {
        value += this.s.slice(run, this.i);
        const [ch, len] = this.escape(this.i);
        value += ch;
        this.i += len;
        run = this.i;
      } else this.i++;
    }
  }

  /** The escape at `at` (a backslash): its character and its written length. */
  escape(at: number): [string, number] {
    const e = this.s[at + 1];
    if (e === 'u') {
      const code = parseInt(this.s.slice(at + 2, at + 6), 16);
      if (Number.isNaN(code)) this.fail('bad \\u escape');
      return [String.fromCharCode(code), 6];
    }
    if (e === undefined || !(e in ESCAPES)) this.fail('bad escape');
    return [ESCAPES[e]!, 2];
  }
}

/** Per decoded character of a string token, where it starts and ends in the raw JSON (only for code cells' sources). */
function positions(reader: JsonReader, json: string, tok: StringToken): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = tok.rawStart; i < tok.rawEnd; ) {
    const len = json.charCodeAt(i) === 92 ? reader.escape(i)[1] : 1;
    starts.push(i);
    ends.push(i + len);
    i += len;
  }
  return { starts, ends };
}

const isToken = (v: Json): v is StringToken => typeof v === 'object' && v !== null && !Array.isArray(v) && 'rawStart' in v && typeof (v as StringToken).rawStart === 'number';

/** Reads a notebook's code cells. Throws with a clear message when the file is not notebook JSON. */
export function readNotebook(json: string): NotebookSource {
  const reader = new JsonReader(json);
  const doc = reader.read();
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
      const at = positions(reader, json, part);
      for (let k = 0; k < part.value.length; k++) {
        let ch = part.value[k]!;
        // `%pip install …`, `!ls`: IPython syntax, not Python; a comment keeps the columns.
        if (lineStart && (ch === '%' || ch === '!')) ch = '#';
        lineStart = ch === '\n';
        push(ch, at.starts[k]!, at.ends[k]!);
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
