import { shannonEntropy } from '../checksums.js';
import { isAlnum, trailingRun } from '../shapes.js';
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
  { label: 'JSON Web Token', keep: 3, pattern: 'eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*' },
];

const KNOWN = new RegExp(KEY_FORMATS.map((f) => `(${f.pattern})`).join('|'), 'g');
const PEM = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----[\s\S]*?-----END \1-----/g;
/** Token characters of keys and base64; a candidate is a maximal run of them. */
const RUN = /[A-Za-z0-9+/_-]{32,}/g;
/**
 * Prefixes of identifiers that services return and clients send back (completion, call and message ids):
 * high-entropy but not secrets, and masking them would break tool calls.
 */
const ID_PREFIX = /^(?:chatcmpl|cmpl|call|resp|msg|toolu|req|run|asst|thread|file|org|batch|ft|evt|item|rs|fc|fp|step|vs|msgbatch|srvtoolu|proj|user)[-_]/;
const MIN_ENTROPY = 4.3;
const MAX_TOKEN = 200;
const MAX_KEY = 4096;
const MAX_PEM = 16384;
const isTokenChar = (c: number): boolean => isAlnum(c) || c === 95 || c === 45 || c === 43 || c === 47 || c === 46 || c === 61;

function highEntropy(s: string): boolean {
  if (s.length > MAX_TOKEN || ID_PREFIX.test(s)) return false;
  if (!/[a-z]/.test(s) || !/[A-Z]/.test(s) || !/[0-9]/.test(s)) return false;
  return shannonEntropy(s) >= MIN_ENTROPY;
}

function overlaps(spans: Span[], start: number, end: number): boolean {
  for (const s of spans) if (s.start < end && start < s.end) return true;
  return false;
}

export const secret: Detector = {
  meta: {
    name: 'secret',
    description: 'API keys and tokens with known prefixes (sk-, sk-ant-, ghp_, xoxb-, AKIA, AIza, tvly-, glpat-, JWTs…), PEM private keys, and high-entropy tokens.',
    url: docsUrl('secret'),
  },
  create: () => ({
    quick: /[A-Za-z0-9_+/-]{15}|-----BEGIN/,
    find(text) {
      const spans: Span[] = [];
      PEM.lastIndex = 0;
      for (let m = PEM.exec(text); m; m = PEM.exec(text)) spans.push({ start: m.index, end: m.index + m[0].length });
      KNOWN.lastIndex = 0;
      for (let m = KNOWN.exec(text); m; m = KNOWN.exec(text)) {
        const start = m.index;
        let end = start + m[0].length;
        while (end < text.length && (isAlnum(text.charCodeAt(end)) || text[end] === '_' || text[end] === '-')) end++;
        if (start > 0 && isAlnum(text.charCodeAt(start - 1))) {
          KNOWN.lastIndex = start + 1;
          continue;
        }
        if (!overlaps(spans, start, end)) spans.push({ start, end });
        KNOWN.lastIndex = end;
      }
      RUN.lastIndex = 0;
      for (let m = RUN.exec(text); m; m = RUN.exec(text)) {
        const start = m.index;
        let end = start + m[0].length;
        while (text[end] === '=' && end - start < MAX_TOKEN) end++;
        // Part of a dotted name (a.b.c, a file name), not a key on its own.
        if (text[start - 1] === '.' || (text[end] === '.' && end + 1 < text.length && isTokenChar(text.charCodeAt(end + 1)))) continue;
        if (highEntropy(m[0]) && !overlaps(spans, start, end)) spans.push({ start, end });
      }
      return spans.sort((a, b) => a.start - b.start);
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
    holdBack(text) {
      let n = trailingRun(text, isTokenChar, MAX_KEY + 2);
      // An unterminated PEM block is held whole, up to its bound.
      const begin = text.lastIndexOf('-----BEGIN');
      if (begin >= 0 && text.length - begin <= MAX_PEM && text.indexOf('-----END', begin) < 0) n = Math.max(n, text.length - begin);
      const pemTail = /-{1,5}(?:B(?:E(?:G(?:I(?:N)?)?)?)?)?$/.exec(text.slice(-10));
      if (pemTail) n = Math.max(n, pemTail[0].length);
      return n;
    },
  }),
};
