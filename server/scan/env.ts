/** .env files: parsed once per directory, nearest directory first, so `process.env.X` gets a value. */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, isAbsolute } from 'node:path';

/** Files read in each directory, highest priority first. `.env.example` documents the expected values. */
export const ENV_FILES = ['.env.local', '.env', '.env.development', '.env.example', '.env.sample', '.env.template'];
/** Template files: their placeholder values (`your-key`, `<url>`, `...`) are not values. */
const TEMPLATE_FILES = new Set(['.env.example', '.env.sample', '.env.template']);
const PLACEHOLDER_VALUE = /your[-_ ]|<[^>]*>|\.\.\.|…|x{4,}|changeme|replace[-_ ]?me|^\s*$/i;

export function parseDotenv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const q = value[0];
    if ((q === '"' || q === "'" || q === '`') && value.lastIndexOf(q) > 0) value = value.slice(1, value.lastIndexOf(q));
    else value = value.replace(/\s+#.*$/, '').trim();
    if (q === '"') value = value.replace(/\\n/g, '\n');
    if (!out.has(m[1]!)) out.set(m[1]!, value);
  }
  return out;
}

export class EnvFiles {
  private readonly byDir = new Map<string, Map<string, string>>();

  /** `root`: the directory above which no .env file is read. */
  constructor(private readonly root: string, private readonly readText: (file: string) => string | null = defaultRead) {}

  /** The value of NAME for a file: the nearest directory's .env files first, up to the root. */
  get(file: string, name: string): string | undefined {
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      const v = this.dir(dir).get(name);
      if (v !== undefined) return v;
      const rel = relative(this.root, dir);
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || dirname(dir) === dir) return undefined;
    }
  }

  invalidate(): void {
    this.byDir.clear();
  }

  static isEnvFile(file: string): boolean {
    const base = file.split(/[\\/]/).pop() ?? '';
    return base === '.env' || base.startsWith('.env.');
  }

  private dir(dir: string): Map<string, string> {
    let map = this.byDir.get(dir);
    if (map) return map;
    map = new Map();
    for (const name of ENV_FILES) {
      const text = this.readText(join(dir, name));
      if (text === null) continue;
      const template = TEMPLATE_FILES.has(name);
      for (const [k, v] of parseDotenv(text)) if (!map.has(k) && !(template && PLACEHOLDER_VALUE.test(v))) map.set(k, v);
    }
    this.byDir.set(dir, map);
    return map;
  }
}

function defaultRead(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
