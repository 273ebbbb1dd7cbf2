import { asciiSet, type HoldRun, holdRunLength, isAlnum } from '../shapes.js';
import { docsUrl, type Detector, type Span } from '../types.js';

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const isLocalChar = (c: number): boolean => isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45; // . _ % + -
const isDomainChar = (c: number): boolean => isAlnum(c) || c === 46 || c === 45; // . -
const HOLD_RUN = asciiSet((c) => isLocalChar(c) || c === 64);
const HOLD: HoldRun = { run: HOLD_RUN, start: null, cap: MAX_LOCAL + 1 + MAX_DOMAIN + 2 };
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** The end of a valid domain starting at i (labels of letters, digits and inner dashes; an alphabetic TLD), or -1. */
function domainEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && j - i < MAX_DOMAIN && isDomainChar(text.charCodeAt(j))) j++;
  // A trailing dot or dash ends a sentence, not the domain.
  while (j > i && (text.charCodeAt(j - 1) === 46 || text.charCodeAt(j - 1) === 45)) j--;
  const domain = text.slice(i, j);
  const labels = domain.split('.');
  if (labels.length < 2) return -1;
  for (const l of labels) if (l === '' || l.startsWith('-') || l.endsWith('-') || l.length > 63) return -1;
  const tld = labels[labels.length - 1]!;
  if (tld.length < 2 || tld.length > 24) return -1;
  for (let k = 0; k < tld.length; k++) if (!isAlpha(tld.charCodeAt(k))) return -1;
  return j;
}

export const email: Detector = {
  meta: { name: 'email', description: 'Email addresses (local@domain.tld).', url: docsUrl('email') },
  create: () => ({
    quick: /@/,
    needs: { at: 1 },
    find(text) {
      const spans: Span[] = [];
      let from = 0;
      // Finding '@' with indexOf and growing outwards is much cheaper than a regex tried at every position.
      for (let at = text.indexOf('@', from); at >= 0; at = text.indexOf('@', from)) {
        from = at + 1;
        let s = at;
        while (s > 0 && at - s < MAX_LOCAL && isLocalChar(text.charCodeAt(s - 1))) s--;
        if (s > 0 && isLocalChar(text.charCodeAt(s - 1))) continue; // local part longer than allowed
        while (s < at && text.charCodeAt(s) === 46) s++; // a local part does not start with a dot
        if (s === at) continue;
        if (spans.length > 0 && spans[spans.length - 1]!.end > s) continue;
        const end = domainEnd(text, at + 1);
        if (end < 0) continue;
        spans.push({ start: s, end });
        from = end;
      }
      return spans;
    },
    partial(value) {
      const at = value.indexOf('@');
      return `${value[0]}***${value.slice(at)}`;
    },
    holdRun: HOLD,
    holdBack: (text) => holdRunLength(text, HOLD),
  }),
};
