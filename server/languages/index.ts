/**
 * The language modules. A language is one module under server/languages/<lang>/ that turns files into
 * resource uses (server/scan/use.ts) with the catalog's bindings for that language; everything after
 * (policy check, rules, outputs) is shared. Adding Python is one entry here.
 */
import { extname } from 'node:path';
import type { ResourceUse } from '../scan/use.js';
import type { SecretHit } from '../scan/secrets.js';
import { TypeScriptAnalyzer } from './typescript/analyzer.js';
import { SOURCE_EXTENSIONS } from './typescript/module.js';
import { PythonAnalyzer } from './python/analyzer.js';
import { PYTHON_EXTENSIONS } from './python/module.js';
import { initPythonParser } from './python/parser.js';

export interface LanguageIO {
  /** The workspace root (Python looks absolute imports up from the file's folder to here). */
  root: string;
  /** The file's text (editor overlay first, then disk), or null if it cannot be read. */
  readText(file: string): string | null;
  /** A variable from the .env files that apply to `file`. */
  env(file: string, name: string): string | undefined;
  fileExists(file: string): boolean;
}

export interface FileAnalysis {
  uses: ResourceUse[];
  secrets: SecretHit[];
  /** Files this analysis read (imports followed), the file itself excluded. */
  deps: string[];
}

export interface LanguageAnalyzer {
  analyze(file: string): FileAnalysis;
  /** The file's text changed (or it was created/deleted). */
  invalidate(file: string, createdOrDeleted?: boolean): void;
  /** Environment values changed: forget derived values, keep parses. */
  invalidateValues(): void;
}

export interface Language {
  name: string;
  /** Whether the language analyses this file (by name). */
  handles(file: string): boolean;
  create(io: LanguageIO): LanguageAnalyzer;
  /** Asynchronous set-up done once per process before the first analysis (Workspace.ready() awaits it). */
  ready?(): Promise<void>;
}

export const LANGUAGES: readonly Language[] = [
  {
    name: 'typescript',
    handles: (file) => SOURCE_EXTENSIONS.includes(extname(file)) && !/\.d\.[cm]?ts$/.test(file),
    create: (io) => new TypeScriptAnalyzer(io),
  },
  {
    name: 'python',
    handles: (file) => PYTHON_EXTENSIONS.includes(extname(file)),
    create: (io) => new PythonAnalyzer(io),
    ready: initPythonParser,
  },
];

export function languageFor(file: string): Language | undefined {
  return LANGUAGES.find((l) => l.handles(file));
}

/** Every language's asynchronous set-up (once per process); Workspace.ready() and the language server await it. */
export async function readyLanguages(): Promise<void> {
  await Promise.all(LANGUAGES.map((l) => l.ready?.()));
}
