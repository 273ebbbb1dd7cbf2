import { starAlnum } from '../shapes.js';
import { docsUrl, type Detector, type Span } from '../types.js';

/**
 * How far back a stream holds text for a user pattern: its longest match cannot be known, so matches up to
 * this many characters are guaranteed across streamed pieces (documented).
 */
export const REGEX_STREAM_WINDOW = 256;

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
      holdBack: (text) => Math.min(text.length, REGEX_STREAM_WINDOW),
    };
  },
};
