/** Reading Python arg paths (`base_url`, `0`, `config.url`) out of a call's arguments. */
import type { ArgPath } from '../../catalog/types.js';
import type { Range } from '../../scan/types.js';
import type { Resolution } from '../../scan/use.js';
import { callArgs, describe, type CallArgs, type Evaluator, type Prop, type Value } from './evaluate.js';
import { rangeIn, type PyModule } from './module.js';
import type { Node } from './parser.js';

export interface Found {
  value: Value;
  /** The node that writes the value, in `mod`. */
  node: Node;
  mod: PyModule;
}

export interface Call {
  node: Node;
  mod: PyModule;
  args: CallArgs;
  /** Keywords from a static `**dict` splat. */
  splatKeywords: Map<string, { node: Node; mod: PyModule; value(): Value }>;
  /** A `**` splat we cannot see through: any unwritten keyword may come from it. */
  openSplat: boolean;
  /** A `*args` splat: any unwritten positional argument may come from it. */
  openPositional: boolean;
}

export function readCall(ev: Evaluator, node: Node, mod: PyModule): Call {
  const args = callArgs(node);
  const splatKeywords: Call['splatKeywords'] = new Map();
  let openSplat = false;
  for (const d of args.dictSplats ?? []) {
    const v = ev.eval(d, mod);
    if (v.t !== 'dict') {
      openSplat = true;
      continue;
    }
    for (const [k, p] of v.props) splatKeywords.set(k, p);
    openSplat ||= v.open;
  }
  return { node, mod, args, splatKeywords, openSplat, openPositional: Boolean(args.listSplat) };
}

/** Whether the code writes the argument at `path` (its first segment). */
export function writes(call: Call, path: ArgPath): boolean {
  const head = path.split('.')[0]!;
  if (/^\d+$/.test(head)) return call.args.positional.length > Number(head) || call.openPositional;
  return call.args.keywords.has(head) || call.splatKeywords.has(head) || call.openSplat;
}

/** The value at `path`, or undefined when the code does not write it. */
export function readPath(ev: Evaluator, call: Call, path: ArgPath): Found | undefined {
  const [head, ...rest] = path.split('.');
  let at: Found | undefined;
  if (/^\d+$/.test(head!)) {
    const n = call.args.positional[Number(head)];
    if (n) at = { value: ev.eval(n, call.mod), node: n, mod: call.mod };
  } else {
    const n = call.args.keywords.get(head!);
    if (n) at = { value: ev.eval(n, call.mod), node: n, mod: call.mod };
    else {
      const p = call.splatKeywords.get(head!);
      if (p) at = { value: p.value(), node: p.node, mod: p.mod };
    }
  }
  // `f(**options)` with options we cannot see: an argument the code does not write may still be passed.
  const positional = /^\d+$/.test(head!);
  if (!at) return (positional ? call.openPositional : call.openSplat) ? { value: { t: 'unknown', why: `${head} may come from ${positional ? '*' : '**'} arguments` }, node: call.node, mod: call.mod } : undefined;
  for (const key of rest) {
    const v: Value = at.value;
    if (v.t === 'dict') {
      const p: Prop | undefined = v.props.get(key);
      if (!p) return v.open ? { value: { t: 'unknown', why: `${key} may come from a ** splat` }, node: at.node, mod: at.mod } : undefined;
      at = { value: p.value(), node: p.node, mod: p.mod };
      continue;
    }
    if (v.t === 'inst') {
      const p: Prop | undefined = v.kwargs.get(key);
      if (!p) return undefined;
      at = { value: p.value(), node: p.node, mod: p.mod };
      continue;
    }
    if (v.t === 'unknown') return at;
    return undefined;
  }
  if (at.value.t === 'none') return undefined;
  return at;
}

export function nodeRange(found: Found, current: PyModule): Range | undefined {
  return found.mod === current ? rangeIn(found.mod, found.node) : undefined;
}

/** Turns a found value into a resolution; `use` values (a client passed in) give the client's target. */
export function toResolution(found: Found, current: PyModule): Resolution {
  const range = nodeRange(found, current);
  const v = found.value;
  const withRange = <T extends object>(r: T): T => (range ? { ...r, range } : r);
  if (v.t === 'str') return withRange({ state: 'set', value: v.v, ...(v.env ? { env: v.env } : {}) });
  if (v.t === 'num') return withRange({ state: 'set', value: String(v.v) });
  if (v.t === 'use') return v.use.target;
  if (v.t === 'env') return withRange({ state: 'unresolved', why: `${v.name} is not set in any .env file`, env: v.name });
  return withRange({ state: 'unresolved', why: describe(v, found.node.text) });
}
