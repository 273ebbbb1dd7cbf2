/**
 * Instances of local config classes: dataclasses, pydantic models and pydantic-settings `BaseSettings`
 * (which read the environment before their defaults). An attribute is the keyword the instance was built
 * with, else the class default (`x: str = …`, `field(default=…)`, `Field(default=…)`).
 */
import type { Evaluator } from './evaluate.js';
import type { PyModule } from './module.js';
import type { Node } from './parser.js';
import { callArgs, classBases, classFields, methodNamed, SETTINGS_BASES, unknown, type Value } from './values.js';

export function instanceAttr(ev: Evaluator, inst: Extract<Value, { t: 'inst' }>, name: string): Value {
  const given = inst.kwargs.get(name);
  if (given) return given.value();
  if (inst.open) return unknown(`${name} comes from ** arguments`);
  const fields = classFields(inst.cls.node);
  const index = fields.indexOf(name);
  if (index >= 0 && inst.positional[index]) return inst.positional[index]!.value();
  // pydantic BaseSettings: the environment (and .env) wins over the default.
  if (isSettings(ev, inst.cls.node, inst.cls.mod)) {
    const prefix = settingsPrefix(ev, inst.cls.node, inst.cls.mod);
    const env = ev.envValue(inst.cls.mod, (prefix + name).toUpperCase());
    if (env.t === 'str') return env;
  }
  const attr = classAttr(ev, inst.cls.node, inst.cls.mod, name);
  if (attr) return attr;
  const method = methodNamed(inst.cls.node, name);
  if (method) return { t: 'fn', node: method, mod: inst.cls.mod };
  return baseMember(ev, inst.cls.node, inst.cls.mod, name, inst.cls.node);
}

/** A class-level attribute: `name: T = value`, `name = Field(default=…)` / `field(default=…)`. */
export function classAttr(ev: Evaluator, cls: Node, mod: PyModule, name: string): Value | undefined {
  const body = cls.childForFieldName('body');
  if (!body) return undefined;
  const binds = ev.scopeOf(body, mod).get(name);
  if (!binds) return undefined;
  const b = binds[binds.length - 1]!;
  if (b.type === 'function_definition') return { t: 'fn', node: b, mod };
  const right = b.type === 'assignment' ? b.childForFieldName('right') : null;
  if (!right) return unknown(`${name} has no default`);
  if (right.type === 'call') {
    const fnName = right.childForFieldName('function')?.text ?? '';
    if (/(^|\.)(field|Field)$/.test(fnName)) {
      const a = callArgs(right);
      const d = a.keywords.get('default') ?? (fnName.endsWith('Field') ? a.positional[0] : undefined);
      if (d) return ev.eval(d, mod);
      const factory = a.keywords.get('default_factory');
      if (factory) return ev.callValue(ev.eval(factory, mod), right, { positional: [], keywords: new Map(), splat: false }, mod);
      return unknown(`${name} has no static default`);
    }
  }
  return ev.eval(right, mod);
}

export function baseMember(ev: Evaluator, cls: Node, mod: PyModule, name: string, whole: Node): Value {
  for (const b of classBases(cls)) {
    const base = ev.eval(b, mod);
    if (base.t === 'class') return ev.member(base, name, whole, mod);
    if (base.t === 'ref' && !SETTINGS_BASES.has([base.module, ...base.path].join('.'))) return ev.member(base, name, whole, mod);
  }
  return unknown(`${name} is not set statically`);
}

function isSettings(ev: Evaluator, cls: Node, mod: PyModule, depth = 0): boolean {
  if (depth > 8) return false;
  return classBases(cls).some((b) => {
    const v = ev.eval(b, mod);
    if (v.t === 'ref') return /(^|\.)BaseSettings$/.test([v.module, ...v.path].join('.'));
    return v.t === 'class' && isSettings(ev, v.node, v.mod, depth + 1);
  });
}

function settingsPrefix(ev: Evaluator, cls: Node, mod: PyModule): string {
  const cfg = classAttr(ev, cls, mod, 'model_config');
  if (cfg?.t === 'dict') {
    const p = cfg.props.get('env_prefix')?.value();
    if (p?.t === 'str') return p.v;
  }
  const body = cls.childForFieldName('body');
  const assign = body ? ev.scopeOf(body, mod).get('model_config')?.[0] : undefined;
  const call = assign?.childForFieldName('right');
  if (call?.type === 'call') {
    const p = callArgs(call).keywords.get('env_prefix');
    const v = p ? ev.eval(p, mod) : undefined;
    if (v?.t === 'str') return v.v;
  }
  return '';
}
