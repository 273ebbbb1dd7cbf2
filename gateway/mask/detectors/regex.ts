import { asciiSet, type HoldRun, starAlnum } from '../shapes.js';
import { docsUrl, type Detector, type Span } from '../types.js';

/**
 * How far back a stream holds text for a user pattern: its longest match cannot be known, so matches up to
 * this many characters are guaranteed across streamed pieces (documented).
 */
export const REGEX_STREAM_WINDOW = 256;

/** No run: the window is held whatever its characters (holdBackBeyondRun), so a stream can plan its hold-back. */
const NO_RUN: HoldRun = { run: asciiSet(() => false), start: null, cap: 0 };
const windowOf = (text: string, from = 0, to = text.length): number => Math.min(to - from, REGEX_STREAM_WINDOW);

export const regex: Detector = {
  meta: { name: 'regex', description: 'A named regular expression from the policy ("name" and "pattern").', url: docsUrl('regex') },
  create(options) {
    if (!options.pattern) throw new Error('a regex detector needs a pattern');
    const re = new RegExp(options.pattern, 'g');
    return {
      find(text) {
        const spans: Span[] = [];
        re.lastIndex = 0;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          if (m[0].length === 0) {
            re.lastIndex++;
            continue;
          }
          spans.push({ start: m.index, end: m.index + m[0].length });
        }
        return spans;
      },
      partial: (value) => starAlnum(value, 0, 0),
      holdRun: NO_RUN,
      holdBackBeyondRun: windowOf,
      holdBack: (text) => windowOf(text),
    };
  },
};
