import { describe, expect, it } from 'vitest';
import { tokenize } from './keyword-rules.ts';
import { structureScores, structureSignals } from './structure-signals.ts';

const signals = (text: string, priorTurns = 0) => structureSignals(text, tokenize(text), priorTurns);

describe('structureSignals', () => {
  it('sees code: fences, code lines, inline syntax', () => {
    const s = signals('Fix this:\n```python\ndef add(a, b):\n    return a+b;\n```');
    expect(s.fence).toBe(true);
    expect(s.codeLines).toBeGreaterThanOrEqual(2);
    expect(signals('call arr.push(x) when max_len == 0 and use getElementById').codeTokens).toBeGreaterThanOrEqual(3);
  });

  it('sees error output', () => {
    expect(signals('Traceback (most recent call last):\n  File "a.py", line 3, in <module>\nKeyError: \'x\'').errorOutput).toBeGreaterThanOrEqual(2);
    expect(signals('He blamed human error for the delay.').errorOutput).toBe(0);
  });

  it('sees a word problem: numbers, a quantitative question, arithmetic relations', () => {
    const s = signals('Sam has 3 boxes with 12 pens each and gives away twice as many as he keeps. How many pens are left?');
    expect(s).toMatchObject({ quantQuestion: true, question: true });
    expect(s.numbers).toBeGreaterThanOrEqual(2);
    expect(s.relations).toBeGreaterThanOrEqual(2);
    expect(structureScores(s).reasoning).toBeGreaterThan(3);
  });

  it('sees math notation and answer choices', () => {
    expect(signals('Solve x^2 - 5x + 6 = 0').mathOps).toBeGreaterThanOrEqual(2);
    expect(signals('Which is larger?\nAnswer Choices: A)12 B)15 C)18').answerChoices).toBe(true);
  });

  it('does not read numbers in code-shaped text as math (code wins over reasoning)', () => {
    const s = signals('```\nfor (let i = 0; i < 10; i++) {\n  total += 2 * i;\n}\n```');
    expect(s.numbers).toBe(0);
    expect(structureScores(s).reasoning).toBe(0);
    expect(structureScores(s).code).toBeGreaterThan(3);
  });

  it('leans short turns and ongoing dialogue to conversation, and leaves plain prose alone', () => {
    expect(structureScores(signals('hi there')).conversation).toBeGreaterThan(0);
    expect(structureScores(signals('I think so too, see you at the game.', 3)).conversation).toBeGreaterThan(0);
    const prose = structureScores(signals('The museum opened a new wing for modern sculpture last spring.'));
    expect(prose.code + prose.reasoning).toBe(0);
  });
});

describe('equations and ordering premises', () => {
  it('sees an equation in an unknown, however short the request', () => {
    for (const text of ['If 3x + 5 = 20, what is x?', 'x^2 - 4 = 0', 'Given 2y = 14, find y', 'n * 3 = 21']) {
      const s = signals(text);
      expect(s.equation, text).toBe(true);
      expect(structureScores(s).reasoning, text).toBeGreaterThanOrEqual(2);
    }
  });

  it('does not take assignments, dates or plain numbers for equations', () => {
    for (const text of ['In Python, what does x = 5 do?', 'Set timeout = 30 in the config', 'The meeting is on 2024-05-01', 'I have 3 cats and 2 dogs']) {
      expect(signals(text).equation, text).toBe(false);
    }
  });

  it('counts comparisons between named things, and scores them only as premises of a question', () => {
    const puzzle = signals('John is taller than Mary. Mary is taller than Sue. Who is the shortest?');
    expect(puzzle.comparisons).toBe(2);
    expect(structureScores(puzzle).reasoning).toBeGreaterThanOrEqual(1.5);
    const remark = signals('My brother is taller than me, and my sister is older than both of us.');
    expect(structureScores(remark).reasoning).toBe(0);
  });
});

describe('questions after premises', () => {
  it('reads a question put after premises that carry quantities as reasoning, in other languages too', () => {
    const boxes = signals('There are 3 boxes, one with apples, one with oranges, one with both. All labels are wrong. You may take one fruit from one box. How do you relabel them?');
    expect(boxes.premisedQuestion).toBe(true);
    expect(structureScores(boxes).reasoning).toBeGreaterThanOrEqual(2);
    expect(signals('Wenn 3 Arbeiter 12 Tage brauchen, wie lange brauchen 4 Arbeiter?').quantQuestion).toBe(true);
    expect(signals('Combien de temps faut-il pour parcourir 120 km à 60 km/h ?').quantQuestion).toBe(true);
  });

  it('leaves advice and how-to questions about one’s own life to conversation', () => {
    for (const text of [
      'I bought 2 tickets for Friday. The show starts at 8. What should I wear?',
      'Our team has 5 people. We meet twice a week. How do you keep meetings short?',
      'I have two kids and one dog. We live in a flat. Where can we go on holiday?',
    ]) {
      const s = signals(text);
      expect(s.adviceQuestion, text).toBe(true);
      expect(structureScores(s).reasoning, text).toBe(0);
    }
  });
});

