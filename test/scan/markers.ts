/** Expected findings written in fixtures: `/*@*\/` (the fixture's own catalog entry) or `/*@entry.id*\/` just before the call. */
import { readFileSync } from 'node:fs';

export interface Marker {
  catalogId: string;
  line: number;
  column: number;
}

export function markersIn(file: string, ownId: string): Marker[] {
  const out: Marker[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((text, i) => {
    for (const m of text.matchAll(/\/\*@([\w.-]*)\*\//g)) {
      out.push({ catalogId: m[1] || ownId, line: i + 1, column: m.index! + m[0].length + 1 });
    }
  });
  return out;
}
