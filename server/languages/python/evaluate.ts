/**
 * A small static evaluator for Python: what an expression is worth without running it. It follows names
 * through function and module scopes and imports (local modules are read, packages become references),
 * folds string literals, f-strings, `+`, `or`, dicts and lists, reads `os.environ[…]` / `os.getenv(…)`
 * from .env files, and instances of local config classes (dataclasses, pydantic models, BaseSettings).
 * Anything else is `unknown` with a reason: the scanner never guesses.
 */
import { collectBindings, importsOf, type PyModule } from './module.js';
import type { Node } from './parser.js';
import { baseMember, classAttr, instanceAttr } from './classes.js';
import {
  BUILTINS, callArgs, clip, describe, inBranch, paramNames, plainStringValue, scalarText, SCOPES, singleReturn, unescape, unknown,
  type CallArgs, type EvalHost, type Prop, type Value,
} from './values.js';

export { callArgs, classBases, clip, describe, plainStringValue, scalarText, singleReturn, unknown, type CallArgs, type EvalHost, type Prop, type Value } from './values.js';

const MAX_DEPTH = 60;

/** A short number per module, for the evaluator's keys (cheaper to build and hash than the file path). */
const moduleIds = new WeakMap<PyModule, number>();
let nextModuleId = 0;
function moduleId(mod: PyModule): number {
  let id = moduleIds.get(mod);
  if (id === undefined) moduleIds.set(mod, (id = nextModuleId++));
  return id;
}

export class Evaluator {
  private depth = 0;
  private readonly active = new Set<string>();
  private readonly scopes = new Map<string, Map<string, Node[]>>();
  /** Values of module-level names by file and name: config modules are read by every file that imports them. */
  private readonly exported = new Map<string, Value>();
  /** Files read while evaluating, for dependency tracking. */
  readonly touched = new Set<string>();

  constructor(readonly host: EvalHost) {}

  eval(node: Node | null | undefined, mod: PyModule): Value {
    if (!node) return unknown('missing expression');
    if (this.depth > MAX_DEPTH) return unknown('expression too deep to follow');
    const key = `${moduleId(mod)}:${node.startIndex}:${node.endIndex}:${node.typeId}`;
    if (this.active.has(key)) return unknown('circular definition');
    this.depth++;
    this.active.add(key);
    try {
      return this.inner(node, mod);
    } finally {
      this.active.delete(key);
      this.depth--;
    }
  }

  private inner(node: Node, mod: PyModule): Value {
    switch (node.type) {
      case 'string':
        return this.string(node, mod);
      case 'concatenated_string': {
        let out = '';
        for (const part of node.namedChildren) {
          const v = this.eval(part, mod);
          if (v.t !== 'str') return v;
          out += v.v;
        }
        return { t: 'str', v: out };
      }
      case 'integer':
      case 'float':
        return { t: 'num', v: Number(node.text.replace(/_/g, '')) };
      case 'true':
      case 'false':
        return { t: 'bool', v: node.type === 'true' };
      case 'none':
        return { t: 'none' };
      case 'parenthesized_expression':
      case 'await':
      case 'expression_statement':
        return this.eval(node.namedChildren[node.namedChildren.length - 1], mod);
      case 'identifier':
        return this.name(node, node.text, mod);
      case 'attribute':
        return this.member(this.eval(node.childForFieldName('object'), mod), node.childForFieldName('attribute')?.text ?? '', node, mod);
      case 'subscript': {
        const key = this.eval(node.childForFieldName('subscript'), mod);
        if (key.t !== 'str' && key.t !== 'num') return unknown(`computed key ${clip(node.childForFieldName('subscript')?.text ?? '')}`);
        return this.member(this.eval(node.childForFieldName('value'), mod), String(key.v), node, mod, true);
      }
      case 'dictionary':
        return this.dict(node, mod);
      case 'list':
      case 'tuple':
      case 'set':
        return { t: 'list', items: node.namedChildren.map((c) => this.eval(c, mod)) };
      case 'binary_operator':
        return this.binary(node, mod);
      case 'boolean_operator': {
        const op = node.childForFieldName('operator')?.type ?? node.children[1]?.type;
        const a = this.eval(node.childForFieldName('left'), mod);
        if (op !== 'or') return unknown(`operator ${op}`);
        // An unset variable or an empty value falls back to the default the code writes.
        if (a.t === 'env' || a.t === 'none' || (a.t === 'str' && a.v === '')) {
          const b = this.eval(node.childForFieldName('right'), mod);
          return a.t === 'env' && b.t === 'str' && b.v === '' ? a : b;
        }
        return a;
      }
      case 'conditional_expression': {
        const [whenTrue, cond, whenFalse] = node.namedChildren;
        const a = this.eval(whenTrue, mod);
        const b = this.eval(whenFalse, mod);
        if (a.t === 'str' && b.t === 'str' && a.v === b.v) return a;
        return unknown(`chosen at run time (${clip(cond?.text ?? '')})`);
      }
      case 'call':
        return this.call(node, mod);
      case 'lambda':
        return { t: 'fn', node, mod };
      default:
        return unknown(`${node.type.replace(/_/g, ' ')} is not evaluated statically`);
    }
  }

  private string(node: Node, mod: PyModule): Value {
    // Plain literals from their text alone (no child nodes to visit); f-strings walk their interpolations.
    const plain = plainStringValue(node.text);
    if (plain !== null) return { t: 'str', v: plain };
    const start = node.children[0]?.text ?? '"';
    const prefix = /^[a-zA-Z]*/.exec(start)![0].toLowerCase();
    const raw = prefix.includes('r');
    const fmt = prefix.includes('f');
    let out = '';
    for (const part of node.children) {
      if (!part || part.type === 'string_start' || part.type === 'string_end') continue;
      if (part.type === 'interpolation') {
        const v = this.eval(part.childForFieldName('expression'), mod);
        const s = scalarText(v);
        if (s === undefined) return unknown(describe(v, part.text));
        out += s;
      } else {
        let text = part.text;
        if (fmt) text = text.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
        out += raw ? text : unescape(text);
      }
    }
    return { t: 'str', v: out };
  }

  private binary(node: Node, mod: PyModule): Value {
    const op = node.childForFieldName('operator')?.type;
    const a = this.eval(node.childForFieldName('left'), mod);
    const b = this.eval(node.childForFieldName('right'), mod);
    if (op === '+') {
      if (a.t === 'num' && b.t === 'num') return { t: 'num', v: a.v + b.v };
      if (a.t === 'str' && b.t === 'str') return { t: 'str', v: a.v + b.v };
      return unknown(describe(a.t !== 'str' ? a : b, node.text));
    }
    if (op === '%' && a.t === 'str') {
      const items = b.t === 'list' ? b.items : [b];
      let k = 0;
      let bad: Value | null = null;
      const v = a.v.replace(/%[sdr]/g, () => {
        const s = scalarText(items[k++] ?? unknown('missing % argument'));
        if (s === undefined) bad = items[k - 1] ?? unknown('missing % argument');
        return s ?? '';
      });
      return bad ? unknown(describe(bad, node.text)) : { t: 'str', v };
    }
    return unknown(`operator ${op ?? '?'}`);
  }

  private dict(node: Node, mod: PyModule): Value {
    const props = new Map<string, Prop>();
    let open = false;
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'pair') {
        const k = this.eval(c.childForFieldName('key'), mod);
        if (k.t !== 'str' && k.t !== 'num') {
          open = true;
          continue;
        }
        props.set(String(k.v), this.prop(c.childForFieldName('value')!, mod));
      } else if (c.type === 'dictionary_splat') {
        const v = this.eval(c.namedChildren[0], mod);
        if (v.t === 'dict') {
          for (const [k, p] of v.props) props.set(k, p);
          open ||= v.open;
        } else open = true;
      } else open = true;
    }
    return { t: 'dict', props, open };
  }

  prop(node: Node, mod: PyModule): Prop {
    let memo: Value | undefined;
    return { node, mod, value: () => (memo ??= this.eval(node, mod)) };
  }

  /** `base.name` (or `base[name]` when `item`). */
  member(base: Value, name: string, whole: Node, mod: PyModule, item = false): Value {
    switch (base.t) {
      case 'ref':
        if (item && base.module === 'os' && base.path.join('.') === 'environ') return this.envValue(mod, name);
        return { t: 'ref', module: base.module, path: [...base.path, name] };
      case 'ns':
        return this.exportValue(base.file, name);
      case 'dict': {
        if (!item) return unknown(`${clip(whole.text)} is a dict method`);
        const p = base.props.get(name);
        return p ? p.value() : base.open ? unknown(`${name} may come from a ** splat`) : unknown(`no key ${name}`);
      }
      case 'list':
        return item && /^\d+$/.test(name) ? (base.items[Number(name)] ?? unknown(`no item ${name}`)) : unknown(`${clip(whole.text)} is not static`);
      case 'inst':
        return item ? unknown(`${clip(whole.text)} is not static`) : instanceAttr(this, base, name);
      case 'class':
        return classAttr(this, base.node, base.mod, name) ?? baseMember(this, base.node, base.mod, name, whole);
      case 'use':
        // A handle derived from a client (`pc.Index("docs")`, `client["db"]["docs"]`, `llm.bind_tools(…)`) talks to the same service.
        return base;
      case 'unknown':
        return base;
      case 'env':
        return unknown(`${base.name} is not set in any .env file`);
      default:
        return unknown(`${clip(whole.text)} is not static`);
    }
  }

  envValue(mod: PyModule, name: string): Value {
    const v = this.host.env(mod.file, name);
    return v === undefined ? { t: 'env', name } : { t: 'str', v, env: name };
  }

  /** The value a name has at `at`: innermost scope first, then the module, its imports and builtins. */
  name(at: Node, name: string, mod: PyModule): Value {
    let crossedFunction = false;
    for (let cur: Node | null = at.parent; cur; cur = cur.parent) {
      if (!SCOPES.has(cur.type)) continue;
      if (cur.type === 'class_definition' && crossedFunction) continue; // class bodies are not visible to methods
      if (cur.type === 'function_definition' || cur.type === 'lambda') {
        crossedFunction = true;
        const params = paramNames(cur);
        if (params.includes(name)) {
          // `cls` of a @classmethod is its class (LangGraph's Configuration.from_runnable_config builds `cls(**…)`).
          const owner = cur.parent?.type === 'decorated_definition' ? cur.parent : cur;
          const klass = owner.parent?.parent;
          if (params[0] === name && klass?.type === 'class_definition' && owner.type === 'decorated_definition' && /@classmethod\b/.test(owner.text.slice(0, owner.text.indexOf('def ')))) return { t: 'class', node: klass, mod };
          return unknown(`${name} is a parameter`);
        }
      }
      if (cur.type === 'module') break;
      const body = cur.type === 'lambda' ? null : cur.childForFieldName('body');
      if (!body) continue;
      const bound = this.scopeOf(body, mod).get(name);
      if (bound) return this.bound(bound, at, name, mod);
    }
    const top = mod.bindings.get(name);
    const imp = mod.imports.get(name);
    // `try: from x import Y` / `except ImportError: Y = None`: the import is what runs when the package is installed.
    if (top && !(imp && top.every(inBranch))) return this.bound(top, at, name, mod);
    if (imp) return this.importValue(mod, imp.module, imp.name);
    for (const spec of mod.starImports) {
      const file = this.host.resolveModule(mod.file, spec);
      if (file) {
        const v = this.exportValue(file, name);
        if (!(v.t === 'unknown' && v.why.startsWith('no name'))) return v;
      }
    }
    if (BUILTINS.has(name)) return { t: 'ref', module: 'builtins', path: [name] };
    return unknown(`${name} is not defined in this file`);
  }

  scopeOf(body: Node, mod: PyModule): Map<string, Node[]> {
    const key = `${mod.file}:${body.startIndex}:${body.endIndex}`;
    let map = this.scopes.get(key);
    if (!map) this.scopes.set(key, (map = new Map()));
    if (map.size === 0) collectBindings(body, map);
    return map;
  }

  /** The value of a name bound by one of `binds`: the last binding before `at` (or the last one). */
  private bound(binds: Node[], at: Node, name: string, mod: PyModule): Value {
    const before = binds.filter((b) => b.startIndex < at.startIndex && !(at.startIndex >= b.startIndex && at.endIndex <= b.endIndex));
    const chosen = (before.length ? before : binds)[(before.length ? before : binds).length - 1]!;
    if (binds.length > 1 && inBranch(chosen)) {
      const values = binds.map((b) => this.bindingValue(b, name, mod));
      const first = values[0]!;
      if (first.t === 'str' && values.every((v) => v.t === 'str' && v.v === first.v)) return first;
      return unknown(`${name} is assigned in more than one branch`);
    }
    return this.bindingValue(chosen, name, mod);
  }

  private bindingValue(b: Node, name: string, mod: PyModule): Value {
    switch (b.type) {
      case 'assignment':
        if (!b.childForFieldName('right')) return unknown(`${name} is declared without a value`);
        return this.eval(b.childForFieldName('right'), mod);
      case 'import_statement':
      case 'import_from_statement': {
        const imp = importsOf(b).find(([local]) => local === name)?.[1];
        return imp ? this.importValue(mod, imp.module, imp.name) : unknown(`${name} is not imported here`);
      }
      case 'augmented_assignment':
        return unknown(`${name} is modified in place`);
      case 'function_definition':
        return { t: 'fn', node: b, mod };
      case 'class_definition':
        return { t: 'class', node: b, mod };
      case 'as_pattern': {
        // `with X() as x`: the context manager is the value (`__enter__` of a client returns itself).
        const v = this.eval(b.namedChildren[0], mod);
        return v.t === 'use' || v.t === 'ref' ? v : unknown(`${name} comes from a with statement`);
      }
      default:
        return unknown(`${name} is bound by a ${b.type.replace(/_/g, ' ')}`);
    }
  }

  importValue(mod: PyModule, spec: string, name: string | null): Value {
    if (name !== null) {
      const sub = this.host.resolveModule(mod.file, spec.endsWith('.') ? spec + name : `${spec}.${name}`);
      if (sub) return { t: 'ns', file: sub };
    }
    const file = this.host.resolveModule(mod.file, spec);
    if (file) return name === null ? { t: 'ns', file } : this.exportValue(file, name);
    if (spec.startsWith('.')) return unknown(`cannot find module ${spec}`);
    return name === null ? { t: 'ref', module: spec, path: [] } : { t: 'ref', module: spec, path: [name] };
  }

  /** What a local module binds to `name` at its top level. */
  exportValue(file: string, name: string, seen = new Set<string>()): Value {
    const key = `${file}\0${name}`;
    const cached = this.exported.get(key);
    if (cached) {
      this.host.module(file); // records the dependency
      return cached;
    }
    if (seen.has(key)) return unknown('circular import');
    seen.add(key);
    const v = this.exportValueUncached(file, name, seen);
    if (this.active.size === 0 || !(v.t === 'unknown' && /circular/.test(v.why))) this.exported.set(key, v);
    return v;
  }

  private exportValueUncached(file: string, name: string, seen: Set<string>): Value {
    const mod = this.host.module(file);
    this.touched.add(file);
    if (!mod) return unknown(`cannot read ${file}`);
    const b = mod.bindings.get(name);
    if (b) return this.bindingValue(b[b.length - 1]!, name, mod);
    const imp = mod.imports.get(name);
    if (imp) return this.importValue(mod, imp.module, imp.name);
    for (const spec of mod.starImports) {
      const f = this.host.resolveModule(mod.file, spec);
      if (!f) continue;
      const v = this.exportValue(f, name, seen);
      if (!(v.t === 'unknown' && v.why.startsWith('no name'))) return v;
    }
    return unknown(`no name ${name} in ${file}`);
  }

  private call(node: Node, mod: PyModule): Value {
    const use = this.host.useAt(node, mod);
    if (use) return { t: 'use', use };
    const fn = node.childForFieldName('function');
    const args = callArgs(node);
    // Methods of values we fold: "…".format(…), str.rstrip("/"), dict.get(k, default).
    if (fn?.type === 'attribute') {
      const method = fn.childForFieldName('attribute')?.text ?? '';
      const recv = this.eval(fn.childForFieldName('object'), mod);
      if (recv.t === 'str') return this.strMethod(recv, method, args, mod, node);
      if (recv.t === 'dict' && method === 'get') {
        const k = this.eval(args.positional[0], mod);
        const p = k.t === 'str' ? recv.props.get(k.v) : undefined;
        if (p) return p.value();
        return args.positional[1] ? this.eval(args.positional[1], mod) : { t: 'none' };
      }
      if (recv.t === 'ref' && recv.module === 'os' && recv.path.join('.') === 'environ' && method === 'get') return this.getenv(args, mod);
      return this.callValue(this.member(recv, method, fn, mod), node, args, mod);
    }
    return this.callValue(this.eval(fn, mod), node, args, mod);
  }

  callValue(callee: Value, node: Node, args: CallArgs, mod: PyModule): Value {
    switch (callee.t) {
      case 'ref': {
        const dotted = [callee.module, ...callee.path].join('.');
        if (dotted === 'os.getenv' || dotted === 'os.environ.get') return this.getenv(args, mod);
        if (dotted === 'builtins.str' || /(^|\.)SecretStr$/.test(dotted)) return args.positional[0] ? this.eval(args.positional[0], mod) : { t: 'str', v: '' };
        if (dotted === 'builtins.dict') {
          const base: Value = args.positional[0] ? this.eval(args.positional[0], mod) : { t: 'dict', props: new Map(), open: false };
          if (base.t !== 'dict') return unknown('dict(…) of a non-static value');
          const props = new Map(base.props);
          for (const [k, v] of args.keywords) props.set(k, this.prop(v, mod));
          return { t: 'dict', props, open: base.open || args.splat };
        }
        if (dotted === 'builtins.int') return args.positional[0] ? this.eval(args.positional[0], mod) : { t: 'num', v: 0 };
        // The result of a package's function or class: an instance ("Session()") whose methods the catalog may name.
        const last = callee.path[callee.path.length - 1];
        if (last === undefined || last.endsWith('()')) return unknown(`result of ${clip(node.text)}`);
        return { t: 'ref', module: callee.module, path: [...callee.path.slice(0, -1), `${last}()`] };
      }
      case 'class': {
        const kwargs = new Map<string, Prop>();
        for (const [k, v] of args.keywords) kwargs.set(k, this.prop(v, mod));
        for (const d of args.dictSplats ?? []) {
          const v = this.eval(d, mod);
          if (v.t === 'dict') for (const [k, p] of v.props) if (!kwargs.has(k)) kwargs.set(k, p);
        }
        const open = args.splat && (args.dictSplats ?? []).some((d) => this.eval(d, mod).t !== 'dict');
        return { t: 'inst', cls: { node: callee.node, mod: callee.mod }, kwargs, positional: args.positional.map((p) => this.prop(p, mod)), ...(open ? { open } : {}) };
      }
      case 'fn': {
        const ret = singleReturn(callee.node);
        if (!ret) return unknown(`result of ${clip(node.text)}`);
        return this.eval(ret, callee.mod);
      }
      case 'use':
        return callee;
      case 'unknown':
        return callee;
      default:
        return unknown(`result of ${clip(node.text)}`);
    }
  }

  private getenv(args: CallArgs, mod: PyModule): Value {
    const k = this.eval(args.positional[0] ?? args.keywords.get('key'), mod);
    if (k.t !== 'str') return unknown('environment variable name is not static');
    const v = this.envValue(mod, k.v);
    const dflt = args.positional[1] ?? args.keywords.get('default');
    if (v.t === 'env' && dflt) return this.eval(dflt, mod);
    return v;
  }

  private strMethod(s: { t: 'str'; v: string; env?: string }, method: string, args: CallArgs, mod: PyModule, node: Node): Value {
    const arg0 = args.positional[0] ? this.eval(args.positional[0], mod) : undefined;
    const chars = arg0?.t === 'str' ? arg0.v : undefined;
    const trim = (re: string) => new RegExp(re.replace('X', chars === undefined ? '\\s' : `[${chars.replace(/[\]\\^-]/g, '\\$&')}]`), 'g');
    switch (method) {
      case 'strip': return { ...s, v: s.v.replace(trim('^X+|X+$'), '') };
      case 'rstrip': return { ...s, v: s.v.replace(trim('X+$'), '') };
      case 'lstrip': return { ...s, v: s.v.replace(trim('^X+'), '') };
      case 'lower': return { ...s, v: s.v.toLowerCase() };
      case 'upper': return { ...s, v: s.v.toUpperCase() };
      case 'format': {
        let k = 0;
        let bad: Value | null = null;
        const v = s.v.replace(/\{([A-Za-z_]\w*|\d*)\}/g, (_, key: string) => {
          const n = key === '' ? args.positional[k++] : /^\d+$/.test(key) ? args.positional[Number(key)] : args.keywords.get(key);
          const val = n ? this.eval(n, mod) : unknown(`missing format argument ${key}`);
          const text = scalarText(val);
          if (text === undefined) bad = val;
          return text ?? '';
        });
        return bad ? unknown(describe(bad, node.text)) : { t: 'str', v };
      }
      default:
        return unknown(`result of ${clip(node.text)}`);
    }
  }

  /** An attribute of an instance of a local class: the keyword it was built with, else the class default. */
}
