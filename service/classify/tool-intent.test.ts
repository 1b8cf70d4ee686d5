import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequest, ToolDefinition } from '../canonical/chat-types.ts';
import { CATEGORIES } from './testdata/categories.ts';
import { HARD_PROBES } from './testdata/probes-hard.ts';
import { PROBES } from './testdata/probes.ts';
import { KeywordClassifier } from './keyword-classifier.ts';
import { overlapThresholdFor, DEFAULT_TOOL_INTENT_SETTINGS } from './tool-intent.ts';
import { stem } from './tool-vocab.ts';
import { OPENCLAW_FIXTURES, sharedPresent } from './testdata/shared-dir.ts';

const tool = (name: string, description: string): ToolDefinition => ({ type: 'function', function: { name, description, parameters: { type: 'object', properties: {} } } });
const user = (content: string): ChatMessage => ({ role: 'user', content });
const intent = new KeywordClassifier({ toolsPolicy: 'intent' });
const present = new KeywordClassifier({ toolsPolicy: 'present' });
const auto = new KeywordClassifier();

// An agent kit like a coding agent's: generic verbs as names, long descriptions.
const AGENT_TOOLS = [
  tool('read', 'Read text/image file (jpg/png/gif). Text caps 2000 lines or 50KB. Continue with offset/limit.'),
  tool('write', 'Write/overwrite file; creates parent directories.'),
  tool('edit', 'Exact single-file replacements. oldText unique/non-overlapping against original.'),
  tool('exec', 'Run shell now; background continuation supported. Completed calls return command output directly.'),
  tool('ls', 'List directory entries in binary filename order, including dotfiles and links.'),
  tool('process', 'Control existing exec: list, poll, log, write, send-keys, submit, paste, kill.'),
  tool('apply_patch', 'Patch one/many files. Input requires *** Begin Patch and *** End Patch.'),
  tool('tool_search', 'Search the effective Tool Search catalog. Pass query for one search or queries for several.'),
  tool('sessions_yield', 'End this turn for pending child completion events; this is not a final-result submission.'),
];
const RUNTIME = '\n\nRuntime: agent=main | session=agent:main:main | repo=/home/user/project | node=v24.21.0 | shell=bash';
const INTERNAL: ChatMessage = { role: 'user', content: [{ type: 'text', text: '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\nnone\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>' }] };
const agentTurn = (task: string, extra: ChatMessage[] = []): ChatRequest => ({
  model: 'router', stream: true, tools: AGENT_TOOLS, tool_choice: 'auto',
  messages: [{ role: 'system', content: 'You are a personal assistant running inside an agent. Use tools to read, write and run code.' }, user(`[Sun 2026-11-22 02:37 UTC] ${task}${RUNTIME}`), ...extra, INTERNAL],
});

describe("tools policy 'intent' on agent turns", () => {
  it.each([
    ['Write a Python function that checks whether a string is a palindrome.', 'code'],
    ['Write a SQL query to list all employees whose salary is above 3000.', 'code'],
    ['A train travels 120 km in 1.5 hours. What is its average speed?', 'reasoning'],
    ['Why is the sky blue?', 'conversation'],
    ['Say hello', 'conversation'],
    ['Write a haiku about the sea.', 'conversation'],
  ])('a task the tools do not serve gets its own category: %s', (task, category) => {
    const c = intent.classify(agentTurn(task), CATEGORIES);
    expect(c.category).toBe(category);
    expect(c.reasons).toContain('tools offered but the task does not need them');
  });

  it.each([
    'Use your read tool to read the file /home/user/notes.txt.',
    'Run npm test in the repo and tell me what fails.',
    'List the files in ~/project/src.',
    'Open https://example.com/status and summarise it.',
    'Please show me the contents of package.json.',
    'Apply the patch in fix.diff with apply_patch.',
  ])('an action the tools perform is tools: %s', (task) => {
    expect(intent.classify(agentTurn(task), CATEGORIES).category).toBe('tools');
  });

  it('every hand-written probe keeps its task category when agent-wrapped', () => {
    const wrong = [...PROBES, ...HARD_PROBES].filter(([text, label]) => intent.classify(agentTurn(text), CATEGORIES).category !== label);
    expect(wrong, JSON.stringify(wrong)).toHaveLength(0);
  });

  it('a verb that does not lead the task is not an action ("npm install fails with …")', () => {
    const c = intent.classify(agentTurn('npm install fails with EACCES: permission denied, mkdir /usr/local/lib/node_modules. How do I fix it?'), CATEGORIES);
    expect(c.category).toBe('code');
  });

  it('a tool loop in progress is tools whatever the task', () => {
    const loop = agentTurn('Say hello', [
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'exec', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'done' },
    ]);
    const c = intent.classify(loop, CATEGORIES);
    expect(c).toMatchObject({ category: 'tools', confidence: 1 });
    expect(c.reasons?.[0]).toMatch(/tool loop/);
  });
});

describe("tools policy 'intent' on function-calling requests", () => {
  const fc = (task: string, tools: ToolDefinition[], extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'm', messages: [user(task)], tools, ...extra });

  it.each([
    ['Look up the felony record for case CA123456 in San Diego County.', [tool('crime_record_get_record', 'Retrieve detailed felony crime records using a case number and location.')]],
    ['What is the humidity in Miami over the next 7 days?', [tool('weather_humidity_forecast', 'Retrieve a humidity forecast for a location and time frame.')]],
    ['Calculate the average of 12, 15 and 18.', [tool('calculate_average', 'Calculates the average of a list of numbers.')]],
    ['Convert 5000 yen to dollars and 15 km to miles.', [tool('currency_conversion', 'Convert an amount between currencies.'), tool('unit_conversion', 'Convert a value from one unit to another.')]],
    ['Book a table for two at Luigi tonight.', [tool('restaurant_reservation', 'Reserve a table at a restaurant.'), tool('get_weather', 'Current weather for a city.')]],
    ['Can you tell me the current stock price of Apple?', [tool('get_stock_price', 'Get the current stock price of a company')]],
    ['I need to send an email to my boss about the meeting tomorrow.', [tool('send_email', 'Send an email to a recipient'), tool('get_news', 'Get the latest news')]],
    ['How far is it from New York to Boston?', [tool('calculate_distance', 'Calculate the distance between two locations')]],
    ['Play some jazz music.', [tool('play_music', 'Play music of a given genre or artist')]],
    ['Set a reminder for my dentist appointment at 3pm.', [tool('create_reminder', 'Create a reminder with a title and time')]],
  ])('a task served by the offered tools is tools: %s', (task, tools) => {
    expect(intent.classify(fc(task, tools), CATEGORIES).category).toBe('tools');
  });

  it('chit-chat with unrelated tools gets its task category under intent, tools under present', () => {
    const r = fc('hey, how are you today?', [tool('get_stock_price', 'Get the latest stock price for a ticker symbol.')]);
    expect(intent.classify(r, CATEGORIES).category).toBe('conversation');
    expect(present.classify(r, CATEGORIES)).toMatchObject({ category: 'tools', confidence: 1 });
  });

  it('a forced or named tool_choice is tools', () => {
    const tools = [tool('get_stock_price', 'Get the latest stock price for a ticker.')];
    expect(intent.classify(fc('hello', tools, { tool_choice: 'required' }), CATEGORIES).category).toBe('tools');
    expect(intent.classify(fc('hello', tools, { tool_choice: { type: 'function', function: { name: 'get_stock_price' } } }), CATEGORIES).category).toBe('tools');
    expect(intent.classify(fc('hello', tools, { tool_choice: 'none' }), CATEGORIES).category).toBe('conversation');
  });

  it('names a tool explicitly', () => {
    const r = fc("Use the 'calculate_roi' function on these numbers.", [tool('calculate_roi', 'Return on investment.')]);
    expect(intent.classify(r, CATEGORIES).reasons?.[0]).toMatch(/names the tool calculate_roi/);
  });

  it('treats legacy functions like tools', () => {
    const r: ChatRequest = { model: 'm', messages: [user('What is the weather in Paris right now?')], functions: [{ name: 'get_current_weather', description: 'Get the current weather in a location' }] };
    expect(intent.classify(r, CATEGORIES).category).toBe('tools');
    expect(present.classify({ ...r, messages: [user('hi')] }, CATEGORIES).category).toBe('tools');
  });

  it('a request without tools is never tools', () => {
    expect(intent.classify({ model: 'm', messages: [user('Run npm test in the repo.')] }, CATEGORIES).category).not.toBe('tools');
    expect(present.classify({ model: 'm', messages: [user('hi')], tools: [] }, CATEGORIES).category).toBe('conversation');
  });
});

describe('tool vocabulary helpers', () => {
  it('stems plurals, -ed, -ing and a final e alike', () => {
    expect(stem('calculates')).toBe(stem('calculating'));
    expect(stem('retrieved')).toBe(stem('retrieve'));
    expect(stem('records')).toBe('record');
    expect(stem('database')).toBe(stem('databases'));
  });

  it('raises the overlap threshold with the number of tools', () => {
    const s = DEFAULT_TOOL_INTENT_SETTINGS;
    expect(overlapThresholdFor(2, false, s)).toBe(1);
    expect(overlapThresholdFor(6, false, s)).toBe(1.25);
    expect(overlapThresholdFor(12, false, s)).toBe(1.5);
    expect(overlapThresholdFor(2, true, s)).toBe(1.5);
  });
});

const FIXTURES = OPENCLAW_FIXTURES;
describe.skipIf(!sharedPresent(`${FIXTURES}/agent-turn.request.json`, 'tool-intent.test OpenClaw fixtures'))('tools policy on the real OpenClaw fixtures', () => {
  const load = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}.request.json`, 'utf8')) as ChatRequest;
  it.each([
    ['agent-turn', 'conversation', 'tools', 'conversation'],
    ['gateway-agent-turn', 'conversation', 'tools', 'conversation'],
    ['cron-agent-turn', 'conversation', 'tools', 'conversation'],
    ['agent-tool-loop', 'tools', 'tools', 'conversation'],
  ])('%s: intent → %s, present → %s, auto (an agent harness: its task decides) → %s', (name, withIntent, withPresent, withAuto) => {
    expect(intent.classify(load(name), CATEGORIES).category).toBe(withIntent);
    expect(present.classify(load(name), CATEGORIES).category).toBe(withPresent);
    const decided = auto.classify(load(name), CATEGORIES);
    expect(decided.category).toBe(withAuto);
    expect(decided.reasons?.join(' ')).toMatch(/agent harness \(harness boilerplate/);
  });
});
