/**
 * Validates a parsed YAML document against a Schema, collecting every problem with its position,
 * and returns plain values. Positions come from the nodes, so messages point at the exact key or value.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import { describe, type ObjectSchema, type Schema } from './schema-dsl.js';
import { suggestion, type PolicyDiagnostic } from './diagnostics.js';

export type Path = ReadonlyArray<string | number>;

/** Stops alias expansion and pathological documents from exhausting memory or time. */
const MAX_NODES = 200_000;

export class YamlContext {
  readonly diagnostics: PolicyDiagnostic[] = [];
  private visited = 0;
  constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    readonly lines: LineCounter,
  ) {}

  report(node: { range?: [number, number, number] | null } | null | undefined, message: string, code: string, severity: 'error' | 'warning' = 'error'): void {
    const [start, end] = node?.range ? [node.range[0], node.range[1]] : [0, 0];
    const a = this.lines.linePos(start);
    const b = this.lines.linePos(Math.max(start, end));
    this.diagnostics.push({ file: this.file, line: a.line, column: a.col, endLine: b.line, endColumn: b.col, severity, message, code });
  }

  /** The value node at a path (or its key node), for semantic checks after the walk. */
  nodeAt(path: Path, which: 'key' | 'value' = 'value'): Node | null {
    let node: unknown = this.doc.contents;
    let keyNode: unknown = null;
    for (const seg of path) {
      node = this.deref(node);
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return (node as Node) ?? null;
        keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        keyNode = null;
        node = node.items[seg];
      } else {
        return (node as Node) ?? null;
      }
    }
    return ((which === 'key' && keyNode ? keyNode : node) as Node) ?? null;
  }

  deref(node: unknown): unknown {
    let n = node;
    for (let hops = 0; isAlias(n) && hops < 32; hops++) n = n.resolve(this.doc);
    return isAlias(n) ? null : n;
  }

  tick(node: unknown): boolean {
    this.visited++;
    if (this.visited === MAX_NODES) this.report(node as Node, `the document is too large or expands too many aliases (over ${MAX_NODES} nodes)`, 'CW_POLICY_TOO_LARGE');
    return this.visited < MAX_NODES;
  }
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (isMap(v)) return 'a mapping';
  if (isSeq(v)) return 'a list';
  if (isScalar(v)) {
    const x = v.value;
    if (x === null) return 'nothing';
    if (typeof x === 'string') return `"${x.length > 40 ? x.slice(0, 40) + '…' : x}"`;
    return String(x);
  }
  return 'an unsupported value';
}

export function walk(ctx: YamlContext, raw: unknown, schema: Schema, parent?: Node | null): unknown {
  const node = ctx.deref(raw) as Node | null | undefined;
  if (!ctx.tick(node)) return undefined;
  const at = node ?? parent;
  const mismatch = () => {
    ctx.report(at, `expected ${describe(schema)}, got ${typeName(node)}`, 'CW_POLICY_TYPE');
    return undefined;
  };
  switch (schema.kind) {
    case 'string': {
      // Strict, as the JSON Schema is: `owner: 123` must be quoted to be a string.
      if (!isScalar(node) || typeof node.value !== 'string') return mismatch();
      const v = node.value;
      if (schema.enum && !schema.enum.includes(v)) {
        ctx.report(node, `expected ${describe(schema)}, got "${v}"${suggestion(v, schema.enum)}`, 'CW_POLICY_ENUM');
        return undefined;
      }
      if (schema.pattern && !schema.pattern.test(v)) {
        ctx.report(node, `expected ${describe(schema)}, got "${v}"`, 'CW_POLICY_FORMAT');
        return undefined;
      }
      return v;
    }
    case 'number': {
      if (!isScalar(node) || typeof node.value !== 'number' || !Number.isFinite(node.value)) return mismatch();
      const v = node.value;
      if ((schema.integer && !Number.isInteger(v)) || (schema.min !== undefined && v < schema.min) || (schema.max !== undefined && v > schema.max)) {
        const range = schema.min === schema.max && schema.min !== undefined ? `${schema.min}` : `${describe(schema)}${schema.min !== undefined ? ` ≥ ${schema.min}` : ''}${schema.max !== undefined ? ` ≤ ${schema.max}` : ''}`;
        ctx.report(node, `expected ${range}, got ${v}`, 'CW_POLICY_RANGE');
        return undefined;
      }
      return v;
    }
    case 'boolean':
      if (!isScalar(node) || typeof node.value !== 'boolean') return mismatch();
      return node.value;
    case 'array': {
      if (!isSeq(node)) return mismatch();
      if (schema.minItems && node.items.length < schema.minItems) {
        ctx.report(node, `expected at least ${schema.minItems} item${schema.minItems > 1 ? 's' : ''}, got an empty list`, 'CW_POLICY_EMPTY');
      }
      return node.items.map((item) => walk(ctx, item, schema.items, node));
    }
    case 'map': {
      if (!isMap(node)) return mismatch();
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const key = keyText(ctx, pair);
        if (key === undefined) continue;
        if (schema.keyPattern && !schema.keyPattern.test(key)) {
          ctx.report(pair.key as Node, `"${key}" is not a valid name (${schema.keyHint ?? 'letters, digits, "_", "-", "."'})`, 'CW_POLICY_NAME');
          continue;
        }
        out[key] = walk(ctx, pair.value, schema.values, pair.key as Node);
      }
      return out;
    }
    case 'union': {
      for (const variant of schema.variants) {
        const probe = new YamlContext(ctx.file, ctx.doc, ctx.lines);
        const v = walk(probe, node, variant, parent);
        if (probe.diagnostics.length === 0) return v;
      }
      return mismatch();
    }
    case 'object':
      return walkObject(ctx, node, schema, parent);
    case 'tagged': {
      if (!isMap(node)) return mismatch();
      const tagPair = node.items.find((p) => isScalar(p.key) && p.key.value === schema.tag);
      const tagNode = ctx.deref(tagPair?.value);
      const tag = isScalar(tagNode) ? String(tagNode.value) : undefined;
      const variants = Object.keys(schema.variants);
      if (!tagPair) {
        ctx.report(node, `${schema.what} needs "${schema.tag}": one of ${variants.map((v) => `"${v}"`).join(', ')}`, 'CW_POLICY_REQUIRED');
        return undefined;
      }
      const variant = tag !== undefined ? schema.variants[tag] : undefined;
      if (!variant) {
        ctx.report(tagNode as Node, `unknown ${schema.tag} "${tag}": expected one of ${variants.map((v) => `"${v}"`).join(', ')}${suggestion(tag ?? '', variants)}`, 'CW_POLICY_ENUM');
        return undefined;
      }
      return walkObject(ctx, node, variant, parent);
    }
  }
}

function keyText(ctx: YamlContext, pair: Pair): string | undefined {
  const k = ctx.deref(pair.key);
  if (isScalar(k) && (typeof k.value === 'string' || typeof k.value === 'number' || typeof k.value === 'boolean')) return String(k.value);
  ctx.report(k as Node, 'expected a plain name as a key', 'CW_POLICY_KEY');
  return undefined;
}

function walkObject(ctx: YamlContext, node: Node | null | undefined, schema: ObjectSchema, parent?: Node | null): Record<string, unknown> | undefined {
  if (!isMap(node)) {
    ctx.report(node ?? parent, `expected ${schema.what}, got ${typeName(node)}`, 'CW_POLICY_TYPE');
    return undefined;
  }
  const out: Record<string, unknown> = {};
  const known = Object.keys(schema.properties);
  const seen = new Set<string>();
  for (const pair of node.items) {
    if (!isPair(pair)) continue;
    const key = keyText(ctx, pair);
    if (key === undefined) continue;
    seen.add(key);
    const prop = schema.properties[key];
    if (!prop) {
      ctx.report(pair.key as Node, `unknown key "${key}" in ${schema.what}${suggestion(key, known)}; expected one of ${known.join(', ')}`, 'CW_POLICY_UNKNOWN_KEY');
      continue;
    }
    out[key] = walk(ctx, pair.value, prop.schema, pair.key as Node);
  }
  for (const [key, prop] of Object.entries(schema.properties)) {
    if (prop.required && !seen.has(key)) {
      ctx.report(firstLine(node), `${schema.what} needs "${key}" (${describe(prop.schema)})`, 'CW_POLICY_REQUIRED');
    }
  }
  return out;
}

/** Points "missing key" errors at the mapping's first key rather than the whole block. */
function firstLine(node: Node): Node {
  if (isMap(node) && node.items[0] && isScalar(node.items[0].key)) return node.items[0].key as Node;
  return node;
}
