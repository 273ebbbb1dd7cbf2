import { asciiSet, type HoldRun, holdRunLength, isDigit, starAlnum } from '../shapes.js';
import { docsUrl, type Detector, type Span } from '../types.js';
import { cleanEnd, cleanStart } from './boundaries.js';

/** AAA-GG-SSSS with one separator (dash or space) used twice; the SSA never issues area 000, 666 or 9xx, group 00, serial 0000. */
const SSN = /(\d{3})([- ])(\d{2})\2(\d{4})/g;
const HOLD_RUN = asciiSet((c) => isDigit(c) || c === 32 || c === 45);
const HOLD_START = asciiSet(isDigit);
const HOLD: HoldRun = { run: HOLD_RUN, start: HOLD_START, cap: 11 + 2 };

export const usSsn: Detector = {
  meta: {
    name: 'us_ssn',
    description: 'US Social Security numbers written AAA-GG-SSSS or AAA GG SSSS, excluding ranges the SSA never issues.',
    url: docsUrl('us_ssn'),
  },
  create: () => ({
    needsDigit: true,
    digitAnchored: true,
    quick: /\d{3}[- ]\d\d/,
    // Nine digits in three groups: two separators.
    needs: { digits: 9, separators: 2 },
    find(text) {
      const spans: Span[] = [];
      SSN.lastIndex = 0;
      for (let m = SSN.exec(text); m; m = SSN.exec(text)) {
        const [whole, area, sep, group, serial] = m as unknown as [string, string, string, string, string];
        const start = m.index;
        const end = start + whole.length;
        const issued = area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
        if (issued && cleanStart(text, start, sep) && cleanEnd(text, end, sep)) spans.push({ start, end });
        else SSN.lastIndex = start + 1;
      }
      return spans;
    },
    partial: (value) => starAlnum(value, 0, 4),
    holdRun: HOLD,
    holdBack: (text) => holdRunLength(text, HOLD),
  }),
};
