/**
 * Language server latency over the real protocol: time from didChange to the publishDiagnostics of that
 * version, over 200 edits of a realistic LangChain file in a generated project, against a baseline in
 * the same run: the same edits of an equally long file without LangChain imports, and a no-op request
 * (hover on an empty position). Run: npx tsc -b && node dist/bench/lsp-latency.js [--edits 200] [--language ts|python]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LspClient } from '../test/lsp/harness.js';

const { values } = parseArgs({ options: { edits: { type: 'string', default: '200' }, modules: { type: 'string', default: '60' }, language: { type: 'string', default: 'ts' } } });
const EDITS = Number(values.edits);
const MODULES = Number(values.modules);
const PYTHON = values.language === 'python';
if (!PYTHON && values.language !== 'ts') throw new Error(`--language: expected ts or python, got ${values.language}`);
const EXT = PYTHON ? 'py' : 'ts';
const MARKER = PYTHON ? '# edit marker: ' : '// edit marker: ';

const POLICY = `version: 1
gateway:
  listen: 127.0.0.1:8790
  admin: 127.0.0.1:8791
chains:
  assistant:
    sources: ["src/**"]
connections:
  openai: { type: http, upstream: https://api.openai.com, provider: openai, auth: { caller: bearer } }
  anthropic: { type: http, upstream: https://api.anthropic.com, provider: anthropic, auth: { caller: x-api-key } }
  tavily: { type: http, upstream: https://api.tavily.com, provider: tavily }
rules:
  - name: assistant chats
    chains: [assistant]
    connection: openai
    allow: ["POST /v1/chat/completions", "POST /v1/embeddings"]
`;

/** A file like a real chain module: clients, tools, helpers; some routed, one bypassing, one unapproved. */
function agentFile(): string {
  const helpers = Array.from({ length: 25 }, (_, i) => `export function step${i}(input: string): string {\n  const trimmed = input.trim();\n  return trimmed.length > ${i} ? trimmed.slice(0, ${i + 40}) : trimmed;\n}\n`).join('\n');
  return `import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { ChatAnthropic } from '@langchain/anthropic';
import { GATEWAY_URL, CHAIN_KEY } from './config.js';
import { helper0 } from './lib/mod0.js';

// edit marker: 0
export const chat = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: CHAIN_KEY, configuration: { baseURL: \`\${GATEWAY_URL}/openai/v1\` } });
export const embeddings = new OpenAIEmbeddings({ model: 'text-embedding-3-small', apiKey: CHAIN_KEY, configuration: { baseURL: \`\${GATEWAY_URL}/openai/v1\` } });
export const direct = new ChatOpenAI({ model: 'gpt-4o', configuration: { baseURL: 'https://api.openai.com/v1' } });
export const claude = new ChatAnthropic({ model: 'claude-3-5-sonnet-latest', anthropicApiUrl: \`\${GATEWAY_URL}/anthropic\`, apiKey: CHAIN_KEY });

export async function answer(question: string): Promise<string> {
  const res = await chat.invoke(helper0(question));
  return String(res.content);
}

${helpers}`;
}

/** The same chain module in LangChain Python. */
function agentFilePython(): string {
  const helpers = Array.from({ length: 25 }, (_, i) => `def step${i}(text: str) -> str:\n    trimmed = text.strip()\n    return trimmed[: ${i + 40}] if len(trimmed) > ${i} else trimmed\n`).join('\n');
  return `import os
from langchain_openai import ChatOpenAI, OpenAIEmbeddings
from langchain_anthropic import ChatAnthropic
from config import GATEWAY_URL, CHAIN_KEY
from lib.mod0 import helper0

# edit marker: 0
chat = ChatOpenAI(model="gpt-4o-mini", api_key=CHAIN_KEY, base_url=f"{GATEWAY_URL}/openai/v1")
embeddings = OpenAIEmbeddings(model="text-embedding-3-small", api_key=CHAIN_KEY, base_url=f"{GATEWAY_URL}/openai/v1")
direct = ChatOpenAI(model="gpt-4o", base_url="https://api.openai.com/v1")
claude = ChatAnthropic(model="claude-3-5-sonnet-latest", anthropic_api_url=f"{GATEWAY_URL}/anthropic", api_key=CHAIN_KEY)


def answer(question: str) -> str:
    return str(chat.invoke(helper0(question)).content)


${helpers}`;
}

function plainFilePython(lines: number): string {
  const out = ['# edit marker: 0', 'from lib.mod0 import helper0', ''];
  let i = 0;
  while (out.length < lines) out.push(`def plain${i}(text: str) -> str:`, `    return helper0(text) + "${i++}"`, '', '');
  return out.join('\n');
}

function plainFile(lines: number): string {
  const out = ['// edit marker: 0', "import { helper0 } from './lib/mod0.js';", ''];
  let i = 0;
  while (out.length < lines) out.push(`export function plain${i}(input: string): string {`, `  return helper0(input) + ${i++};`, '}', '');
  return out.join('\n');
}

function generate(): string {
  const root = mkdtempSync(join(tmpdir(), 'cw-lsp-bench-'));
  mkdirSync(join(root, 'src', 'lib'), { recursive: true });
  writeFileSync(join(root, 'chainwarden.yaml'), POLICY);
  if (PYTHON) {
    writeFileSync(join(root, 'src', 'config.py'), 'import os\n\nGATEWAY_URL = "http://127.0.0.1:8790"\nCHAIN_KEY = os.environ.get("CHAINWARDEN_KEY")\n');
    for (let i = 0; i < MODULES; i++) writeFileSync(join(root, 'src', 'lib', `mod${i}.py`), `def helper${i}(s: str) -> str:\n    return s.upper() + "${i}"\n`);
  } else {
    writeFileSync(join(root, 'src', 'config.ts'), "export const GATEWAY_URL = 'http://127.0.0.1:8790';\nexport const CHAIN_KEY = process.env.CHAINWARDEN_KEY;\n");
    for (let i = 0; i < MODULES; i++) {
      writeFileSync(join(root, 'src', 'lib', `mod${i}.ts`), `export function helper${i}(s: string): string {\n  return s.toUpperCase() + ${i};\n}\n`);
    }
  }
  const agent = PYTHON ? agentFilePython() : agentFile();
  writeFileSync(join(root, 'src', `agent.${EXT}`), agent);
  writeFileSync(join(root, 'src', `plain.${EXT}`), (PYTHON ? plainFilePython : plainFile)(agent.split('\n').length));
  return root;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

let firstDiagnostics: Array<{ code?: unknown }> = [];

async function editLatencies(client: LspClient, rel: string, text: string): Promise<number[]> {
  await client.open(rel, text);
  firstDiagnostics = await client.diagnostics(rel);
  const out: number[] = [];
  for (let i = 1; i <= EDITS; i++) {
    const next = text.replace(`${MARKER}0`, `${MARKER}${i}`);
    const since = client.notifications.length;
    const t0 = performance.now();
    const version = await client.change(rel, next);
    const uri = client.uri(rel);
    await client.waitFor((n) => n.method === 'textDocument/publishDiagnostics' && n.params.uri === uri && n.params.version === version, 15000, since);
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

async function hoverLatencies(client: LspClient, rel: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const t0 = performance.now();
    await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: client.uri(rel) }, position: { line: 0, character: 0 } });
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

/** The issues' goals: p95 ≤ 50 ms on a TypeScript file, ≤ 30 ms on a Python file. */
const GOAL_MS = PYTHON ? 30 : 50;
const fixture = generate();
const client = await LspClient.start(fixture);
try {
  await client.waitFor((n) => n.method === '$/progress' && n.params.value?.kind === 'end', 60000);
  const agent = readFileSync(join(fixture, 'src', `agent.${EXT}`), 'utf8');
  const plain = readFileSync(join(fixture, 'src', `plain.${EXT}`), 'utf8');
  const agentEdits = await editLatencies(client, `src/agent.${EXT}`, agent);
  const diags = firstDiagnostics;
  const plainEdits = await editLatencies(client, `src/plain.${EXT}`, plain);
  const hovers = await hoverLatencies(client, `src/plain.${EXT}`);
  const row = (name: string, xs: number[]) => `| ${name} | ${percentile(xs, 50).toFixed(2)} ms | ${percentile(xs, 95).toFixed(2)} ms |`;
  console.log(`language: ${PYTHON ? 'Python' : 'TypeScript'}; generated project: ${MODULES + 3} files; realistic file: ${agent.split('\n').length} lines, ${diags.length} diagnostics (${diags.map((d) => d.code).join(', ')}); ${EDITS} edits each`);
  console.log('| measurement | p50 | p95 |');
  console.log('|---|---|---|');
  console.log(row('didChange → publishDiagnostics, LangChain file', agentEdits));
  console.log(row('baseline: same edits, file without LangChain imports', plainEdits));
  console.log(row('baseline: hover round-trip on an empty position', hovers));
  console.log(`ratio p95 (LangChain file / plain file): ${(percentile(agentEdits, 95) / percentile(plainEdits, 95)).toFixed(2)}×; ratio p95 (LangChain file / hover): ${(percentile(agentEdits, 95) / percentile(hovers, 95)).toFixed(2)}×; goal p95 ≤ ${GOAL_MS} ms: ${percentile(agentEdits, 95) <= GOAL_MS ? 'met' : 'NOT met'}`);
} finally {
  await client.stop();
  rmSync(fixture, { recursive: true, force: true });
}
