import { shannonEntropy } from '../checksums.js';
import { asciiSet, type HoldRun, holdRunLength, isAlnum } from '../shapes.js';
import { docsUrl, type Detector, type Span } from '../types.js';

/**
 * Credentials with a recognisable prefix. Each entry: the prefix kept by a partial mask, and the pattern of
 * the whole key (anchored at the prefix).
 */
export const KEY_FORMATS: ReadonlyArray<{ label: string; keep: number; pattern: string }> = [
  { label: 'Anthropic key', keep: 7, pattern: 'sk-ant-[A-Za-z0-9_-]{20,}' },
  { label: 'OpenAI project key', keep: 8, pattern: 'sk-proj-[A-Za-z0-9_-]{20,}' },
  { label: 'OpenAI / generic sk- key', keep: 3, pattern: 'sk-[A-Za-z0-9_-]{20,}' },
  { label: 'Stripe key', keep: 8, pattern: '[sr]k_(?:live|test)_[A-Za-z0-9]{16,}' },
  { label: 'GitHub token', keep: 4, pattern: 'gh[pousr]_[A-Za-z0-9]{30,}' },
  { label: 'GitHub fine-grained token', keep: 11, pattern: 'github_pat_[A-Za-z0-9_]{22,}' },
  { label: 'GitLab token', keep: 6, pattern: 'glpat-[A-Za-z0-9_-]{20,}' },
  { label: 'Slack token', keep: 5, pattern: 'xox[abposr]-[A-Za-z0-9-]{10,}' },
  { label: 'AWS access key id', keep: 4, pattern: '(?:AKIA|ASIA)[A-Z0-9]{16}' },
  { label: 'Google API key', keep: 4, pattern: 'AIza[A-Za-z0-9_-]{35}' },
  { label: 'Tavily key', keep: 5, pattern: 'tvly-[A-Za-z0-9_-]{16,}' },
  { label: 'Hugging Face token', keep: 3, pattern: 'hf_[A-Za-z0-9]{30,}' },
  { label: 'npm token', keep: 4, pattern: 'npm_[A-Za-z0-9]{36}' },
  { label: 'JSON Web Token', keep: 3, pattern: 'eyJ[A-Za-z0-9_-]{12,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*' },
];

/** Literal starts of the known formats; a format is tried only where its start is. */
const STARTS = ['sk-', 'sk_', 'rk_', 'gh', 'github_pat_', 'glpat-', 'xox', 'AKIA', 'ASIA', 'AIza', 'tvly-', 'hf_', 'npm_', 'eyJ'];
const FORMATS = KEY_FORMATS.map((f) => new RegExp(f.pattern, 'y'));

/** The end of a known key starting at p, or -1. */
const STARTS_BY_FIRST = new Map<number, string[]>();
for (const lit of STARTS) STARTS_BY_FIRST.set(lit.charCodeAt(0), [...(STARTS_BY_FIRST.get(lit.charCodeAt(0)) ?? []), lit]);

/** First characters of STARTS: most positions are ruled out by one table read. */
const STARTS_FIRST = asciiSet((c) => STARTS_BY_FIRST.has(c));

function startsWithAny(text: string, p: number, literals: readonly string[]): boolean {
  for (let i = 0; i < literals.length; i++) if (text.startsWith(literals[i]!, p)) return true;
  return false;
}

function knownKeyAt(text: string, p: number): number {
  const first = text.charCodeAt(p);
  if (first >= 128 || STARTS_FIRST[first] === 0) return -1;
  const starts = STARTS_BY_FIRST.get(first);
  if (starts === undefined || !startsWithAny(text, p, starts)) return -1;
  for (const f of FORMATS) {
    f.lastIndex = p;
    if (f.test(text)) {
      let end = f.lastIndex;
      while (end < text.length && (isAlnum(text.charCodeAt(end)) || text[end] === '_' || text[end] === '-')) end++;
      return end;
    }
  }
  return -1;
}

const PEM = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----[\s\S]*?-----END \1-----/g;
/** Token characters of keys and base64; a high-entropy candidate is a maximal run of at least MIN_TOKEN of them. */
/** ASCII lookup table: a typed-array read is cheaper than comparisons in the strided scan's inner loops. */
const RUN_CHARS = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) t[c] = isAlnum(c) || c === 95 || c === 45 || c === 43 || c === 47 ? 1 : 0;
  return t;
})();
const isRunChar = (c: number): boolean => c < 128 && RUN_CHARS[c] === 1;
const ALNUM = asciiSet(isAlnum);
const MIN_TOKEN = 32;
/** The shortest run that holds a known key (xoxb- and ten characters). */
const MIN_RUN = 15;
/**
 * Only every STRIDE-th position needs a look: any MIN_RUN consecutive positions hold one sampled position, and
 * after a run ends at e the next sample is e + STRIDE, inside any run of MIN_RUN that starts after e.
 */
const STRIDE = MIN_RUN;
/**
 * Prefixes of identifiers that services return and clients send back (completion, call and message ids):
 * high-entropy but not secrets, and masking them would break tool calls.
 */
const ID_PREFIX = /^(?:chatcmpl|cmpl|call|resp|msg|toolu|req|run|asst|thread|file|org|batch|ft|evt|item|rs|fc|fp|step|vs|msgbatch|srvtoolu|proj|user)[-_]/;
const MIN_ENTROPY = 4.3;
const MAX_TOKEN = 200;
const MAX_KEY = 4096;
const MAX_PEM = 16384;
const PEM_TAIL = /-{1,5}(?:B(?:E(?:G(?:I(?:N)?)?)?)?)?$/;
const isTokenChar = (c: number): boolean => isAlnum(c) || c === 95 || c === 45 || c === 43 || c === 47 || c === 46 || c === 61;
const TOKEN_HOLD: HoldRun = { run: asciiSet(isTokenChar), start: null, cap: MAX_KEY + 2 };

/** A whole PEM block (find's expression) at a position; its header alone, complete; a header still being written. */
const PEM_AT = new RegExp(PEM.source, 'y');
const PRIVATE_HEADER_AT = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/y;
const OPEN_HEADER_AT = /-----BEGIN[A-Z0-9 ]*-{0,4}$/y;

/**
 * How much of text's end is a PEM private-key block that more text could still complete (0 if none): from the
 * first "-----BEGIN" whose block is not complete and whose header is still being written or names a private
 * key, while within MAX_PEM. Its footer may arrive in any piece: until "-----END <label>-----" is complete the
 * block is held whole, so no part of it is released unmasked.
 */
function openPemBlock(text: string): number {
  for (let b = text.indexOf('-----BEGIN'); b >= 0; b = text.indexOf('-----BEGIN', b + 1)) {
    PEM_AT.lastIndex = b;
    if (PEM_AT.test(text)) {
      b = PEM_AT.lastIndex - 1; // complete: the next block can only start after it
      continue;
    }
    if (text.length - b > MAX_PEM) continue;
    PRIVATE_HEADER_AT.lastIndex = b;
    OPEN_HEADER_AT.lastIndex = b;
    if (PRIVATE_HEADER_AT.test(text) || OPEN_HEADER_AT.test(text)) return text.length - b;
  }
  return 0;
}

/**
 * What a PEM block needs held besides a token run in text[from, to): an open block whole, or the start of a
 * header. Measured in place: a stream asks this after every piece, and most scans have no "-----BEGIN".
 */
function pemHoldBack(text: string, from = 0, to = text.length): number {
  const n = hasBeginIn(text, from, to) ? openPemBlock(from === 0 && to === text.length ? text : text.slice(from, to)) : 0;
  return Math.max(n, pemTailLength(text, from, to));
}

/**
 * Whether a whole "-----BEGIN" lies in text[from, to). Its five dashes cover a position from + 4 + 5k: only
 * those are read, and around a dash each start it may have.
 */
function hasBeginIn(text: string, from: number, to: number): boolean {
  for (let i = from + 4; i < to; i += 5) {
    if (text.charCodeAt(i) !== 45) continue;
    for (let b = Math.max(from, i - 4); b <= i && b + 10 <= to; b++) if (text.startsWith('-----BEGIN', b)) return true;
  }
  return false;
}

/** The start of a PEM header ("-", "-----BEG"…) that text[from, to) ends with: it ends in a dash or a letter of BEGIN. */
function pemTailLength(text: string, from: number, to: number): number {
  if (to <= from || PEM_TAIL_END[text.charCodeAt(to - 1)] !== 1) return 0;
  const pemTail = PEM_TAIL.exec(text.slice(Math.max(from, to - 10), to));
  return pemTail ? pemTail[0].length : 0;
}

const PEM_TAIL_END = asciiSet((c) => '-BEGIN'.includes(String.fromCharCode(c)));

function highEntropy(s: string): boolean {
  if (s.length > MAX_TOKEN || ID_PREFIX.test(s)) return false;
  if (!/[a-z]/.test(s) || !/[A-Z]/.test(s) || !/[0-9]/.test(s)) return false;
  return shannonEntropy(s) >= MIN_ENTROPY;
}

function overlaps(spans: Span[], start: number, end: number): boolean {
  // Spans so far are PEM blocks (few) and known keys in order: checking from the end is enough for the latter.
  for (let i = spans.length - 1; i >= 0; i--) if (spans[i]!.start < end && start < spans[i]!.end) return true;
  return false;
}

function pemBlocks(text: string): Span[] {
  const spans: Span[] = [];
  PEM.lastIndex = 0;
  for (let m = PEM.exec(text); m; m = PEM.exec(text)) spans.push({ start: m.index, end: m.index + m[0].length });
  return spans;
}

/**
 * The known keys and the high-entropy token of one maximal run of key characters [start, end) (MIN_RUN or
 * longer), added to spans unless they overlap one there; returns where the scan may go on (past a known key
 * that reached beyond the run).
 */
function keysInRun(text: string, start: number, end: number, spans: Span[], bytes: Uint8Array | null = null): number {
  let known = false;
  let next = end;
  // A key starts the run or follows one of its non-alphanumerics (_ - + /), and with a known first letter: only
  // those positions are looked at, the alphanumerics between them skipped.
  let p = start;
  while (p < end) {
    let c = bytes !== null ? bytes[p]! : text.charCodeAt(p);
    if (STARTS_FIRST[c] === 1) {
      const keyEnd = knownKeyAt(text, p);
      if (keyEnd >= 0) {
        known = true;
        if (!overlaps(spans, p, keyEnd)) spans.push({ start: p, end: keyEnd });
        next = Math.max(next, keyEnd);
        // Going on after keyEnd (not at it): keyEnd's character is then the one before.
        p = keyEnd;
        if (p >= end) break;
        c = bytes !== null ? bytes[p]! : text.charCodeAt(p);
      }
    }
    p++;
    if (ALNUM[c] === 1) while (p < end && ALNUM[bytes !== null ? bytes[p]! : text.charCodeAt(p)] === 1) p++;
    else continue;
    // p is past a non-alphanumeric (or at the end): the next position after it is the next candidate.
    p++;
  }
  if (known || end - start < MIN_TOKEN) return next;
  const token = text.slice(start, end);
  while (text[end] === '=' && end - start < MAX_TOKEN) end++;
  // Part of a dotted name (a.b.c, a file name), not a key on its own.
  if (text[start - 1] === '.' || (text[end] === '.' && end + 1 < text.length && isTokenChar(text.charCodeAt(end + 1)))) return next;
  if (highEntropy(token) && !overlaps(spans, start, end)) spans.push({ start, end });
  return next;
}

export const secret: Detector = {
  meta: {
    name: 'secret',
    description: 'API keys and tokens with known prefixes (sk-, sk-ant-, ghp_, xoxb-, AKIA, AIza, tvly-, glpat-, JWTs…), PEM private keys, and high-entropy tokens.',
    url: docsUrl('secret'),
  },
  create: () => ({
    // A known key is a run of MIN_RUN key characters or more, a high-entropy token one of MIN_TOKEN; a PEM block
    // starts with the ten "-----BEGIN" and has twenty dashes in its header and footer.
    needs: [{ longestKeyRun: MIN_RUN }, { longestKeyRun: 10, dashes: 20 }],
    find(text) {
      const spans = pemBlocks(text);
      // Every known key and every high-entropy candidate lies in a run of at least MIN_RUN token characters, and
      // every such run covers a multiple of STRIDE: only those positions are looked at (the text is not scanned
      // character by character, which is what makes this detector cheap on long prose).
      for (let i = STRIDE - 1; i < text.length; i += STRIDE) {
        if (!isRunChar(text.charCodeAt(i))) continue;
        let start = i;
        let end = i + 1;
        while (start > 0 && isRunChar(text.charCodeAt(start - 1))) start--;
        while (end < text.length && isRunChar(text.charCodeAt(end))) end++;
        i = end;
        if (end - start >= MIN_RUN) i = Math.max(i, keysInRun(text, start, end, spans));
      }
      return spans.sort((a, b) => a.start - b.start);
    },
    inRuns: {
      chars: RUN_CHARS,
      min: MIN_RUN,
      find(text, runs, bytes) {
        const spans = pemBlocks(text);
        // Every run, also those inside a known key that crossed dots (a JWT), which the sampled scan may skip:
        // all they can yield overlaps that key and is dropped, and a key after it needs 16+ characters, sampled.
        for (let r = 0; r < runs.length; r += 2) keysInRun(text, runs[r]!, runs[r + 1]!, spans, bytes);
        return spans.sort((a, b) => a.start - b.start);
      },
    },
    partial(value) {
      if (value.startsWith('-----BEGIN')) {
        const header = value.slice(0, value.indexOf('-----', 5) + 5);
        const footer = value.slice(value.lastIndexOf('-----END'));
        return `${header}\n********\n${footer}`;
      }
      for (const f of KEY_FORMATS) if (new RegExp(`^(?:${f.pattern})`).test(value)) return `${value.slice(0, f.keep)}********`;
      return `${value.slice(0, 4)}********`;
    },
    holdRun: TOKEN_HOLD,
    holdBackBeyondRun: pemHoldBack,
    holdBack: (text) => Math.max(holdRunLength(text, TOKEN_HOLD), pemHoldBack(text)),
  }),
};
