/**
 * Scanner benchmark: generates a 1,000-file LangChain.js project in a temp dir, then times a cold
 * `chainwarden scan` against `tsc --noEmit` on the same project, alternating, in the same run.
 * Wall time and peak RSS come from /usr/bin/time. Prints the medians and the ratios.
 *
 *   npx tsc -b && node dist/bench/scan-ts.js [--files 1000] [--runs 3] [--keep]
 */
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({ options: { files: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' }, keep: { type: 'boolean' } } });
const FILES = Number(values.files);
const RUNS = Number(values.runs);

/** Writes the project; returns its folder. About 6% of the files construct resources, as in a real app. */
function generate(total: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-scan-'));
  const w = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  w('package.json', JSON.stringify({ name: 'bench-app', private: true, type: 'module' }));
  w('tsconfig.json', JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, noEmit: true, types: ['node'] }, include: ['src/**/*.ts'] }));
  w('.env', 'CHAINWARDEN_URL=http://127.0.0.1:8790\nORDERS_DATABASE_URL=postgres://bench@127.0.0.1:15432/orders\n');
  w('chainwarden.yaml', [
    'version: 1', 'gateway: { listen: 127.0.0.1:8790, admin: 127.0.0.1:8791 }',
    'chains:', '  bench: { sources: ["src/**"] }',
    'connections:',
    '  openai: { type: http, upstream: https://api.openai.com, provider: openai }',
    '  anthropic: { type: http, upstream: https://api.anthropic.com, provider: anthropic }',
    '  orders: { type: postgres, listen: 127.0.0.1:15432, upstream: postgres://x@db:5432/orders, provider: postgres }',
    'rules:',
    '  - { name: chat, chains: [bench], connection: openai, allow: ["POST /v1/chat/completions", "POST /v1/embeddings"] }',
    '  - { name: orders, chains: [bench], connection: orders, allow: [read] }', '',
  ].join('\n'));
  const configs = 10;
  const models = Math.round(total * 0.04);
  const tools = Math.round(total * 0.02);
  const chains = Math.round(total * 0.3);
  const utils = total - configs - models - tools - chains;
  for (let i = 0; i < configs; i++) {
    w(`src/config/c${i}.ts`, `const gateway = process.env.CHAINWARDEN_URL ?? 'http://127.0.0.1:8790';\nexport const settings${i} = {\n  openaiBase: \`\${gateway}/openai/v1\`,\n  anthropicBase: gateway + '/anthropic',\n  model: 'gpt-4o-mini',\n  retries: ${i % 4},\n} as const;\nexport const KEY${i} = process.env.CHAINWARDEN_KEY;\n`);
  }
  for (let i = 0; i < models; i++) {
    const c = i % configs;
    const body = i % 3 === 0
      ? `new ChatAnthropic({ model: 'claude-sonnet-4-5', anthropicApiUrl: settings${c}.anthropicBase, apiKey: KEY${c} })`
      : i % 3 === 1
        ? `new ChatOpenAI({ model: settings${c}.model, apiKey: KEY${c}, configuration: { baseURL: settings${c}.openaiBase } })`
        : `new OpenAIEmbeddings({ apiKey: KEY${c}, configuration: { baseURL: settings${c}.openaiBase } })`;
    w(`src/models/m${i}.ts`, `import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';\nimport { ChatAnthropic } from '@langchain/anthropic';\nimport { settings${c}, KEY${c} } from '../config/c${c}.js';\n\nvoid ChatOpenAI; void OpenAIEmbeddings; void ChatAnthropic;\nexport const model${i} = ${body};\n`);
  }
  for (let i = 0; i < tools; i++) {
    const sql = i % 2 === 0;
    w(`src/tools/t${i}.ts`, sql
      ? `import pg from 'pg';\nimport { tool } from '@langchain/core/tools';\n\nconst pool = new pg.Pool({ connectionString: process.env.ORDERS_DATABASE_URL });\n\nexport const lookup${i} = tool(async (input: unknown) => {\n  const { rows } = await pool.query('SELECT id, status FROM public.orders WHERE id = $1', [String(input)]);\n  return JSON.stringify(rows[0] ?? null);\n}, { name: 'lookup_${i}', description: 'Look up an order' });\n`
      : `import { tool } from '@langchain/core/tools';\n\nconst BASE = process.env.CHAINWARDEN_URL ?? 'http://127.0.0.1:8790';\n\nexport const status${i} = tool(async () => {\n  const res = await fetch(\`\${BASE}/openai/v1/models\`);\n  return String(res.status);\n}, { name: 'status_${i}', description: 'Provider status' });\n`);
  }
  for (let i = 0; i < utils; i++) {
    const fns: string[] = [];
    for (let k = 0; k < 6; k++) {
      fns.push(`export function f${i}_${k}(items: ReadonlyArray<{ id: number; name: string; tags: string[] }>, limit = ${k + 3}): Map<string, number> {\n  const out = new Map<string, number>();\n  for (const item of items.slice(0, limit)) {\n    const key = item.name.trim().toLowerCase() + ':' + item.tags.join(',');\n    out.set(key, (out.get(key) ?? 0) + item.id * ${k + 1});\n  }\n  return out;\n}\n`);
    }
    w(`src/util/u${i}.ts`, `// Generated utility module ${i}.\nexport interface Row${i} { id: number; label: string; at: Date }\n\n${fns.join('\n')}\nexport class Cache${i}<T> {\n  private readonly entries = new Map<string, { value: T; at: number }>();\n  constructor(private readonly ttlMs: number) {}\n  get(key: string): T | undefined {\n    const e = this.entries.get(key);\n    if (!e || Date.now() - e.at > this.ttlMs) return undefined;\n    return e.value;\n  }\n  set(key: string, value: T): void {\n    this.entries.set(key, { value, at: Date.now() });\n  }\n}\n`);
  }
  for (let i = 0; i < chains; i++) {
    const m = i % models;
    const u = i % utils;
    const t = i % tools;
    const toolName = t % 2 === 0 ? `lookup${t}` : `status${t}`;
    w(`src/chains/ch${i}.ts`, `import { model${m} } from '../models/m${m}.js';\nimport { f${u}_0, Cache${u} } from '../util/u${u}.js';\nimport { ${toolName} } from '../tools/t${t}.js';\n\nconst cache = new Cache${u}<string>(60_000);\n\nexport async function run${i}(question: string): Promise<string> {\n  const hit = cache.get(question);\n  if (hit) return hit;\n  const counts = f${u}_0([{ id: ${i}, name: question, tags: ['q'] }]);\n  const summary = [...counts.keys()].join(';');\n  const answer = \`\${summary} via \${typeof model${m}} and \${${toolName}.name}\`;\n  cache.set(question, answer);\n  return answer;\n}\n`);
  }
  return dir;
}

interface Sample { wallS: number; rssMb: number; code: number }

function measure(cmd: string[], cwd: string): Sample {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...cmd], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [wall, rssKb] = last.split(' ').map(Number);
  return { wallS: wall!, rssMb: rssKb! / 1024, code: r.status ?? -1 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = generate(FILES);
try {
  const scanCmd = [process.execPath, join(REPO, 'bin', 'chainwarden.js'), 'scan', dir, '--format', 'json'];
  const tscCmd = [process.execPath, join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', join(dir, 'tsconfig.json')];
  const check = spawnSync(scanCmd[0]!, scanCmd.slice(1), { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const findings = JSON.parse(check.stdout).findings.length as number;
  const scans: Sample[] = [];
  const tscs: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    tscs.push(measure(tscCmd, dir));
    scans.push(measure(scanCmd, dir));
  }
  const s = { wall: median(scans.map((x) => x.wallS)), rss: median(scans.map((x) => x.rssMb)) };
  const t = { wall: median(tscs.map((x) => x.wallS)), rss: median(tscs.map((x) => x.rssMb)) };
  console.log(`project: ${FILES} files (${dir}), ${findings} findings, tsc exit ${tscs[0]!.code}, ${RUNS} alternating runs, medians`);
  console.log(`| command | wall s | peak RSS MB |`);
  console.log(`|---|---|---|`);
  console.log(`| chainwarden scan --format json | ${s.wall.toFixed(2)} | ${s.rss.toFixed(0)} |`);
  console.log(`| tsc --noEmit | ${t.wall.toFixed(2)} | ${t.rss.toFixed(0)} |`);
  // The language server's case: after a warm scan, an edit re-analyses one file (its imports stay parsed).
  const { Workspace } = await import('../server/scan/api.js');
  const { readFileSync } = await import('node:fs');
  const ws = new Workspace({ root: dir, policyFile: join(dir, 'chainwarden.yaml') });
  ws.scanAll();
  const edited = join(dir, 'src', 'models', 'm1.ts');
  const text = readFileSync(edited, 'utf8');
  const edits = 200;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < edits; i++) ws.analyzeFile(edited, `${text}\n// edit ${i}\n`);
  const perEditMs = Number(process.hrtime.bigint() - t0) / 1e6 / edits;
  console.log(`| warm: analyzeFile after an edit (in process, mean of ${edits}) | ${(perEditMs / 1000).toFixed(4)} | — |`);
  console.log(`ratio scan/tsc: time ${(s.wall / t.wall).toFixed(2)}x (goal <= 1.0), RSS ${(s.rss / t.rss).toFixed(2)}x; scan RSS ${s.rss.toFixed(0)} MB (goal <= 400)`);
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
