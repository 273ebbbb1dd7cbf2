/**
 * The TypeScript compiler, loaded with require: an ESM `import ts from "typescript"` makes Node run its
 * CommonJS export lexer over the 9 MB bundle first, which costs a fifth of a cold scan.
 */
import { createRequire } from 'node:module';
import type * as TS from 'typescript';

const ts: typeof TS = createRequire(import.meta.url)('typescript');
export default ts;
