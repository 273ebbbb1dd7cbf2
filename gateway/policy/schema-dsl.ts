/**
 * A tiny schema language. The policy's shape is written once in it; the YAML validator walks it
 * and the shipped JSON Schema is generated from it, so the two cannot drift.
 */
export type Schema =
  | StringSchema
  | { kind: 'number'; integer?: boolean; min?: number; max?: number; description?: string }
  | { kind: 'boolean'; description?: string }
  | { kind: 'array'; items: Schema; minItems?: number; description?: string }
  | ObjectSchema
  | { kind: 'map'; values: Schema; keyPattern?: RegExp; keyHint?: string; description?: string }
  | { kind: 'union'; variants: Schema[]; description?: string }
  | TaggedSchema;

export interface StringSchema {
  kind: 'string';
  enum?: readonly string[];
  pattern?: RegExp;
  /** What a value must look like, said to the user when the pattern fails. */
  hint?: string;
  description?: string;
}

export interface Property {
  schema: Schema;
  required?: boolean;
}

export interface ObjectSchema {
  kind: 'object';
  properties: Record<string, Property>;
  /** What this object is, for messages ("a rule", "a connection"). */
  what: string;
  description?: string;
}

/** Objects told apart by one string field (connections by `type`). */
export interface TaggedSchema {
  kind: 'tagged';
  tag: string;
  variants: Record<string, ObjectSchema>;
  what: string;
  description?: string;
}

export const str = (o: Omit<StringSchema, 'kind'> = {}): StringSchema => ({ kind: 'string', ...o });
export const num = (o: { integer?: boolean; min?: number; max?: number; description?: string } = {}): Schema => ({ kind: 'number', ...o });
export const bool = (description?: string): Schema => ({ kind: 'boolean', description });
export const arr = (items: Schema, o: { minItems?: number; description?: string } = {}): Schema => ({ kind: 'array', items, ...o });
export const map = (values: Schema, o: { keyPattern?: RegExp; keyHint?: string; description?: string } = {}): Schema => ({ kind: 'map', values, ...o });
export const union = (...variants: Schema[]): Schema => ({ kind: 'union', variants });
export const req = (schema: Schema): Property => ({ schema, required: true });
export const opt = (schema: Schema): Property => ({ schema });
export function obj(what: string, properties: Record<string, Property>, description?: string): ObjectSchema {
  return { kind: 'object', what, properties, description };
}

/** A short English name of what a schema accepts, for "expected …" messages. */
export function describe(s: Schema): string {
  switch (s.kind) {
    case 'string':
      if (s.enum) return `one of ${s.enum.map((e) => `"${e}"`).join(', ')}`;
      return s.hint ?? 'a string';
    case 'number':
      return s.integer ? 'an integer' : 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return `a list of ${describe(s.items).replace(/^an? /, '')}s`.replace(/ss$/, 's');
    case 'object':
      return s.what;
    case 'map':
      return `a mapping of names to ${describe(s.values).replace(/^an? /, '')}s`;
    case 'union':
      return s.variants.map(describe).join(' or ');
    case 'tagged':
      return s.what;
  }
}

type Json = Record<string, unknown>;

function regexSource(r: RegExp): string {
  return r.source;
}

export function toJsonSchema(s: Schema): Json {
  const d = (j: Json): Json => (s.description ? { description: s.description, ...j } : j);
  switch (s.kind) {
    case 'string':
      return d({ type: 'string', ...(s.enum ? { enum: [...s.enum] } : {}), ...(s.pattern ? { pattern: regexSource(s.pattern) } : {}) });
    case 'number':
      return d({ type: s.integer ? 'integer' : 'number', ...(s.min !== undefined ? { minimum: s.min } : {}), ...(s.max !== undefined ? { maximum: s.max } : {}) });
    case 'boolean':
      return d({ type: 'boolean' });
    case 'array':
      return d({ type: 'array', items: toJsonSchema(s.items), ...(s.minItems ? { minItems: s.minItems } : {}) });
    case 'object':
      return d(objectJson(s));
    case 'map':
      return d({
        type: 'object',
        ...(s.keyPattern ? { propertyNames: { pattern: regexSource(s.keyPattern) } } : {}),
        additionalProperties: toJsonSchema(s.values),
      });
    case 'union':
      return d({ anyOf: s.variants.map(toJsonSchema) });
    case 'tagged':
      return d({
        type: 'object',
        required: [s.tag],
        properties: { [s.tag]: { enum: Object.keys(s.variants) } },
        allOf: Object.entries(s.variants).map(([tag, v]) => ({
          if: { properties: { [s.tag]: { const: tag } } },
          then: objectJson(v),
        })),
      });
  }
}

function objectJson(s: ObjectSchema): Json {
  const required = Object.entries(s.properties).filter(([, p]) => p.required).map(([k]) => k);
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, toJsonSchema(p.schema)])),
    ...(required.length ? { required } : {}),
  };
}
