import { describe, expect, it } from 'vitest';
import { tokenize } from './keyword-rules.ts';
import {
  closingInstruction, deduction, fermiEstimate, implementationAsked, isOnlyPleasantry, riddle, systemTask, withoutPleasantries,
  zhComparisons, zhProgramming, zhQuantitative, zhSystemTask,
} from './task-shape.ts';

describe('task shapes', () => {
  it('sets a pleasantry aside only when a task is left', () => {
    expect(withoutPleasantries('Hi! What is 12 times 7?')).toEqual({ text: 'What is 12 times 7?', removed: true });
    expect(withoutPleasantries('Fix this loop, thanks!')).toEqual({ text: 'Fix this loop', removed: true });
    expect(withoutPleasantries('Hello there!').removed).toBe(false);
    expect(withoutPleasantries('hi, how are you?').removed).toBe(false);
    expect(isOnlyPleasantry('thanks, that works!')).toBe(true);
    expect(isOnlyPleasantry('thanks, now do it in Go')).toBe(false);
  });

  it('knows an imperative aimed at the computing environment, in English and Chinese', () => {
    expect(systemTask(tokenize('show every file changed this week, largest first'))).toBe(true);
    expect(systemTask(tokenize('Can you kill the process listening on port 8080?'))).toBe(true);
    expect(systemTask(tokenize('Show me a recipe for pancakes'))).toBe(false);
    expect(systemTask(tokenize('I lost my file of recipes'))).toBe(false);
    expect(zhSystemTask('列出当前目录下所有大于100MB的文件')).toBe(true);
    expect(zhSystemTask('今天天气怎么样？')).toBe(false);
    expect(zhProgramming('请用Python写一个快速排序')).toBe(true);
    expect(zhProgramming('这个函数的定义域是什么？')).toBe(false);
  });

  it('finds reasoning that carries no digits', () => {
    expect(riddle('What has a neck but no head?')).toBe(true);
    expect(riddle('What has happened to the economy?')).toBe(false);
    expect(fermiEstimate('Estimate how many golf balls fit in a school bus')).toBe(true);
    expect(fermiEstimate('How many people live in Paris?')).toBe(false);
    expect(deduction('Only one of them tells the truth. Who is lying?')).toBe(true);
    expect(deduction('Who killed Abraham Lincoln?')).toBe(false);
    expect(zhComparisons('甲比乙高，乙比丙高，谁最矮？')).toBe(2);
    expect(zhQuantitative('还剩几个？')).toBe(true);
  });

  it('sees an implementation request and the closing instruction of a long paste', () => {
    expect(implementationAsked('Your task is to implement a binary search algorithm.')).toBe(true);
    expect(implementationAsked('A loyalty program gives 5 points per dollar.')).toBe(false);
    expect(closingInstruction('short text')).toBeNull();
    expect(closingInstruction(`${'Once upon a time. '.repeat(80)}\n\nWho did it?`)).toBe('Who did it?');
  });
});
