/**
 * One parsed Python file and its top-level symbol table: imports (with aliases), assignments, functions
 * and classes. Notebooks are read through notebook.ts and positioned back into their JSON.
 */
import { dirname, join, resolve } from 'node:path';
import type { Range } from '../../scan/types.js';
import { notebookRange, readNotebook, type NotebookSource } from './notebook.js';
import { parsePython, type Node, type Tree } from './parser.js';

/** Analysed files: modules and notebooks (.pyi stubs construct nothing, like .d.ts files). */
export const PYTHON_EXTENSIONS = ['.py', '.ipynb'];

export interface PyImport {
  /** The absolute or relative (leading dots) module, e.g. "langchain_openai", ".config". */
  module: string;
  /** The imported name (`from m import name`), or null when the module itself is bound (`import m as x`). */
  name: string | null;
}

export interface PyModule {
  file: string;
  tree: Tree;
  root: Node;
  imports: Map<string, PyImport>;
  /** `from m import *` modules, in order. */
  starImports: string[];
  /** Names bound at module level: the binding nodes (assignment, function or class definition), in order. */
  bindings: Map<string, Node[]>;
  /** Set for notebooks: maps positions back to the JSON file. */
  notebook?: NotebookSource;
  parseErrors: number;
}

export function parseModule(file: string, text: string): PyModule {
  let source = text;
  let notebook: NotebookSource | undefined;
  if (file.endsWith('.ipynb')) {
    try {
      notebook = readNotebook(text);
      source = notebook.text;
    } catch {
      source = '';
    }
  }
  const tree = parsePython(source);
  const root = tree.rootNode;
  const mod: PyModule = { file, tree, root, imports: new Map(), starImports: [], bindings: new Map(), parseErrors: root.hasError ? 1 : 0, ...(notebook ? { notebook } : {}) };
  collectBindings(root, mod.bindings, mod);
  return mod;
}

export function rangeIn(mod: PyModule, node: Node): Range {
  if (mod.notebook) return notebookRange(mod.notebook, node.startIndex, node.endIndex);
  return { line: node.startPosition.row + 1, column: node.startPosition.column + 1, endLine: node.endPosition.row + 1, endColumn: node.endPosition.column + 1 };
}

/** The statements of a block, looking through `if`/`try`/`with`/`for` bodies (names bound there are bound in the scope too). */
function* statements(block: Node): Generator<Node> {
  for (const st of block.namedChildren) {
    if (!st) continue;
    if (st.type === 'block') {
      yield* statements(st);
      continue;
    }
    yield st;
    if (['if_statement', 'try_statement', 'with_statement', 'for_statement', 'while_statement', 'elif_clause', 'else_clause', 'except_clause', 'finally_clause', 'block'].includes(st.type)) {
      for (const child of st.namedChildren) if (child && (child.type === 'block' || child.type.endsWith('_clause'))) yield* statements(child);
    }
  }
}

function add(map: Map<string, Node[]>, name: string, node: Node): void {
  const list = map.get(name);
  if (list) list.push(node);
  else map.set(name, [node]);
}

/**
 * Names a scope binds: `x = …`, `x: T = …`, `def x`, `class x`, imports (module level), `with … as x`,
 * and loop targets. The node stored is the binding statement; evaluate.ts reads its value.
 */
export function collectBindings(scope: Node, out: Map<string, Node[]>, mod?: PyModule): void {
  for (const st of statements(scope)) {
    let node = st;
    if (node.type === 'decorated_definition') node = node.childForFieldName('definition') ?? node;
    if (node.type === 'function_definition' || node.type === 'class_definition') {
      const name = node.childForFieldName('name');
      if (name) add(out, name.text, node);
      continue;
    }
    if (node.type === 'expression_statement') {
      for (const e of node.namedChildren) {
        let a = e;
        while (a && a.type === 'assignment') {
          const left = a.childForFieldName('left');
          if (left?.type === 'identifier') add(out, left.text, a);
          else if (left && (left.type === 'pattern_list' || left.type === 'tuple_pattern')) for (const id of left.descendantsOfType('identifier')) if (id) add(out, id.text, left);
          a = a.childForFieldName('right');
        }
        if (e?.type === 'augmented_assignment') {
          const left = e.childForFieldName('left');
          if (left?.type === 'identifier') add(out, left.text, e);
        }
      }
      continue;
    }
    if (node.type === 'with_statement') {
      // Only this statement's own items: nested `with` statements in its body are visited on their own.
      const clause = node.namedChildren.find((c) => c?.type === 'with_clause');
      for (const withItem of clause?.namedChildren ?? []) {
        const item = withItem?.childForFieldName('value');
        const id = item?.type === 'as_pattern' ? item.childForFieldName('alias')?.namedChildren[0] : undefined;
        if (item && id?.type === 'identifier') add(out, id.text, item);
      }
    }
    if (node.type === 'for_statement') {
      const left = node.childForFieldName('left');
      if (left) for (const id of left.type === 'identifier' ? [left] : left.descendantsOfType('identifier')) if (id) add(out, id.text, node);
    }
    if (node.type === 'import_statement' || node.type === 'import_from_statement') {
      const star = node.type === 'import_from_statement' && node.namedChildren.some((c) => c?.type === 'wildcard_import');
      if (star && mod) mod.starImports.push(node.childForFieldName('module_name')?.text.replace(/\s+/g, '') ?? '');
      for (const [local, imp] of importsOf(node)) {
        if (mod) mod.imports.set(local, imp);
        else add(out, local, node); // a function-level import: a binding of that scope (evaluate.ts reads it with importsOf)
      }
    }
  }
}

/**
 * The local file a module name refers to, or null for an installed package. Relative names resolve
 * from the file's package; absolute ones from the file's folder and each folder above it up to `root`
 * (where a project's import roots usually are), then `root/src`.
 */
export function resolvePyModule(fromFile: string, spec: string, root: string, exists: (f: string) => boolean): string | null {
  const dots = /^\.*/.exec(spec)![0].length;
  const rest = spec.slice(dots).split('.').filter(Boolean);
  const bases: string[] = [];
  if (dots > 0) {
    let dir = dirname(fromFile);
    for (let k = 1; k < dots; k++) dir = dirname(dir);
    bases.push(dir);
  } else {
    const top = resolve(root);
    for (let dir = dirname(fromFile); ; dir = dirname(dir)) {
      bases.push(dir);
      if (dir === top || !dir.startsWith(top) || dirname(dir) === dir) break;
    }
    bases.push(join(top, 'src'));
  }
  for (const base of bases) {
    const path = join(base, ...rest);
    if (rest.length === 0) {
      const init = join(path, '__init__.py');
      if (exists(init)) return init;
      continue;
    }
    for (const c of [path + '.py', join(path, '__init__.py')]) if (exists(c)) return c;
  }
  return null;
}

/** The names an import statement binds: `import a.b` → a; `import a.b as c` → c; `from m import x as y` → y. */
export function importsOf(node: Node): Array<[string, PyImport]> {
  const out: Array<[string, PyImport]> = [];
  if (node.type === 'import_statement') {
    for (const n of node.childrenForFieldName('name')) {
      if (!n) continue;
      if (n.type === 'aliased_import') {
        const alias = n.childForFieldName('alias')?.text;
        const target = n.childForFieldName('name')?.text;
        if (alias && target) out.push([alias, { module: target, name: null }]);
      } else {
        const first = n.text.split('.')[0]!;
        out.push([first, { module: first, name: null }]);
      }
    }
  } else if (node.type === 'import_from_statement') {
    const from = node.childForFieldName('module_name')?.text.replace(/\s+/g, '') ?? '';
    for (const n of node.childrenForFieldName('name')) {
      if (!n) continue;
      if (n.type === 'aliased_import') {
        const alias = n.childForFieldName('alias')?.text;
        const target = n.childForFieldName('name')?.text;
        if (alias && target) out.push([alias, { module: from, name: target }]);
      } else out.push([n.text, { module: from, name: n.text }]);
    }
  }
  return out;
}
