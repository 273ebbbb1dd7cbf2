/**
 * The Python grammar on web-tree-sitter (WASM: no Python interpreter, no native build). web-tree-sitter
 * initialises asynchronously; `initPythonParser()` does it once per process and everything after it is
 * synchronous, which is what the Workspace API needs (see Workspace.ready()).
 */
import { createRequire } from 'node:module';
import { Language, Parser, Query, type Node, type Tree } from 'web-tree-sitter';

export type { Node, Tree };

let parser: Parser | null = null;
let scanQuery: Query | null = null;
let loading: Promise<void> | null = null;

/** Loads web-tree-sitter and the tree-sitter-python grammar; later calls return the same promise. */
export function initPythonParser(): Promise<void> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init({ locateFile: () => require.resolve('web-tree-sitter/tree-sitter.wasm') });
    const language = await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
    const p = new Parser();
    p.setLanguage(language);
    // What the analyzer visits: calls (with the callee's last name) and string literals. A query runs
    // inside WebAssembly and hands back only these nodes, instead of a JavaScript walk over every node.
    // The call itself is not captured: it is the name's parent (or grandparent, through the attribute),
    // fetched only for the few calls whose name can matter, instead of marshalled for every call.
    scanQuery = new Query(language, '(call function: [(identifier) @name (attribute attribute: (identifier) @name)]) (string) @string (aliased_import alias: (identifier) @alias)');
    parser = p;
  })();
  return loading;
}

export function pythonParserReady(): boolean {
  return parser !== null;
}

/** Thrown when Python is analysed before initPythonParser() resolved. */
export class PythonNotReadyError extends Error {
  override name = 'PythonNotReadyError';
  constructor() {
    super('the Python parser is not initialised: call `await workspace.ready()` (or initPythonParser()) before analysing .py/.ipynb files');
  }
}

/** Parses Python source. Positions in the tree are 0-based rows and UTF-16 columns, like the TypeScript module's. */
export function parsePython(text: string): Tree {
  if (!parser) throw new PythonNotReadyError();
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

export interface ScanNodes {
  /** The callee's last name of each call (`ChatOpenAI`, `get` for `requests.Session().get`): see callOfName. */
  calls: Array<{ nameNode: Node; name: string }>;
  strings: Node[];
  /** Names bound by `import … as name` anywhere in the file (function-level imports included). */
  aliases: string[];
}

/** The calls and string literals of a tree, in source order. */
export function scanNodes(root: Node): ScanNodes {
  if (!scanQuery) throw new PythonNotReadyError();
  const out: ScanNodes = { calls: [], strings: [], aliases: [] };
  for (const m of scanQuery.matches(root)) {
    if (m.patternIndex === 1) out.strings.push(m.captures[0]!.node);
    else if (m.patternIndex === 2) out.aliases.push(m.captures[0]!.node.text);
    else {
      const nameNode = m.captures[0]!.node;
      out.calls.push({ nameNode, name: nameNode.text });
    }
  }
  return out;
}

/** The call whose callee ends with `nameNode` (a `name` of scanNodes' calls). */
export function callOfName(nameNode: Node): Node {
  const parent = nameNode.parent!;
  return parent.type === 'call' ? parent : parent.parent!;
}
