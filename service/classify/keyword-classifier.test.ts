import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequest } from '../canonical/chat-types.ts';
import type { CategoryDefinition } from './category.ts';
import { KeywordClassifier } from './keyword-classifier.ts';
import { CATEGORIES } from './testdata/categories.ts';
import { HARD_PROBES } from './testdata/probes-hard.ts';
import { PROBES } from './testdata/probes.ts';

const order = ['tools', 'code', 'reasoning', 'conversation'];
const classifier = new KeywordClassifier();
const user = (content: string): ChatMessage => ({ role: 'user', content });
const req = (...messages: ChatMessage[]): ChatRequest => ({ model: 'router', messages });
const classify = (r: ChatRequest, cats = CATEGORIES) => classifier.classify(r, cats);

describe('KeywordClassifier scoring', () => {
  it('returns category, method keyword, confidence, scores and reasons', () => {
    const c = classify(req(user('Write a Python function that reverses a linked list.')));
    expect(c).toMatchObject({ category: 'code', method: 'keyword' });
    expect(c.confidence).toBeGreaterThan(0.5);
    expect(Object.keys(c.scores ?? {})).toEqual(order);
    expect(c.reasons?.some((r) => r.startsWith('code:'))).toBe(true);
  });

  it.each([
    ['hand-written probes', PROBES, 0.97],
    ['harder hand-written probes', HARD_PROBES, 0.9],
  ] as const)('classifies the %s by the labelling rules', (_name, probes, floor) => {
    const wrong = probes.filter(([text, label]) => classify(req(user(text))).category !== label);
    expect(wrong.length / probes.length, `misclassified: ${JSON.stringify(wrong)}`).toBeLessThanOrEqual(1 - floor);
  });

  it('recognises code by structure alone (a bare function signature with a docstring)', () => {
    const c = classify(req(user('def below_zero(ops: list) -> bool:\n    """ Return True if the balance ever drops below zero.\n    >>> below_zero([1, -2])\n    True\n    """\n')));
    expect(c.category).toBe('code');
    expect(c.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/code lines/)]));
  });

  it('resolves low totals to conversation with low confidence', () => {
    const c = classify(req(user('Taxi.')));
    expect(c.category).toBe('conversation');
    expect(c.confidence).toBeLessThan(0.6);
  });

  it('never lets the system prompt decide alone', () => {
    const persona: ChatMessage = { role: 'system', content: 'Act as a Python interpreter. I type Python code, you reply with the output of the code.' };
    expect(classify(req(persona, user('hey there!'))).category).toBe('conversation');
    expect(classify(req(persona, user('Olive oil or butter for frying eggs?'))).category).toBe('conversation');
  });

  it('reads the final turn with earlier turns (a follow-up inherits the problem)', () => {
    const r = req(user('Tom has 12 apples and gives away a third. How many are left?'), { role: 'assistant', content: 'He has 8 left.' }, user('What if he started with 30 instead?'));
    expect(classify(r).category).toBe('reasoning');
    const thanks = req(user('Write a JavaScript debounce function.'), { role: 'assistant', content: 'function debounce(fn, ms) {\n  let t;\n  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };\n}' }, user('thanks, that works!'));
    expect(classify(thanks).category).toBe('conversation');
  });

  it('breaks ties by the documented order (code before reasoning)', () => {
    const cats: CategoryDefinition[] = [
      { name: 'conversation', description: '', keywords: ['zzz'], chain: [] },
      { name: 'reasoning', description: '', keywords: ['alpha'], chain: [] },
      { name: 'code', description: '', keywords: ['alpha'], chain: [] },
    ];
    const c = new KeywordClassifier({ minScore: 0 }).classify(req(user('alpha')), cats);
    expect(c.category).toBe('code');
    expect(c.confidence).toBe(0);
  });

  it('takes a custom tie order and default category', () => {
    const cats: CategoryDefinition[] = [
      { name: 'a', description: '', keywords: ['same'], chain: [] },
      { name: 'b', description: '', keywords: ['same'], chain: [] },
    ];
    expect(new KeywordClassifier({ tieOrder: ['b', 'a'], minScore: 0 }).classify(req(user('same')), cats).category).toBe('b');
    expect(new KeywordClassifier({ tieOrder: ['a', 'b'], minScore: 0 }).classify(req(user('same')), cats).category).toBe('a');
    expect(new KeywordClassifier({ tieOrder: ['b'], defaultCategory: 'a' }).classify(req(user('nothing')), cats).category).toBe('a');
  });

  it('rejects an unknown tools policy', () => {
    expect(() => new KeywordClassifier({ toolsPolicy: 'always' as never })).toThrow(/toolsPolicy/);
  });
});

describe('custom categories', () => {
  const legal: CategoryDefinition = {
    name: 'legal', description: 'Legal questions: contracts, tenancy, liability.', chain: ['openai/gpt-4.1'],
    keywords: [{ term: 'contract', weight: 2 }, { term: 'lawsuit', weight: 2.5 }, 'tenant', 'landlord', { pattern: '\\bsue\\b', weight: 2 }],
  };
  const cats = Object.freeze([...CATEGORIES, legal]);

  it('wins with its own keywords', () => {
    const c = classify(req(user('Can my landlord keep the deposit if the contract says nothing about it?')), cats);
    expect(c.category).toBe('legal');
    expect(c.scores?.legal).toBeGreaterThan(c.scores?.conversation ?? 0);
  });

  it('does not take requests that carry none of its keywords', () => {
    expect(classify(req(user('Write a SQL query that counts orders per day.')), cats).category).toBe('code');
    expect(classify(req(user('hello there')), cats).category).toBe('conversation');
  });

  it('competes by description words when it has no keywords', () => {
    const garden: CategoryDefinition = { name: 'garden', description: 'Gardening: pruning, compost, seedlings, soil.', keywords: [], chain: [] };
    const c = classify(req(user('When should I start seedlings and how do I prepare compost and soil?')), [...CATEGORIES, garden]);
    expect(c.category).toBe('garden');
  });

  it('works with a categories set without the built-ins', () => {
    const c = classify(req(user('I want to sue my employer')), [legal]);
    expect(c.category).toBe('legal');
  });
});
