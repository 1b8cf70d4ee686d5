import { describe, expect, it } from 'vitest';
import { tokenize } from './keyword-rules.ts';
import {
  closingInstruction, deduction, fermiEstimate, implementationAsked, isOnlyPleasantry, riddle, systemTask, withoutPleasantries,
  zhComparisons, zhProgramming, zhProgrammingAnchors, zhQuantitative, zhSystemTask, languageConstruct, codeObjectWithLanguage,
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

  it('reads a request for code in Chinese by what is to be written, not by the maths sense of 函数', () => {
    expect(zhProgramming('写一个函数，判断一个字符串是不是回文')).toBe(true);
    expect(zhProgramming('已知函数 f(x)=2x+1，求 f(3) 的值')).toBe(false);
    expect(zhProgrammingAnchors('这段代码为什么会报错')).toBe(2);
    expect(zhQuantitative('两管同时开需要多久？')).toBe(true);
  });

  it('knows a named part of a programming language, and code named with its language in other languages', () => {
    expect(languageConstruct('What does the yield keyword do?')).toBe(true);
    expect(languageConstruct('When should I use the spread operator?')).toBe(true);
    expect(languageConstruct('Can you send me the bank statement?')).toBe(false);
    expect(codeObjectWithLanguage('Escribe una función en Python que invierta una lista')).toBe(true);
    expect(codeObjectWithLanguage('Schreib ein Skript in Bash, das alte Logs löscht')).toBe(true);
    expect(codeObjectWithLanguage('Une fonction JavaScript qui trie un tableau')).toBe(true);
    expect(codeObjectWithLanguage('La función de la familia en la sociedad')).toBe(false);
    expect(codeObjectWithLanguage('I speak Java and Go fluently, which is rare')).toBe(false);
  });
});
