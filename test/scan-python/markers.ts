/**
 * Expected findings in Python fixtures: a comment line whose `^` (or `^entry.id`) sits under the column
 * where a finding starts on the line above (`^` alone: the fixture's own catalog entry).
 */
import { readFileSync } from 'node:fs';
import type { Marker } from '../scan/markers.js';

export function pyMarkersIn(file: string, ownId: string): Marker[] {
  const out: Marker[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const isMarker = (text: string) => /^\s*#[\s^\w.-]*\^[\w.-]*\s*$/.test(text);
  lines.forEach((text, i) => {
    if (!isMarker(text)) return;
    let target = i - 1;
    while (target >= 0 && isMarker(lines[target]!)) target--; // stacked caret lines mark the same code line
    if (target < 0) return;
    for (const m of text.matchAll(/\^([\w.-]*)/g)) out.push({ catalogId: m[1] || ownId, line: target + 1, column: m.index! + 1 });
  });
  return out;
}
