/**
 * Globs compiled once to anchored regular expressions.
 * `*` matches within one segment, `**` across segments (including none), `?` one character.
 * The separator is `/` for paths and `.` for schema-qualified table names.
 */
export interface Glob {
  readonly source: string;
  readonly literal: boolean;
  test(value: string): boolean;
}

const cache = new Map<string, Glob>();

export function compileGlob(source: string, separator = '/', caseInsensitive = false): Glob {
  const key = `${separator}\0${caseInsensitive ? 'i' : ''}\0${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const glob = build(source, separator, caseInsensitive);
  if (cache.size < 10_000) cache.set(key, glob);
  return glob;
}

function build(source: string, separator: string, caseInsensitive: boolean): Glob {
  if (!/[*?]/.test(source)) {
    const want = caseInsensitive ? source.toLowerCase() : source;
    return { source, literal: true, test: (v) => (caseInsensitive ? v.toLowerCase() : v) === want };
  }
  if (source === '*' || source === '**') return { source, literal: false, test: () => true };
  const sep = escape(separator);
  let re = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '*') {
      if (source[i + 1] === '*') {
        i++;
        // `a/**/b` also matches `a/b`: swallow the following separator into the optional group.
        if (source[i + 1] === separator) {
          i++;
          re += `(?:.*${sep})?`;
        } else if (i === source.length - 1 && re.endsWith(sep)) {
          // A trailing `/**` also matches the folder itself: `/v1/files/**` covers `/v1/files`.
          re = re.slice(0, -sep.length) + `(?:${sep}.*)?`;
        } else {
          re += '.*';
        }
      } else {
        re += `[^${sep}]*`;
      }
    } else if (c === '?') {
      re += `[^${sep}]`;
    } else {
      re += escape(c);
    }
  }
  const rx = new RegExp(`^${re}$`, caseInsensitive ? 'i' : '');
  return { source, literal: false, test: (v) => rx.test(v) };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
