import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../../test/support/fake-google-upstream.ts';
import { convertJsonSchemaNode, convertJsonSchemaToGemini } from './convert-json-schema-to-gemini.ts';
import type { GeminiSchema } from './gemini-api-types.ts';

const ALLOWED = new Set(['type', 'format', 'description', 'nullable', 'enum', 'items', 'properties', 'required', 'anyOf', 'minItems', 'maxItems', 'minLength', 'maxLength', 'minimum', 'maximum']);

/** Every node: only Gemini keywords, a single type (or anyOf), string enums, items on arrays, no empty properties. */
function expectGeminiSubset(schema: GeminiSchema, where = 'root'): void {
  for (const key of Object.keys(schema)) expect(ALLOWED.has(key), `${where}: ${key}`).toBe(true);
  expect(schema.type !== undefined || schema.anyOf !== undefined, `${where}: type or anyOf`).toBe(true);
  if (schema.enum) expect(schema.type).toBe('string');
  if (schema.type === 'array') expect(schema.items, `${where}: items`).toBeDefined();
  if (schema.properties) expect(Object.keys(schema.properties).length).toBeGreaterThan(0);
  for (const name of schema.required ?? []) expect(schema.properties?.[name], `${where}: required ${name}`).toBeDefined();
  for (const [name, sub] of Object.entries(schema.properties ?? {})) expectGeminiSubset(sub, `${where}.${name}`);
  if (schema.items) expectGeminiSubset(schema.items, `${where}[]`);
  for (const [i, sub] of (schema.anyOf ?? []).entries()) expectGeminiSubset(sub, `${where}|${i}`);
}

describe('convertJsonSchemaToGemini', () => {
  it('drops keywords outside the subset and keeps the rest', () => {
    const out = convertJsonSchemaToGemini({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 20, pattern: '^(?!x)', default: 'a', examples: ['b'], title: 'Name' },
        count: { type: 'integer', minimum: 0, maximum: 9, format: 'int64' },
        ratio: { type: 'number', exclusiveMinimum: 0 },
      },
      required: ['name', 'missing'],
    });
    expect(out).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 20 },
        count: { type: 'integer', format: 'int64', minimum: 0, maximum: 9 },
        ratio: { type: 'number', minimum: 0 },
      },
      required: ['name'],
    });
  });

  it('omits parameters for a function that takes nothing', () => {
    expect(convertJsonSchemaToGemini(undefined)).toBeUndefined();
    expect(convertJsonSchemaToGemini({ type: 'object', properties: {} })).toBeUndefined();
    expect(convertJsonSchemaToGemini({ type: 'object', additionalProperties: false })).toBeUndefined();
  });

  it('turns nullable unions and type lists into type + nullable', () => {
    const out = convertJsonSchemaToGemini({
      type: 'object',
      properties: {
        a: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'A' },
        b: { type: ['integer', 'null'], minimum: 1 },
        c: { oneOf: [{ type: 'string' }, { type: 'number' }] },
        d: { type: ['string', 'boolean'], description: 'D' },
      },
    });
    expect(out?.properties).toEqual({
      a: { type: 'string', nullable: true, description: 'A' },
      b: { type: 'integer', nullable: true, minimum: 1 },
      c: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      d: { anyOf: [{ type: 'string' }, { type: 'boolean' }], description: 'D' },
    });
  });

  it('rewrites const and enums Gemini cannot take', () => {
    const out = convertJsonSchemaToGemini({
      type: 'object',
      properties: {
        mode: { type: 'string', const: 'fast' },
        flag: { type: 'boolean', const: true, description: 'Set it.' },
        level: { type: 'integer', enum: [1, 2, 3] },
        mixed: { enum: ['a', 2, null] },
        untyped: { const: 'x' },
      },
    });
    expect(out?.properties).toEqual({
      mode: { type: 'string', enum: ['fast'] },
      flag: { type: 'boolean', description: 'Set it. Must be true.' },
      level: { type: 'integer', description: 'One of: 1, 2, 3.' },
      mixed: { type: 'string', enum: ['a', '2'], nullable: true },
      untyped: { type: 'string', enum: ['x'] },
    });
  });

  it('keeps the string formats Gemini accepts and notes the others', () => {
    const out = convertJsonSchemaToGemini({ type: 'object', properties: { when: { type: 'string', format: 'date-time' }, url: { type: 'string', format: 'uri', description: 'Link.' } } });
    expect(out?.properties).toEqual({ when: { type: 'string', format: 'date-time' }, url: { type: 'string', description: 'Link. Format: uri.' } });
  });

  it('inlines $ref from $defs and definitions, stopping at recursion', () => {
    const out = convertJsonSchemaToGemini({
      type: 'object',
      $defs: { Point: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x'] } },
      definitions: { Node: { type: 'object', properties: { label: { type: 'string' }, child: { $ref: '#/definitions/Node' } } } },
      properties: { at: { $ref: '#/$defs/Point', description: 'Where.' }, tree: { $ref: '#/definitions/Node' }, lost: { $ref: 'https://example.com/x.json' } },
    });
    expect(out?.properties?.at).toEqual({ type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x'], description: 'Where.' });
    expect(out?.properties?.tree).toEqual({ type: 'object', properties: { label: { type: 'string' }, child: { type: 'object', description: 'Recursive structure.' } } });
    expect(out?.properties?.lost?.anyOf).toHaveLength(5);
    expectGeminiSubset(out!);
  });

  it('merges allOf and resolves a $ref at the root', () => {
    const out = convertJsonSchemaToGemini({
      $ref: '#/$defs/Input',
      $defs: { Base: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, Input: { allOf: [{ $ref: '#/$defs/Base' }, { properties: { n: { type: 'integer' } }, required: ['n'] }] } },
    });
    expect(out).toEqual({ type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer' } }, required: ['id', 'n'] });
  });

  it('gives free-form objects, arrays and any-values a shape Gemini accepts', () => {
    const out = convertJsonSchemaToGemini({
      type: 'object',
      properties: {
        env: { type: 'object', patternProperties: { '^.*$': { type: 'string' } }, description: 'Vars.' },
        args: { type: 'object', additionalProperties: true },
        list: { type: 'array' },
        pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] },
        anything: {},
        never: false,
      },
    });
    expect(out?.properties?.env).toEqual({ type: 'object', description: 'Vars.' });
    expect(out?.properties?.args).toEqual({ type: 'object' });
    expect(out?.properties?.list?.items?.anyOf).toBeDefined();
    expect(out?.properties?.pair?.items).toEqual({ anyOf: [{ type: 'string' }, { type: 'number' }] });
    expect(out?.properties?.anything?.anyOf?.map((s) => s.type)).toEqual(['string', 'number', 'boolean', 'object', 'array']);
    expect(out?.properties).not.toHaveProperty('never');
    expectGeminiSubset(out!);
  });

  it('ignores constraint-only anyOf branches beside real properties', () => {
    const out = convertJsonSchemaToGemini({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, anyOf: [{ required: ['a'] }, { required: ['b'] }] });
    expect(out).toEqual({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } } });
  });

  it('converts a response_format schema node', () => {
    expect(convertJsonSchemaNode({ type: 'array', items: { type: 'string', enum: ['x'] } })).toEqual({ type: 'array', items: { type: 'string', enum: ['x'] } });
  });
});

const openclaw = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'openclaw', 'gateway-agent-turn.request.json');
if (!existsSync(openclaw)) console.warn(`[gemini schema] ${openclaw} not found: OpenClaw tool schema checks skipped`);

describe.skipIf(!existsSync(openclaw))('OpenClaw tool schemas', () => {
  const tools: Array<{ function: { name: string; parameters?: any } }> = existsSync(openclaw) ? JSON.parse(readFileSync(openclaw, 'utf8')).tools : [];

  it.each(tools.map((t) => [t.function.name, t.function.parameters]))('%s converts to an accepted schema with every parameter kept', (name, parameters) => {
    const out = convertJsonSchemaToGemini(parameters);
    const names = Object.keys(parameters?.properties ?? {});
    if (names.length === 0) return expect(out).toBeUndefined();
    expectGeminiSubset(out!);
    expect(Object.keys(out!.properties!)).toEqual(names);
    for (const prop of names) {
      if (parameters.properties[prop].description) expect(out!.properties![prop].description).toContain(parameters.properties[prop].description);
    }
    expect(out!.required ?? []).toEqual(parameters.required ?? []);
    const body = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], tools: [{ functionDeclarations: [{ name, parameters: out }] }] };
    expect(validateRequest(body)).toEqual([]);
  });
});
