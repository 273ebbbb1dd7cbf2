/**
 * The Python resolution rules one by one, on small projects written to a temporary folder: what each
 * spelling resolves to (or why it does not), the editor overlay, dependents and notebooks.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Workspace, type Finding } from '../../server/scan/api.js';

const POLICY = `version: 1
gateway: { listen: 127.0.0.1:8790, admin: 127.0.0.1:8791 }
chains: { bot: { owner: t, sources: ["**"] } }
connections:
  openai: { type: http, upstream: https://api.openai.com, provider: openai }
rules:
  - { name: bot uses openai, chains: [bot], connection: openai, allow: ["POST /v1/chat/completions"] }
`;

let dir: string;
let ws: Workspace;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-py-'));
  writeFileSync(join(dir, 'chainwarden.yaml'), POLICY);
  writeFileSync(join(dir, '.env'), 'OPENAI_BASE_URL=http://127.0.0.1:8790/openai/v1\nHOST=127.0.0.1:8790\n');
  ws = await new Workspace({ root: dir, policyFile: join(dir, 'chainwarden.yaml') }).ready();
});
after(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = join(dir, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  ws.fileChanged(file, true);
  return file;
}

/** The first non-secret finding of a one-file project. */
function scan(text: string, rel = 'app.py'): Finding {
  const f = ws.analyzeFile(write(rel, text)).filter((x) => x.kind !== 'secret');
  assert.equal(f.length, 1, JSON.stringify(f, null, 1));
  return f[0]!;
}

const CASES: Array<{ name: string; code: string; target: string | null; status: string; why?: RegExp }> = [
  { name: 'from-import with alias', code: 'from langchain_openai import ChatOpenAI as C\nm = C(base_url="http://127.0.0.1:8790/openai/v1")\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: 'import x.y and the dotted path', code: 'import langchain_openai.chat_models\nm = langchain_openai.chat_models.ChatOpenAI(openai_api_base="http://127.0.0.1:8790/openai/v1")\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: 'import x as y; OPENAI_BASE_URL from .env is the SDK default', code: 'import langchain_openai as lco\nm = lco.ChatOpenAI()\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: 'the provider default when nothing is set', code: 'from langchain_anthropic import ChatAnthropic\nm = ChatAnthropic(model="claude-3-5-haiku-latest")\n', target: 'https://api.anthropic.com', status: 'unapproved' },
  { name: 'os.environ[...] from .env', code: 'import os\nfrom langchain_openai import ChatOpenAI\nm = ChatOpenAI(base_url=os.environ["OPENAI_BASE_URL"])\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: 'os.getenv with a default, unset', code: 'from os import getenv\nfrom langchain_openai import ChatOpenAI\nm = ChatOpenAI(base_url=getenv("NOPE", "https://api.openai.com/v1"))\n', target: 'https://api.openai.com/v1', status: 'bypass' },
  { name: 'os.environ.get unset, no default', code: 'import os\nfrom langchain_openai import ChatOpenAI\nm = ChatOpenAI(base_url=os.environ.get("NOPE"))\n', target: null, status: 'unknown', why: /NOPE is not set in any \.env file/ },
  { name: 'f-string over a constant', code: 'import os\nfrom langchain_openai import ChatOpenAI\nGW = f"http://{os.environ[\'HOST\']}"\nm = ChatOpenAI(base_url=f"{GW}/openai/v1")\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: '"…".format and + concatenation', code: 'from langchain_openai import ChatOpenAI\nBASE = "http://{}:{}".format("127.0.0.1", 8790)\nm = ChatOpenAI(base_url=BASE + "/openai/v1")\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: '`or` default after an unset variable', code: 'import os\nfrom langchain_openai import ChatOpenAI\nm = ChatOpenAI(base_url=os.getenv("NOPE") or "http://127.0.0.1:8790/openai/v1")\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: '**kwargs from a static dict', code: 'from langchain_openai import ChatOpenAI\nOPTS = {"base_url": "http://127.0.0.1:8790/openai/v1", "model": "gpt-4o"}\nm = ChatOpenAI(**OPTS)\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: 'an optional import with a fallback in except ImportError', code: 'try:\n    from langchain_openai import ChatOpenAI\nexcept ImportError:\n    ChatOpenAI = None\nm = ChatOpenAI(base_url="http://127.0.0.1:8790/openai/v1")\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: 'an import inside the function', code: 'def get_llm():\n    from langchain_openai import ChatOpenAI as Chat\n    return Chat(base_url="http://127.0.0.1:8790/openai/v1")\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: '**kwargs we cannot see make unwritten options unknown', code: 'from langchain_anthropic import ChatAnthropic\ndef make(**kwargs):\n    return ChatAnthropic(model="claude-3-5-haiku-latest", **kwargs)\n', target: null, status: 'unknown', why: /base_url may come from \*\* arguments/ },
  { name: 'a subclass of a catalog class', code: 'from langchain_openai import ChatOpenAI\nclass Traced(ChatOpenAI):\n    pass\nm = Traced(base_url="http://127.0.0.1:8790/openai/v1")\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: 'a factory function', code: 'from langchain_openai import ChatOpenAI\ndef make(url):\n    return ChatOpenAI(base_url=url)\n', target: null, status: 'unknown', why: /url is a parameter/ },
  { name: 'a value assigned in two branches', code: 'import sys\nfrom langchain_openai import ChatOpenAI\nif sys.argv[1:]:\n    url = "https://a.example"\nelse:\n    url = "https://b.example"\nm = ChatOpenAI(base_url=url)\n', target: null, status: 'unknown', why: /assigned in more than one branch/ },
  { name: 'a conditional expression', code: 'import os\nfrom langchain_openai import ChatOpenAI\nm = ChatOpenAI(base_url="https://a.example" if os.getenv("X") else "https://b.example")\n', target: null, status: 'unknown', why: /chosen at run time/ },
  { name: 'dataclass instance with keyword arguments', code: 'from dataclasses import dataclass\nfrom langchain_openai import ChatOpenAI\n@dataclass\nclass Cfg:\n    url: str = "https://api.openai.com/v1"\ncfg = Cfg(url="http://127.0.0.1:8790/openai/v1")\nm = ChatOpenAI(base_url=cfg.url)\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: 'a @classmethod factory building cls(...)', code: 'from dataclasses import dataclass\nfrom langchain_openai import ChatOpenAI\n@dataclass\nclass Cfg:\n    url: str = "https://api.openai.com/v1"\n\n    @classmethod\n    def local(cls):\n        return cls(url="http://127.0.0.1:8790/openai/v1")\nm = ChatOpenAI(base_url=Cfg.local().url)\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: 'a config built from run-time ** arguments', code: 'from dataclasses import dataclass\nfrom langchain_openai import ChatOpenAI\n@dataclass\nclass Cfg:\n    url: str = "https://api.openai.com/v1"\n\n    @classmethod\n    def from_config(cls, config):\n        return cls(**config["configurable"])\ndef node(state, config):\n    return ChatOpenAI(base_url=Cfg.from_config(config).url)\n', target: null, status: 'unknown', why: /url comes from \*\* arguments/ },
  { name: 'BaseSettings reads .env before its default', code: 'from pydantic_settings import BaseSettings\nfrom langchain_openai import ChatOpenAI\nclass S(BaseSettings):\n    openai_base_url: str = "https://api.openai.com/v1"\nm = ChatOpenAI(base_url=S().openai_base_url)\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: 'init_chat_model with model_provider and base_url', code: 'from langchain.chat_models import init_chat_model\nm = init_chat_model("gpt-4o", model_provider="openai", base_url="http://127.0.0.1:8790/openai/v1")\n', target: 'http://127.0.0.1:8790/openai/v1', status: 'approved' },
  { name: 'init_chat_model inferring the provider from the model', code: 'from langchain.chat_models import init_chat_model\nm = init_chat_model("claude-3-5-haiku-latest", api_key="x")\n', target: 'https://api.anthropic.com', status: 'unapproved' },
  { name: 'init_chat_model with configurable_fields="any"', code: 'from langchain.chat_models import init_chat_model\nm = init_chat_model("openai:gpt-4o", configurable_fields="any")\n', target: null, status: 'unknown', why: /chosen at run time/ },
  { name: 'psycopg key/value DSN', code: 'import psycopg\nc = psycopg.connect("host=db.example.com port=6432 dbname=shop user=app")\n', target: 'postgres://app@db.example.com:6432/shop', status: 'unapproved' },
];

for (const c of CASES) {
  test(`resolves: ${c.name}`, () => {
    const f = scan(c.code);
    assert.equal(f.target, c.target, f.message);
    assert.equal(f.status, c.status, f.message);
    if (c.why) assert.match(f.message, c.why);
  });
}

test('one finding per resource: a client passed on, a request object opened, relative paths on a base URL', () => {
  const file = write('clients.py', [
    'from urllib.request import Request, urlopen',
    'import httpx',
    'from pinecone import Pinecone',
    'from langchain_pinecone import PineconeVectorStore',
    'req = Request("https://api.example.com/v1/items", method="POST")',
    'body = urlopen(req).read()',
    'api = httpx.Client(base_url="https://crm.example.com")',
    'contacts = api.get("/contacts")',
    'pc = Pinecone(api_key="k")',
    'store = PineconeVectorStore(index=pc.Index("docs"), embedding=emb)',
    '',
  ].join('\n'));
  const got = ws.analyzeFile(file).filter((f) => f.kind !== 'secret').map((f) => `${f.line}:${f.catalogId}:${f.target}`);
  assert.deepEqual(got, [
    '5:http.urllib:https://api.example.com/v1/items',
    '7:http.httpx-client:https://crm.example.com',
    '9:pinecone.client:https://api.pinecone.io',
    '10:pinecone.store:https://api.pinecone.io',
  ]);
  const req = ws.analyzeFile(file).find((f) => f.line === 5)!;
  assert.equal(req.provider, 'api.example.com');
});

test('an import from a sibling module is followed, and the importer is its dependent', () => {
  const settings = write('pkg/settings.py', 'BASE_URL = "http://127.0.0.1:8790/openai/v1"\n');
  write('pkg/__init__.py', '');
  const app = write('pkg/app.py', 'from .settings import BASE_URL\nfrom langchain_openai import ChatOpenAI\nm = ChatOpenAI(base_url=BASE_URL)\n');
  assert.equal(ws.analyzeFile(app)[0]?.status, 'approved');
  assert.deepEqual(ws.dependentsOf(settings), [app]);
  // The editor changes the settings module without saving: the importer sees the new value.
  ws.setText(settings, 'BASE_URL = "https://api.openai.com/v1"\n');
  assert.equal(ws.analyzeFile(app)[0]?.status, 'bypass');
  ws.setText(settings, null);
  assert.equal(ws.analyzeFile(app)[0]?.status, 'approved');
});

test('hard-coded secrets: keyword arguments, assignments and dict values, redacted', () => {
  const file = write('secrets.py', 'from langchain_openai import ChatOpenAI\nm = ChatOpenAI(api_key="sk-proj-abcdefghijklmnopqrstuvwxyz0123")\nCONF = {"password": "q8Zr!x2Lw9#pTe4v"}\nGITHUB = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"\nlabel = "not a secret at all"\n');
  const secrets = ws.analyzeFile(file).filter((f) => f.kind === 'secret');
  assert.deepEqual(secrets.map((s) => `${s.line}:${s.column}:${s.provider}:${s.fix?.suggestedEnvVar}`), ['2:24:openai:OPENAI_API_KEY', '3:21:null:PASSWORD', '4:10:github:GITHUB_TOKEN']);
  assert.ok(!JSON.stringify(secrets).includes('abcdefghijklmnop'));
});

test('a notebook that is not JSON gives no finding and does not throw; a .py with a syntax error still reports what it can', () => {
  assert.deepEqual(ws.analyzeFile(write('broken.ipynb', '{"cells": [')), []);
  const f = ws.analyzeFile(write('partial.py', 'from langchain_openai import ChatOpenAI\nm = ChatOpenAI(\ndef oops(:\n'));
  assert.ok(Array.isArray(f));
});

test('notebook positions: unicode and escapes in earlier cells keep columns exact', () => {
  const nb = { cells: [
    { cell_type: 'code', source: ['# café ☕ "quoted"\n', 'x = "tab\\t"\n'] },
    { cell_type: 'markdown', source: ['ChatOpenAI()'] },
    { cell_type: 'code', source: 'from langchain_openai import ChatOpenAI\nm = ChatOpenAI(base_url="http://127.0.0.1:8790/openai/v1")' },
  ], metadata: {}, nbformat: 4, nbformat_minor: 5 };
  const text = JSON.stringify(nb);
  const f = ws.analyzeFile(write('nb.ipynb', text)).filter((x) => x.kind !== 'secret');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.line, 1);
  assert.ok(text.slice(f[0]!.column - 1).startsWith('ChatOpenAI(base_url=\\"http'));
  assert.equal(f[0]!.status, 'approved');
});

test('analysing Python before ready() records a clear error for the file and finds nothing; ready() fixes it', () => {
  // The parser is process-wide, and this process has readied it: look from a fresh process.
  write('ready.py', 'from langchain_openai import ChatOpenAI\nm = ChatOpenAI()\n');
  const api = new URL('../../server/scan/api.js', import.meta.url).href;
  const script = `
    const { Workspace } = await import(${JSON.stringify(api)});
    const ws = new Workspace({ root: ${JSON.stringify(dir)} });
    const before = ws.analyzeFile('ready.py').length;
    const error = ws.errors.get(${JSON.stringify(join(dir, 'ready.py'))});
    await ws.ready();
    const after = ws.analyzeFile('ready.py').length;
    console.log(JSON.stringify({ before, error, after, errors: ws.errors.size }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { before: number; error: string; after: number; errors: number };
  assert.equal(out.before, 0);
  assert.match(out.error, /call `await workspace\.ready\(\)`/);
  assert.ok(out.after > 0);
  assert.equal(out.errors, 0);
});
