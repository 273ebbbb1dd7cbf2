/**
 * The JSON paths of mask entries: `$`, `.name`, `['name']`, `[0]`, `[*]`, `.*`, and descendants `..name`,
 * `..*`. A path is compiled to segments and matched incrementally while a document is walked: a cursor is an
 * index into the segments, and stepping by one key gives the next cursors.
 */
export type PathKey = string | number;

export interface Segment {
  descendant: boolean;
  /** '*' matches any key or index. */
  key: PathKey | '*';
}

export type CompiledPath = Segment[];

export class PathSyntaxError extends Error {}

const NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

export function compilePath(path: string): CompiledPath {
  if (!path.startsWith('$')) throw new PathSyntaxError(`a JSON path starts with "$": "${path}"`);
  const segs: Segment[] = [];
  let i = 1;
  while (i < path.length) {
    let descendant = false;
    if (path.startsWith('..', i)) {
      descendant = true;
      i += 2;
    } else if (path[i] === '.') {
      i += 1;
    } else if (path[i] !== '[') {
      throw new PathSyntaxError(`unexpected "${path[i]}" at ${i} in "${path}"`);
    }
    if (path[i] === '*') {
      segs.push({ descendant, key: '*' });
      i += 1;
    } else if (path[i] === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) throw new PathSyntaxError(`unclosed "[" in "${path}"`);
      const inner = path.slice(i + 1, close).trim();
      if (inner === '*') segs.push({ descendant, key: '*' });
      else if (/^\d+$/.test(inner)) segs.push({ descendant, key: Number(inner) });
      else if (/^'[^']*'$|^"[^"]*"$/.test(inner)) segs.push({ descendant, key: inner.slice(1, -1) });
      else throw new PathSyntaxError(`unsupported selector "[${inner}]" in "${path}"`);
      i = close + 1;
    } else {
      const m = NAME.exec(path.slice(i));
      if (!m) throw new PathSyntaxError(`expected a name at ${i} in "${path}"`);
      segs.push({ descendant, key: m[0] });
      i += m[0].length;
    }
  }
  return segs;
}

/** The cursors after stepping from cursor `at` by one key. A cursor equal to path.length has matched. */
export function stepPath(path: CompiledPath, at: number, key: PathKey, out: number[]): void {
  const seg = path[at];
  if (!seg) return; // already matched: the whole subtree is selected by the caller
  const hit = seg.key === '*' || seg.key === key;
  if (seg.descendant) out.push(at);
  if (hit) out.push(at + 1);
}
