#!/usr/bin/env node
// npm run package: type-check the editor half of the client, bundle client, language server and CLI
// with esbuild, and pack a .vsix with @vscode/vsce (offline). The tools come from the e2e cache
// (test/e2e/setup.sh --tools-only installs them once). Prints the .vsix path and size.
//   --no-vsix   bundle only (the e2e test then loads the folder as an unpacked extension)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'out');
const args = new Set(process.argv.slice(2));

function tools() {
  const text = execFileSync('bash', [join(ROOT, 'test/e2e/setup.sh'), '--tools-only'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return Object.fromEntries(text.split('\n').filter((l) => /^[A-Z0-9_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

const t = tools();

// 1. Type-check client/*.ts against the VS Code API types in the cache (the root build leaves them out).
const tsconfig = join(t.CACHE, 'tsconfig.client.json');
writeFileSync(tsconfig, JSON.stringify({ extends: join(ROOT, 'client/tsconfig.json'), compilerOptions: { typeRoots: [t.TYPES_VSCODE, join(ROOT, 'node_modules/@types')] } }));
execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { stdio: 'inherit' });

// 2. Bundles. The extension host loads CommonJS; the server is a CJS module forked over IPC; the CLI
//    (for Start Gateway) is an ES module run as its own process. better-sqlite3 is native: it ships
//    beside the CLI bundle, built for the Node that installed it.
rmSync(OUT, { recursive: true, force: true });
const dev = args.has('--no-vsix'); // a development bundle: readable, with source maps for the debugger
// server/languages/typescript/ts.ts loads TypeScript with createRequire(import.meta.url), which a bundler
// cannot follow: give esbuild a plain require so TypeScript goes into the bundle.
// server/languages/python/parser.ts finds the two grammar wasm files through node_modules; in the
// bundle they sit beside it (copied below).
const WASM_ASSETS = { 'web-tree-sitter/tree-sitter.wasm': 'tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm': 'tree-sitter-python.wasm' };
const plainRequire = {
  name: 'plain-require',
  setup(build) {
    build.onLoad({ filter: /[\\/]server[\\/]languages[\\/]python[\\/]parser\.ts$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      for (const [spec, file] of Object.entries(WASM_ASSETS)) {
        const call = `require.resolve('${spec}')`;
        if (!text.includes(call)) throw new Error(`${args.path}: ${call} changed; update scripts/package-extension.mjs`);
        text = text.replace(call, `__cwFileURLToPath(new URL('./${file}', import.meta.url))`);
      }
      return { contents: `import { fileURLToPath as __cwFileURLToPath } from 'node:url';\n${text}`, loader: 'ts' };
    });
    build.onLoad({ filter: /[\\/]server[\\/]languages[\\/]typescript[\\/]ts\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const out = text.replace("createRequire(import.meta.url)('typescript')", "require('typescript')");
      if (out === text) throw new Error(`${args.path}: the createRequire line changed; update scripts/package-extension.mjs`);
      return { contents: out, loader: 'ts' };
    });
  },
};
// CommonJS bundles have no import.meta: point import.meta.url at the bundle itself.
const cjs = { format: 'cjs', define: { 'import.meta.url': '__cwImportMetaUrl' }, banner: { js: "const __cwImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" } };
const common = { plugins: [plainRequire], bundle: true, platform: 'node', target: 'node20', minify: !dev, sourcemap: dev, legalComments: 'none', logLevel: 'warning' };
await esbuild.build({ ...common, entryPoints: [join(ROOT, 'client/extension.ts')], outfile: join(OUT, 'extension.cjs'), ...cjs, external: ['vscode'] });
await esbuild.build({ ...common, entryPoints: [join(ROOT, 'server/main.ts')], outfile: join(OUT, 'server.cjs'), ...cjs });
await esbuild.build({
  ...common,
  stdin: {
    contents: readFileSync(join(ROOT, 'bin/chainwarden.js'), 'utf8').replace(/^#!.*\n/, '').replace("'../dist/gateway/cli/main.js'", "'./gateway/cli/main.ts'"),
    resolveDir: ROOT, sourcefile: 'chainwarden.mjs', loader: 'js',
  },
  // out/cli/bin/chainwarden.mjs: new URL('../../../package.json', import.meta.url) in the CLI is the extension's manifest.
  outfile: join(OUT, 'cli/bin/chainwarden.mjs'), format: 'esm', external: ['better-sqlite3'],
    // Bundled CommonJS dependencies (typescript) expect require, __filename and __dirname.
  banner: { js: "import { createRequire as __cwCreateRequire } from 'node:module'; import { fileURLToPath as __cwToPath } from 'node:url'; import { dirname as __cwDirname } from 'node:path'; const require = __cwCreateRequire(import.meta.url); const __filename = __cwToPath(import.meta.url); const __dirname = __cwDirname(__filename);" },
});
for (const [spec, file] of Object.entries(WASM_ASSETS)) {
  for (const dir of [OUT, join(OUT, 'cli/bin')]) cpSync(join(ROOT, 'node_modules', spec), join(dir, file));
}
// libpg-query (the gateway's SQL classifier) is Emscripten: it loads libpg-query.wasm from the bundle's folder.
cpSync(join(ROOT, 'node_modules/libpg-query/wasm/libpg-query.wasm'), join(OUT, 'cli/bin/libpg-query.wasm'));
for (const dep of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
  const from = join(ROOT, 'node_modules', dep);
  cpSync(from, join(OUT, 'cli/node_modules', dep), {
    recursive: true, dereference: true,
    filter: (src) => !/[\\/](deps|src|docs|test|benchmark)([\\/]|$)|\.(c|cc|h|gyp|md)$|[\\/]build[\\/](?!Release[\\/]better_sqlite3\.node$|Release$)/.test(src.slice(from.length)),
  });
}

if (args.has('--no-vsix')) process.exit(0);

// 3. The .vsix: .vscodeignore keeps sources, tests and node_modules out.
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const vsix = join(ROOT, `${manifest.name}-${manifest.version}.vsix`);
execFileSync(process.execPath, [t.VSCE, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--readme-path', 'client/README.md', '--out', vsix], { cwd: ROOT, stdio: 'inherit' });
mkdirSync(dirname(vsix), { recursive: true });
console.log(`${vsix} ${(statSync(vsix).size / 1024 / 1024).toFixed(2)} MiB`);
