/**
 * Non-relative imports that the project's tsconfig.json (or jsconfig.json) maps to its own files:
 * `compilerOptions.paths` (`"@/*": ["./src/*"]`, the Next.js default) and `baseUrl`. Resolved as the
 * TypeScript compiler does: the nearest config above the importing file (with `extends`), the pattern
 * with the longest prefix, its substitutions in order, then `baseUrl`; a specifier that maps to no
 * file is a package.
 */
import tsc from './ts.js';
import { dirname, join, resolve } from 'node:path';

interface Pattern {
  prefix: string;
  suffix: string;
  wildcard: boolean;
  targets: string[];
}

interface AliasConfig {
  /** Folder the `paths` targets are relative to. */
  pathsBase: string;
  patterns: Pattern[];
  baseUrl: string | null;
}

const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];

export class PathAliases {
  private readonly byDir = new Map<string, AliasConfig | null>();

  constructor(
    private readonly readText: (file: string) => string | null,
    private readonly fileExists: (file: string) => boolean,
  ) {}

  /** A config file changed: read every config again. */
  static isConfigFile(file: string): boolean {
    return CONFIG_NAMES.some((n) => file.endsWith(`/${n}`) || file.endsWith(`\\${n}`)) || /[\\/]tsconfig\.[^\\/]*\.json$/.test(file);
  }

  clear(): void {
    this.byDir.clear();
  }

  /**
   * Absolute paths (without extension resolution) the specifier may stand for, in the order the
   * compiler tries them; empty when no config maps it.
   */
  candidates(fromFile: string, spec: string): string[] {
    const config = this.configFor(dirname(fromFile));
    if (!config) return [];
    const out: string[] = [];
    const pattern = bestPattern(config.patterns, spec);
    if (pattern) {
      const star = pattern.wildcard ? spec.slice(pattern.prefix.length, spec.length - pattern.suffix.length) : '';
      for (const t of pattern.targets) out.push(resolve(config.pathsBase, t.replace('*', star)));
    }
    if (config.baseUrl) out.push(resolve(config.baseUrl, spec));
    return out;
  }

  /**
   * Whether the specifier matches one of the config's `paths` patterns with a fixed prefix (`@/*`,
   * `~/config/*`); a catch-all `*` pattern (type stubs) does not make every package an alias.
   */
  isAlias(fromFile: string, spec: string): boolean {
    const config = this.configFor(dirname(fromFile));
    const p = config ? bestPattern(config.patterns, spec) : null;
    return p !== null && (p.prefix !== '' || !p.wildcard);
  }

  private configFor(dir: string): AliasConfig | null {
    const cached = this.byDir.get(dir);
    if (cached !== undefined) return cached;
    let found: AliasConfig | null = null;
    const file = CONFIG_NAMES.map((n) => join(dir, n)).find((f) => this.fileExists(f));
    if (file) found = this.load(file);
    else {
      const parent = dirname(dir);
      found = parent === dir ? null : this.configFor(parent);
    }
    this.byDir.set(dir, found);
    return found;
  }

  /** The config's aliases; a config that does not parse maps nothing (the compiler would stop there too). */
  private load(file: string): AliasConfig | null {
    const read = (f: string) => this.readText(f) ?? undefined;
    const { config, error } = tsc.readConfigFile(file, read);
    if (error || !config) return null;
    const host = { useCaseSensitiveFileNames: true, readDirectory: () => [], fileExists: this.fileExists, readFile: read };
    const options = tsc.parseJsonConfigFileContent(config, host, dirname(file), undefined, file).options as { paths?: Record<string, string[]>; baseUrl?: string; pathsBasePath?: string };
    const patterns: Pattern[] = [];
    for (const [key, targets] of Object.entries(options.paths ?? {})) {
      const star = key.indexOf('*');
      if (star >= 0 && key.indexOf('*', star + 1) >= 0) continue; // the compiler allows one '*'
      patterns.push(star < 0 ? { prefix: key, suffix: '', wildcard: false, targets } : { prefix: key.slice(0, star), suffix: key.slice(star + 1), wildcard: true, targets });
    }
    if (patterns.length === 0 && !options.baseUrl) return null;
    // `paths` without `baseUrl` are relative to the config that declares them (`pathsBasePath`).
    return { pathsBase: options.baseUrl ?? options.pathsBasePath ?? dirname(file), patterns, baseUrl: options.baseUrl ?? null };
  }
}

/** An exact pattern wins; otherwise the wildcard pattern with the longest prefix that matches. */
function bestPattern(patterns: Pattern[], spec: string): Pattern | null {
  let best: Pattern | null = null;
  for (const p of patterns) {
    if (!p.wildcard) {
      if (p.prefix === spec) return p;
      continue;
    }
    if (spec.length >= p.prefix.length + p.suffix.length && spec.startsWith(p.prefix) && spec.endsWith(p.suffix)) {
      if (!best || p.prefix.length > best.prefix.length) best = p;
    }
  }
  return best;
}
