/** Reading catalog arg paths (`0.configuration.baseURL`, `*.client`) out of a call's arguments. */
import tsc from './ts.js';
import type * as ts from 'typescript';
import type { ArgPath } from '../../catalog/types.js';
import type { Range } from '../../scan/types.js';
import type { Resolution } from '../../scan/use.js';
import { describeUnresolved, type Evaluator, type Value } from './evaluate.js';
import type { ModuleInfo } from './module.js';

export interface Found {
  value: Value;
  /** The node that wrote the value (property assignment or argument), in `sf`. */
  node: ts.Node;
  sf: ts.SourceFile;
}

export function rangeOf(node: ts.Node, sf: ts.SourceFile): Range {
  const start = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  const end = sf.getLineAndCharacterOfPosition(node.getEnd());
  return { line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}

/** The value at `path`, or undefined when the code does not write it. */
export function readPath(ev: Evaluator, info: ModuleInfo, args: readonly ts.Expression[], path: ArgPath): Found | undefined {
  const [head, ...rest] = path.split('.');
  if (head === '*') {
    for (const arg of args) {
      const v = ev.eval(arg, info);
      if (v.t !== 'obj') continue;
      const hit = descend({ value: v, node: arg, sf: info.sf }, rest);
      if (hit) return hit;
    }
    return undefined;
  }
  const arg = args[Number(head)];
  if (!arg) return undefined;
  if (tsc.isSpreadElement(arg)) return { value: { t: 'unknown', why: 'spread arguments' }, node: arg, sf: info.sf };
  return descend({ value: ev.eval(arg, info), node: arg, sf: info.sf }, rest);
}

function descend(at: Found, rest: string[]): Found | undefined {
  let cur = at;
  for (const key of rest) {
    const v = cur.value;
    if (v.t === 'obj') {
      const p = v.props.get(key);
      if (!p) {
        if (v.open) return { value: { t: 'unknown', why: `${key} may come from a spread` }, node: cur.node, sf: cur.sf };
        return undefined;
      }
      const pv = p.value();
      const valueNode = tsc.isPropertyAssignment(p.node) ? p.node.initializer : p.node;
      cur = { value: pv, node: valueNode, sf: p.sf };
      continue;
    }
    if (v.t === 'unknown') return cur;
    // A scalar, a client object or nothing: the option is not written here.
    return undefined;
  }
  if (cur.value.t === 'undef') return undefined;
  return cur;
}

/** Turns a found value into a resolution; `use` values (a client passed in) give the client's target. */
export function toResolution(found: Found, currentSf: ts.SourceFile): Resolution {
  const range = found.sf === currentSf ? rangeOf(found.node, found.sf) : undefined;
  const v = found.value;
  const withRange = <T extends object>(r: T): T => (range ? { ...r, range } : r);
  if (v.t === 'str') return withRange({ state: 'set', value: v.v, ...(v.env ? { env: v.env } : {}) });
  if (v.t === 'num') return withRange({ state: 'set', value: String(v.v) });
  if (v.t === 'prefix') return withRange({ state: 'set', value: v.v, partial: { why: v.why } });
  if (v.t === 'use') return v.use.target;
  if (v.t === 'env') return withRange({ state: 'unresolved', why: `${v.name} is not set in any .env file`, env: v.name });
  return withRange({ state: 'unresolved', why: describeUnresolved(v, found.node, found.sf) });
}
