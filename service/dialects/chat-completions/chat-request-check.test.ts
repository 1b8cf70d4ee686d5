import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainlyValidChatRequest } from './chat-request-check.ts';
import { chatRequestSchema } from './chat-request-schema.ts';

const SHARED = path.resolve(import.meta.dirname, '../../../../shared/fixtures');

/** Every recorded client body under ../shared/fixtures (*.request.json), when ../shared is there. */
function recordedBodies(): Array<[string, Record<string, unknown>]> {
  const out: Array<[string, Record<string, unknown>]> = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.request.json')) out.push([path.relative(SHARED, full), JSON.parse(readFileSync(full, 'utf8'))]);
    }
  };
  try {
    walk(SHARED);
  } catch {
    // ../shared is absent: the generated bodies below still run.
  }
  return out;
}

// Bodies near the schema's edges: right and wrong types, values and nulls for every field it checks.
const anyValue = fc.oneof(fc.constant(null), fc.constant(undefined), fc.boolean(), fc.integer({ min: -3, max: 300 }), fc.double({ min: -1, max: 3, noNaN: true }), fc.string({ maxLength: 5 }), fc.constant([]), fc.constant({}));
// Mostly the right shape, now and then anything else, so bodies land on both sides of the schema's line.
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: arb, weight: 40 }, { arbitrary: anyValue, weight: 1 });
const part = maybe(fc.record({ type: maybe(fc.constantFrom('text', 'image_url')), text: fc.string() }, { requiredKeys: [] }));
const toolCall = maybe(
  fc.record({ id: maybe(fc.string()), type: maybe(fc.constant('function')), function: maybe(fc.record({ name: maybe(fc.string()), arguments: maybe(fc.string()) }, { requiredKeys: [] })) }, { requiredKeys: [] }),
);
const message = maybe(
  fc.record(
    {
      role: maybe(fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'function', 'robot')),
      content: maybe(fc.oneof(fc.string(), fc.array(part, { maxLength: 3 }))),
      name: maybe(fc.string()),
      tool_calls: maybe(fc.array(toolCall, { maxLength: 2 })),
      tool_call_id: maybe(fc.string()),
    },
    { requiredKeys: ['role', 'content'] },
  ),
);
const tool = maybe(
  fc.record(
    { type: maybe(fc.constant('function')), function: maybe(fc.record({ name: maybe(fc.string()), description: maybe(fc.string()), parameters: maybe(fc.dictionary(fc.string(), fc.jsonValue())) }, { requiredKeys: [] })) },
    { requiredKeys: [] },
  ),
);
const body = fc.record(
  {
    model: maybe(fc.oneof(fc.constantFrom('router', 'openai/gpt-4o', 'é', 'a\nb'), fc.string({ maxLength: 300 }))),
    messages: maybe(fc.array(message, { maxLength: 3 })),
    stream: maybe(fc.boolean()),
    stream_options: maybe(fc.record({ include_usage: anyValue }, { requiredKeys: [] })),
    tools: maybe(fc.array(tool, { maxLength: 2 })),
    tool_choice: maybe(fc.oneof(fc.constantFrom('auto', 'none', 'required', 'sometimes'), fc.record({ type: maybe(fc.constant('function')), function: maybe(fc.record({ name: maybe(fc.string()) }, { requiredKeys: [] })) }, { requiredKeys: [] }))),
    temperature: maybe(fc.double({ min: 0, max: 2, noNaN: true })),
    top_p: maybe(fc.double({ min: 0, max: 1, noNaN: true })),
    max_tokens: maybe(fc.integer({ min: 1, max: 100_000 })),
    max_completion_tokens: maybe(fc.integer({ min: 1, max: 100_000 })),
    stop: maybe(fc.array(maybe(fc.string()), { maxLength: 2 })),
    n: maybe(fc.integer({ min: 1, max: 128 })),
  },
  { requiredKeys: ['model', 'messages'] },
);

describe('plainlyValidChatRequest', () => {
  it('never accepts a body the schema refuses', () => {
    let accepted = 0;
    let valid = 0;
    fc.assert(
      fc.property(body, (b) => {
        // Through JSON, as bodies arrive (undefined members vanish).
        const sent = JSON.parse(JSON.stringify(b)) as Record<string, unknown>;
        const schemaSays = chatRequestSchema.safeParse(sent).success;
        if (schemaSays) valid++;
        if (plainlyValidChatRequest(sent)) {
          accepted++;
          expect(schemaSays).toBe(true);
        }
      }),
      { numRuns: 20_000 },
    );
    // The generated bodies do reach both sides of the line, and the check takes most valid ones.
    expect(valid).toBeGreaterThan(200);
    expect(accepted).toBeGreaterThan(valid * 0.9);
  });

  it('accepts the bodies real clients sent (every recorded request in ../shared/fixtures) and the plain ones', () => {
    const plain = { model: 'router', messages: [{ role: 'user', content: 'Hello' }] };
    expect(plainlyValidChatRequest(plain)).toBe(true);
    for (const [name, recorded] of recordedBodies()) {
      if (!chatRequestSchema.safeParse(recorded).success) continue;
      expect(plainlyValidChatRequest(recorded), name).toBe(true);
    }
  });
});
