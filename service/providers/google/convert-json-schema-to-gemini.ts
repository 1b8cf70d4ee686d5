// JSON Schema (as OpenAI tools carry it) → the OpenAPI 3.0 subset Gemini accepts for function
// parameters. Gemini answers 400 for keywords outside that subset ($schema, additionalProperties,
// $ref, const, patternProperties, …), for non-string enums, for type arrays, for string formats
// other than enum/date-time and for an empty `properties`, so each is rewritten or dropped; what
// a dropped keyword said is kept in the description where the model can still read it.
import type { GeminiSchema } from './gemini-api-types.ts';

type Json = Record<string, unknown>;

const FORMATS: Record<string, Set<string>> = {
  string: new Set(['enum', 'date-time']),
  number: new Set(['float', 'double']),
  integer: new Set(['int32', 'int64']),
};
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);
/** Keywords that make a schema more than a bare constraint (like `{required: [...]}`). */
const SHAPING = ['type', 'properties', 'items', 'enum', 'const', '$ref', 'anyOf', 'oneOf', 'allOf'];
const MAX_DEPTH = 24;
/**
 * Gemini needs a `type` on every node outside anyOf, so a schema that allows any value
 * (`{}`, `true`, an unresolvable $ref) becomes a union of the JSON kinds.
 */
const ANY_VALUE: GeminiSchema = {
  anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object' }, { type: 'array', items: { type: 'string' } }],
};

interface Context {
  root: Json;
  /** $refs being expanded, to stop at a recursive definition. */
  expanding: string[];
}

/**
 * Function parameters. Undefined for a schema without properties: Gemini rejects an OBJECT
 * with empty `properties`, and a function that takes nothing is declared without parameters.
 */
export function convertJsonSchemaToGemini(schema: unknown): GeminiSchema | undefined {
  if (!isObject(schema)) return undefined;
  const converted = convert(schema, { root: schema, expanding: [] }, 0);
  if (!converted || !converted.properties) return undefined;
  const { nullable: _nullable, anyOf: _anyOf, ...rest } = converted;
  return { ...rest, type: 'object' };
}

/** Any (sub)schema, e.g. for response_format. Undefined when nothing of it survives. */
export function convertJsonSchemaNode(schema: unknown): GeminiSchema | undefined {
  const root = isObject(schema) ? schema : {};
  return convert(schema, { root, expanding: [] }, 0) ?? undefined;
}

function convert(input: unknown, ctx: Context, depth: number): GeminiSchema | null {
  if (input === false) return null;
  if (!isObject(input)) return { ...ANY_VALUE };
  if (depth > MAX_DEPTH) return describe({ type: 'object' }, str(input.description));
  let node = input;

  if (typeof node.$ref === 'string') {
    const ref = node.$ref;
    const target = resolveRef(ctx.root, ref);
    const { $ref: _ref, ...siblings } = node;
    if (ctx.expanding.includes(ref)) return describe({ type: 'object' }, str(siblings.description), 'Recursive structure.');
    if (!target) return describe({ ...ANY_VALUE }, str(siblings.description));
    return convert({ ...target, ...siblings }, { ...ctx, expanding: [...ctx.expanding, ref] }, depth + 1);
  }
  if (Array.isArray(node.allOf)) node = mergeAllOf(node, ctx);

  const notes: string[] = [];
  let nullable = false;
  const variants = [...arr(node.anyOf), ...arr(node.oneOf)];
  if (variants.length) {
    const real = variants.filter((v) => isObject(v) && SHAPING.some((k) => k in v));
    const nonNull = real.filter((v) => !isNullSchema(v));
    nullable = nonNull.length < real.length;
    const { anyOf: _a, oneOf: _o, ...base } = node;
    if (nonNull.length === 1) return withNullable(convert(mergeBase(base, nonNull[0] as Json), ctx, depth + 1), nullable, str(node.description));
    if (nonNull.length > 1) {
      const converted = nonNull.map((v) => convert(mergeBase(withoutDescription(base), v as Json), ctx, depth + 1)).filter((v): v is GeminiSchema => v !== null);
      return describe({ anyOf: converted, ...(nullable ? { nullable: true } : {}) }, str(node.description));
    }
    // Only constraint variants (or only null): the base schema describes the value.
    node = base;
  }

  let types = (Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type]).filter((t): t is string => typeof t === 'string');
  if (types.includes('null')) nullable = true;
  types = types.filter((t) => t !== 'null' && TYPES.has(t));
  if (types.length > 1) {
    const converted = types.map((t) => convert({ ...withoutDescription(node), type: t }, ctx, depth + 1)).filter((v): v is GeminiSchema => v !== null);
    return describe({ anyOf: converted, ...(nullable ? { nullable: true } : {}) }, str(node.description));
  }

  // const and enum: Gemini takes string enums only.
  let values: unknown[] | undefined = 'const' in node ? [node.const] : Array.isArray(node.enum) ? node.enum : undefined;
  if (values?.includes(null)) {
    nullable = true;
    values = values.filter((v) => v !== null);
  }
  let type = types[0] ?? inferType(node, values);
  let enumValues: string[] | undefined;
  if (values && values.length) {
    if (values.every((v) => typeof v === 'string')) enumValues = values as string[];
    else if (type === 'string' || type === undefined) {
      enumValues = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      type = 'string';
    } else notes.push(values.length === 1 ? `Must be ${JSON.stringify(values[0])}.` : `One of: ${values.map((v) => JSON.stringify(v)).join(', ')}.`);
    if (enumValues) type = 'string';
  }

  if (!type) return describe({ ...ANY_VALUE, ...(nullable ? { nullable: true } : {}) }, str(node.description), notes.join(' ') || undefined);
  const out: GeminiSchema = { type: type as GeminiSchema['type'] };
  if (typeof node.format === 'string') {
    if (FORMATS[type]?.has(node.format)) out.format = node.format;
    else notes.push(`Format: ${node.format}.`);
  }
  if (enumValues) out.enum = enumValues;
  if (nullable) out.nullable = true;
  for (const key of ['minLength', 'maxLength', 'minItems', 'maxItems', 'minimum', 'maximum'] as const) {
    if (typeof node[key] === 'number') out[key] = node[key] as number;
  }
  if (typeof node.exclusiveMinimum === 'number' && out.minimum === undefined) out.minimum = node.exclusiveMinimum;
  if (typeof node.exclusiveMaximum === 'number' && out.maximum === undefined) out.maximum = node.exclusiveMaximum;

  if (type === 'object' && isObject(node.properties)) {
    const properties: Record<string, GeminiSchema> = {};
    for (const [name, sub] of Object.entries(node.properties)) {
      const converted = convert(sub, ctx, depth + 1);
      if (converted) properties[name] = converted;
    }
    if (Object.keys(properties).length) {
      out.properties = properties;
      const required = arr(node.required).filter((r): r is string => typeof r === 'string' && r in properties);
      if (required.length) out.required = required;
    }
  }
  if (type === 'array') {
    // Gemini needs `items`; a tuple becomes a union of its members, a missing one any value.
    const tuple = Array.isArray(node.items) ? node.items : Array.isArray(node.prefixItems) ? node.prefixItems : undefined;
    const items = tuple ? (tuple.length === 1 ? tuple[0] : { anyOf: tuple }) : node.items;
    out.items = (items === undefined ? null : convert(items, ctx, depth + 1)) ?? { ...ANY_VALUE };
  }
  return describe(out, str(node.description), notes.join(' ') || undefined);
}

function inferType(node: Json, values: unknown[] | undefined): string | undefined {
  if (isObject(node.properties) || isObject(node.additionalProperties) || isObject(node.patternProperties)) return 'object';
  if ('items' in node || 'prefixItems' in node) return 'array';
  if (values && values.length) {
    const kinds = new Set(values.map((v) => (typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v)));
    if (kinds.size === 1) {
      const kind = [...kinds][0];
      return kind === 'string' || kind === 'boolean' || kind === 'integer' || kind === 'number' ? kind : undefined;
    }
    return 'string';
  }
  return undefined;
}

/** allOf → one schema: properties and required united, other keywords first one wins. */
function mergeAllOf(node: Json, ctx: Context): Json {
  const { allOf, ...base } = node;
  let merged: Json = { ...base };
  for (const part of arr(allOf)) {
    let sub = part;
    if (isObject(sub) && typeof sub.$ref === 'string' && !ctx.expanding.includes(sub.$ref)) sub = resolveRef(ctx.root, sub.$ref) ?? {};
    if (!isObject(sub)) continue;
    const nested = Array.isArray(sub.allOf) ? mergeAllOf(sub, ctx) : sub;
    merged = mergeBase(merged, nested);
  }
  return merged;
}

/** `extra` over `base`, with properties and required united. */
function mergeBase(base: Json, extra: Json): Json {
  const merged: Json = { ...extra };
  for (const [key, value] of Object.entries(base)) if (!(key in merged)) merged[key] = value;
  if (isObject(base.properties) || isObject(extra.properties)) merged.properties = { ...(isObject(base.properties) ? base.properties : {}), ...(isObject(extra.properties) ? extra.properties : {}) };
  if (Array.isArray(base.required) || Array.isArray(extra.required)) merged.required = [...new Set([...arr(base.required), ...arr(extra.required)])];
  return merged;
}

/** Resolves `#`, `#/$defs/X`, `#/definitions/X` and other local JSON pointers. */
function resolveRef(root: Json, ref: string): Json | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : undefined;
  }
  return isObject(node) ? node : undefined;
}

function isNullSchema(value: unknown): boolean {
  return isObject(value) && (value.type === 'null' || ('const' in value && value.const === null) || (Array.isArray(value.enum) && value.enum.length === 1 && value.enum[0] === null));
}

function withNullable(schema: GeminiSchema | null, nullable: boolean, description: string | undefined): GeminiSchema | null {
  if (!schema) return schema;
  const out = nullable ? { ...schema, nullable: true } : schema;
  return description && !out.description ? { ...out, description } : out;
}

function describe(schema: GeminiSchema, description: string | undefined, note?: string): GeminiSchema {
  const text = [description, note].filter(Boolean).join(' ');
  return text ? { ...schema, description: text } : schema;
}

function withoutDescription(node: Json): Json {
  const { description: _d, ...rest } = node;
  return rest;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
