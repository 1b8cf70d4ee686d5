// /v1/classify on the task shapes keywords used to miss: follow-ups, greetings around a task,
// everyday nouns that are also code words, reasoning without digits, shell tasks in plain words,
// long pastes decided by their closing question, and Chinese requests. Each answer names its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../support/start-gateway.ts';

let gw: RunningGateway;
beforeAll(async () => {
  gw = await startGateway({});
});
afterAll(async () => {
  await gw?.close();
});

type Turn = { role: 'user' | 'assistant'; content: string };
async function classify(...turns: Array<string | Turn>): Promise<{ category: string; reasons: string[] }> {
  const messages = turns.map((t, i) => (typeof t === 'string' ? { role: i % 2 ? 'assistant' : 'user', content: t } : t));
  const res = await fetch(`${gw.url}/v1/classify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages }) });
  expect(res.status).toBe(200);
  return res.json();
}

describe('task shapes over /v1/classify', () => {
  it('a follow-up with no signal of its own keeps the category of the task it follows; thanks does not', async () => {
    const code = ['Write a Python function that reverses a string.', 'def rev(s):\n    return s[::-1]'];
    const followUp = await classify(...code, 'what about the second one?');
    expect(followUp.category).toBe('code');
    expect(followUp.reasons.join(' ')).toMatch(/follow-up .* keeps the category .*code/);
    const puzzle = ['A bat and a ball cost 1.10 in total. The bat costs 1.00 more than the ball. How much does the ball cost?', 'The ball costs 5 cents.'];
    expect((await classify(...puzzle, 'shorter, please')).category).toBe('reasoning');
    expect((await classify(...code, 'thanks, that works!')).category).toBe('conversation');
  });

  it('a greeting counts only when the turn is nothing but one', async () => {
    const task = await classify('Hi! A train leaves at 3 pm at 60 km/h and another at 4 pm at 80 km/h. When does the second one catch up?');
    expect(task.category).toBe('reasoning');
    expect(task.reasons).toContain('greeting set aside: the turn carries a task');
    expect((await classify('Hello there!')).category).toBe('conversation');
  });

  it('everyday nouns that are also code words need a programming anchor', async () => {
    const table = await classify('Which column of the table should the salad fork go in when I set it for six?');
    expect(table.category).toBe('conversation');
    expect((await classify('Write a script for a short film about a lighthouse keeper.')).category).toBe('conversation');
    expect((await classify('Add a column to the users table in PostgreSQL with a default value.')).category).toBe('code');
  });

  it('riddles, Fermi estimates and deduction questions are reasoning without digits', async () => {
    expect((await classify('What has keys but cannot open any locks?')).reasons).toContain('reasoning:riddle');
    expect((await classify('Roughly how many piano tuners are there in Chicago?')).category).toBe('reasoning');
    expect((await classify('Alice is older than Bob and Carol is younger than Bob. Who is the oldest?')).category).toBe('reasoning');
  });

  it('a shell task in plain words is programming work', async () => {
    const shell = await classify('show every file changed this week, largest first');
    expect(shell.category).toBe('code');
    expect(shell.reasons).toContain('code:system task in plain words');
  });

  it('a long paste is decided by the question after it', async () => {
    const story = 'The house was quiet when the guests arrived. The butler took their coats and the cook served dinner. '.repeat(25);
    const mystery = await classify(`${story}\n\nThe gardener says he was in the greenhouse; the maid says she was upstairs. Only one of them tells the truth. Who is lying?`);
    expect(mystery.category).toBe('reasoning');
    expect((await classify(`${story}\n\nRewrite this story in the voice of a pirate.`)).category).toBe('conversation');
  });

  it('reads Chinese requests by their structure', async () => {
    expect((await classify('小明有5个苹果，给了小红2个，还剩几个？')).category).toBe('reasoning');
    expect((await classify('甲比乙高，乙比丙高，谁最矮？')).category).toBe('reasoning');
    expect((await classify('列出当前目录下所有大于100MB的文件')).category).toBe('code');
    expect((await classify('请用Python写一个快速排序')).category).toBe('code');
    expect((await classify('今天天气怎么样？')).category).toBe('conversation');
  });
});
