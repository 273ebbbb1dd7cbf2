/**
 * The TypeScript compiler, loaded with require: an ESM `import ts from "typescript"` makes Node run its
 * CommonJS export lexer over the 9 MB bundle first, which costs a fifth of a cold scan. It is loaded on
 * first use: a scan with no TypeScript/JavaScript file (a Python project) never pays for it. The export is a
 * live binding: the first property read replaces the stand-in with the compiler itself, so later reads
 * go straight to it.
 */
import { createRequire } from 'node:module';
import type * as TS from 'typescript';

const load = (): typeof TS => (ts = createRequire(import.meta.url)('typescript') as typeof TS);
let ts: typeof TS = new Proxy({} as typeof TS, { get: (_target, key) => Reflect.get(load(), key) });
export { ts as default };
