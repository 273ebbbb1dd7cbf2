/**
 * Cold scan of a generated 1,000-file LangChain Python project, against baselines measured in the same
 * run on the same files: tree-sitter parsing alone (the floor for any tree-sitter scanner) and
 * `python3 -m py_compile` (CPython's own parser and compiler; skipped if python3 is missing). Each
 * measurement runs in a fresh Node process, so times are cold (WASM load included) and peak RSS is its own.
 *   npx tsc -b && node dist/bench/scan-python.js [--files 1000] [--runs 5]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng, pick } from '../test/helpers/prng.js';

const SELF = fileURLToPath(import.meta.url);
const POLICY = `version: 1
gateway: { listen: 127.0.0.1:8790, admin: 127.0.0.1:8791 }
chains: { agents: { owner: t, sources: ["app/**"] } }
connections:
  openai: { type: http, upstream: https://api.openai.com, provider: openai }
  warehouse: { type: postgres, listen: 127.0.0.1:15433, upstream: postgres://a@db.internal:5432/dw, provider: postgres }
rules:
  - { name: chat, chains: [agents], connection: openai, allow: ["POST /v1/chat/completions", "POST /v1/embeddings"] }
  - { name: read, chains: [agents], connection: warehouse, allow: [read] }
`;

/** One module: imports, a config constant, a few catalog constructs, a tool, plain code in between. */
function moduleText(i: number, rand: () => number): string {
  const uses = [
    'llm = ChatOpenAI(model="gpt-4o-mini", base_url=f"{GATEWAY}/openai/v1", api_key=os.environ["CHAINWARDEN_KEY"])',
    'emb = OpenAIEmbeddings(model="text-embedding-3-small")',
    'db = SQLDatabase.from_uri(settings.WAREHOUSE_DSN)',
    'search = TavilySearch(max_results=3)',
    'claude = ChatAnthropic(model="claude-3-5-haiku-latest")',
    'store = PGVector(embeddings=emb, collection_name="kb", connection=settings.WAREHOUSE_DSN)',
  ];
  const lines = [
    `"""Generated module ${i}."""`,
    'import os',
    'import requests',
    'from langchain_openai import ChatOpenAI, OpenAIEmbeddings',
    'from langchain_anthropic import ChatAnthropic',
    'from langchain_community.utilities import SQLDatabase',
    'from langchain_tavily import TavilySearch',
    'from langchain_postgres import PGVector',
    'from langchain_core.tools import tool',
    'from app import settings',
    '',
    'GATEWAY = os.getenv("GATEWAY_URL", "http://127.0.0.1:8790")',
    '',
  ];
  for (let k = 0; k < 3; k++) lines.push(pick(rand, uses), '');
  for (let f = 0; f < 6; f++) {
    lines.push('@tool', `def tool_${i}_${f}(query: str, limit: int = 10) -> list[dict]:`, `    """Look things up (${f})."""`);
    lines.push('    rows = []', '    for n in range(limit):', '        if n % 2 == 0:', '            rows.append({"n": n, "q": query.strip().lower()})', '        else:', '            rows.append({"n": n})');
    if (rand() < 0.3) lines.push(`    rows.append(requests.get(f"https://api.example.com/v1/items/{query}", timeout=5).json())`);
    lines.push('    return rows', '', '');
  }
  lines.push('class Pipeline:', '    def __init__(self, name: str):', '        self.name = name', '', '    def run(self, text: str) -> str:', '        return text.upper() + self.name', '');
  return lines.join('\n');
}

function generate(dir: string, files: number): void {
  const rand = prng(7);
  mkdirSync(join(dir, 'app'), { recursive: true });
  writeFileSync(join(dir, 'chainwarden.yaml'), POLICY);
  writeFileSync(join(dir, '.env'), 'WAREHOUSE_DSN=postgresql://agents@127.0.0.1:15433/dw\n');
  writeFileSync(join(dir, 'app', '__init__.py'), '');
  writeFileSync(join(dir, 'app', 'settings.py'), 'import os\nWAREHOUSE_DSN = os.environ.get("WAREHOUSE_DSN", "postgresql://localhost/dw")\n');
  for (let i = 0; i < files - 2; i++) {
    const sub = join(dir, 'app', `pkg${i % 20}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `mod_${i}.py`), moduleText(i, rand));
  }
}

function pyFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.py')).map((f) => join(dir, f)).sort();
}

async function child(mode: string, dir: string): Promise<void> {
  const t0 = performance.now();
  let count = 0;
  if (mode === 'import') {
    await import('../server/scan/api.js'); // the scanner's modules, the TypeScript compiler among them
  } else if (mode === 'scan') {
    const { Workspace } = await import('../server/scan/api.js');
    const ws = await new Workspace({ root: dir, policyFile: join(dir, 'chainwarden.yaml') }).ready();
    count = ws.scanAll().length;
  } else {
    const { initPythonParser, parsePython } = await import('../server/languages/python/parser.js');
    await initPythonParser();
    for (const f of pyFiles(dir)) {
      parsePython(readFileSync(f, 'utf8')).delete();
      count++;
    }
  }
  const ms = performance.now() - t0;
  const usage = process.resourceUsage(); // CPU time is the process's own work, whatever else the machine runs
  process.stdout.write(JSON.stringify({ ms, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, rssMb: usage.maxRSS / 1024, count }) + '\n');
}

interface Sample { ms: number; cpuMs: number; rssMb: number; count: number }

function run(mode: string, dir: string): Sample {
  const r = spawnSync(process.execPath, [SELF, '--child', mode, dir], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Sample;
}

const best = (xs: Sample[]): number => Math.min(...xs.map((s) => s.ms));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, args[2]!);
  if (args[0] === '--generate') return generate(args[1]!, Number(args[2] ?? 1000)); // a project to profile by hand
  const files = Number(args[args.indexOf('--files') + 1] || 1000) || 1000;
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-py-'));
  try {
    generate(dir, files);
    const all = pyFiles(dir);
    const lines = all.reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').length, 0);
    const runs = Number(args[args.indexOf('--runs') + 1] || 5) || 5;
    console.log(`${all.length} Python files, ${lines.toLocaleString('en-US')} lines; ${runs} cold runs of each, interleaved (fresh process each): median (best)`);
    const scans: Sample[] = [];
    const parses: Sample[] = [];
    const imports: Sample[] = [];
    for (let k = 0; k < runs; k++) {
      parses.push(run('parse', dir));
      scans.push(run('scan', dir));
      imports.push(run('import', dir));
    }
    const cpu = (xs: Sample[]) => median(xs.map((s) => s.cpuMs));
    const imported = { ms: median(imports.map((s) => s.ms)), best: best(imports), rssMb: median(imports.map((s) => s.rssMb)), cpuMs: cpu(imports) };
    const scan = { ms: median(scans.map((s) => s.ms)), best: best(scans), rssMb: median(scans.map((s) => s.rssMb)), count: scans[0]!.count, cpuMs: cpu(scans) };
    const parse = { ms: median(parses.map((s) => s.ms)), best: best(parses), rssMb: median(parses.map((s) => s.rssMb)), cpuMs: cpu(parses) };
    let pyc: { ms: number; best: number } | null = null;
    const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) {
      const times: number[] = [];
      for (let k = 0; k < runs; k++) {
        const t0 = performance.now();
        const r = spawnSync('python3', ['-m', 'py_compile', ...all], { encoding: 'utf8', env: { ...process.env, PYTHONPYCACHEPREFIX: join(dir, '.pyc') } });
        if (r.status !== 0) throw new Error(`py_compile failed: ${r.stderr}`);
        times.push(performance.now() - t0);
      }
      pyc = { ms: median(times), best: Math.min(...times) };
    }
    const row = (name: string, t: { ms: number; best: number }, rss: number | null, note: string) =>
      console.log(`${name.padEnd(34)} ${t.ms.toFixed(0).padStart(6)} ms (${t.best.toFixed(0).padStart(5)})  ${rss === null ? '     –   ' : rss.toFixed(0).padStart(6) + ' MB'}  ${note}`);
    const met = (ms: number) => (ms <= 2000 && scan.rssMb <= 200 ? 'met' : 'NOT met');
    row('chainwarden scan (Workspace, cold)', scan, scan.rssMb, `${scan.count} findings; goal ≤ 2000 ms and ≤ 200 MB: median ${met(scan.ms)}, best ${met(scan.best)}`);
    row('baseline: tree-sitter parse only', parse, parse.rssMb, `scan / parse = ${(scan.ms / parse.ms).toFixed(2)}× (best ${(scan.best / parse.best).toFixed(2)}×)`);
    row('  of which: loading the modules', imported, imported.rssMb, 'the scanner (the TypeScript compiler loads on the first .ts file)');
    console.log(`CPU time (user + system, median; less sensitive to other load than wall time): scan ${scan.cpuMs.toFixed(0)} ms, parse only ${parse.cpuMs.toFixed(0)} ms (scan / parse = ${(scan.cpuMs / parse.cpuMs).toFixed(2)}×), loading the modules ${imported.cpuMs.toFixed(0)} ms`);
    if (pyc !== null) row('baseline: python3 -m py_compile', pyc, null, `scan / py_compile = ${(scan.ms / pyc.ms).toFixed(2)}× (best ${(scan.best / pyc.best).toFixed(2)}×; includes the interpreter's start)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
