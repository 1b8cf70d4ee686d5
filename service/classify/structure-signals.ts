// Structural signals of a task text that keywords miss: code (fences, code-like lines and syntax),
// error output (stack traces, compiler errors), math (numbers with operators, notation, answer
// choices, quantitative questions over given numbers), and dialogue shape (length, turn history).
// Every regex here is compiled once at module load and run on the bounded task text only.
import {
  cjkChars, codeObjectWithLanguage, hasCjk, deduction, fermiEstimate, languageConstruct, riddle, zhProgrammingAnchors, systemTask, zhComparisons, zhProgramming, zhQuantitative, zhSystemTask,
} from './task-shape.ts';

export interface StructureSignals {
  words: number;
  fence: boolean;
  /** Lines that look like source code (def/class/import/braces/tags/SQL/doctest…), capped. */
  codeLines: number;
  /** Code syntax inside prose: operators like == && =>, snake_case or camelCase names, calls, `ticks`. */
  codeTokens: number;
  /** Error output: tracebacks, "at f (file:1:2)", XxxError/XxxException, compiler error codes. */
  errorOutput: number;
  /** Numeric literals (digits) plus number words. */
  numbers: number;
  /** Arithmetic expressions and math notation. */
  mathOps: number;
  answerChoices: boolean;
  /** A quantitative question or instruction: how many/much/far…, find/calculate/solve… */
  quantQuestion: boolean;
  /** A question is asked (a question mark, or a wh-/how opening). */
  question: boolean;
  /** Arithmetic relations between quantities: "4 times", "twice", "half", "fewer", "more than", "each"… */
  relations: number;
  /** An equation in an unknown to solve ("3x + 5 = 20", "x^2 - 4 = 0"). */
  equation: boolean;
  /** Premises comparing named things ("A is taller than B", "甲比乙高"), the stuff of ordering puzzles. */
  comparisons: number;
  /** An imperative aimed at the computing environment ("show every file changed this week"), en or zh. */
  systemTask: boolean;
  /** A programming anchor in Chinese text (代码, 程序, 脚本…), which the word index cannot see. */
  zhProgramming: boolean;
  /** Distinct Chinese programming anchors (代码 and 报错 say more than either). */
  zhAnchors: number;
  /** A piece of code to write named with a programming language, in another European language. */
  codeObjectWithLanguage: boolean;
  /** A named part of a programming language ("the yield keyword"). */
  construct: boolean;
  /** A question after premises that carry quantities. */
  premisedQuestion: boolean;
  /** The closing question asks for advice or a how-to. */
  adviceQuestion: boolean;
  /** A riddle, a Fermi estimate, or a deduction question over premises ("who is lying?"). */
  riddle: boolean;
  estimate: boolean;
  deduction: boolean;
  priorTurns: number;
}

const CAP = 8;

// A fence opens a line (\uline{~~~~} in LaTeX is not one).
const FENCE_RE = /^[ \t]*(?:```|~~~)/m;
// One anchored alternation (the line-start test fails fast everywhere else).
const CODE_LINE_RE = new RegExp(
  String.raw`^[ \t]*(?:` +
  [
    String.raw`(?:async\s+)?def [A-Za-z_]\w*\s*\(`,
    String.raw`class [A-Za-z_]\w*\s*[:({<]`,
    String.raw`(?:import [\w.{}*, ]+(?: from .+)?|from [\w.]+ import .+)$`,
    String.raw`#include\s*[<"]`,
    String.raw`(?:export\s+)?(?:async\s+)?function\b[\w$ ]*\(`,
    String.raw`(?:const|let|var|val|auto|int|float|double|char|string|bool|void)\s+[\w$]+(?:\[\])?\s*(?:=|;|\()`,
    String.raw`(?:public|private|protected|static|final)\s+\w`,
    String.raw`return\b.*;\s*$`,
    String.raw`(?:if|for|while|switch|catch|elif|foreach)\s*\(.*\)\s*[{:]?\s*$`,
    String.raw`(?:for|while|if|elif|else|try|except|with)\b[^\n]*:\s*$`,
    String.raw`[})\]];?\s*$`,
    String.raw`[^\n]*\{\s*$`,
    String.raw`>>> `,
    String.raw`(?:\/\/|\/\*|\*\/|--|#!)`,
    String.raw`<\/?[a-zA-Z][\w-]*(?:\s[^>\n]*)?\/?>`,
    String.raw`(?:SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(?:TABLE|INDEX|VIEW)|ALTER\s+TABLE)\b`,
    String.raw`\$\w+\s*=`,
    String.raw`[\w.$]+\s*\([^()\n]*\)\s*;\s*$`,
    String.raw`[a-z_][\w.]+\s*(?:\[[^\]\n]*\])?\s*[-+*/]?=\s*[^=\n]+$`,
    String.raw`@\w+(?:\(.*\))?\s*$`,
    String.raw`(?:"""|\'\'\')`,
  ].join('|') +
  ')',
  'gm',
);
// Each alternative starts on a rare character (an operator, "_", "(", "[", "`", "<", a capital E
// of Error…) and checks what precedes it by lookbehind, so prose is scanned quickly.
const CODE_TOKEN_RE = new RegExp(
  [
    String.raw`[=!]==?(?!=)|=>|&&|\|\||::|\+\+|\+=|-=|\*=`,
    String.raw`(?<=[a-z0-9])_[a-z0-9]`,
    String.raw`(?<=\b[a-z]{2,})[A-Z]`,
    String.raw`(?<=\w)\.[A-Za-z_]\w*\(`,
    String.raw`(?<=\w)\([^()\n]{0,40}\)`,
    String.raw`(?<=\w)\[[\w"']*\]`,
    String.raw`\[\s*-?[\d.]+\s*(?:,\s*-?[\d.]+\s*){2,}\]`,
    String.raw`\[\s*["'][^"'\n]*["']\s*(?:,\s*["'][^"'\n]*["']\s*)+\]`,
    String.raw`\`[^\`\n]{1,80}\``,
    String.raw`<\/?(?:div|span|p|a|ul|li|table|tr|td|button|input|form|html|body|head|script|style|img|h[1-6])\b[^>\n]*>`,
  ].join('|'),
  'g',
);
const ERROR_RE = new RegExp(
  [
    String.raw`Traceback \(most recent call last\)`,
    String.raw`^\s+at [\w$.<>/]+ ?\(?[^\n]*:\d+(?::\d+)?\)?\s*$`,
    String.raw`^\s*File "[^"\n]+", line \d+`,
    String.raw`(?<=\b[A-Z][a-z]+(?:[A-Z][a-z]*)*)(?:Error|Exception)\b`,
    String.raw`\berror(?:\[?[A-Z]{0,3}\d{2,5}\]?)?: `,
    String.raw`\b(?:error|warning) [A-Z]{1,4}\d{2,5}\b`,
    String.raw`segmentation fault|core dumped|undefined reference to|npm ERR!|panicked at|Uncaught |cannot find symbol|command not found|No such file or directory|exit (?:code|status) -?\d+`,
    String.raw`\bis not (?:defined|a function)\b`,
  ].join('|'),
  'gm',
);
const NUMBER_RE = /(?<![\w.])\d+(?:[.,]\d+)*(?:\/\d+)?/g;
const MATH_RE = new RegExp(
  [
    String.raw`\d\s*[-+*/×÷^]\s*\(?\d`,
    String.raw`\^\s*\(?-?\d`,
    String.raw`[√π∑∫≤≥≠∞θ±]`,
    String.raw`\\(?:frac|sqrt|int|sum|cdot|times|leq?|geq?|pi|theta|alpha|infty|lim)\b`,
    String.raw`\b(?:sin|cos|tan|log|ln|sqrt)\s*\(`,
    String.raw`(?<=(?:^|[^\w.])[a-zA-Z]\s*)=\s*-?\d`,
    String.raw`\d\s*%`,
    String.raw`\b\d+[a-z](?![a-z])\s*[-+=]`,
    String.raw`(?<=\b[a-z]\s*)[<>]=?\s*-?\d`,
    String.raw`\d:\d+\b(?!\s*(?:am|pm|a\.m|p\.m))`,
  ].join('|'),
  'g',
);
// Every MATH_RE alternative needs a digit, a math symbol or a backslash command.
const MATH_HINT_RE = /[\d√π∑∫≤≥≠∞θ±\\]/;
const ANSWER_CHOICES_RE = /answer choices|(?:^|\s)\(?A\)\s*\S[\s\S]{0,300}?\s\(?B\)\s*\S|^\s*\(?[aA][.)]\s+\S[^\n]*\n\s*\(?[bB][.)]\s+\S/m;
const QUANT_RE = new RegExp(
  [
    String.raw`\bhow (?:many|much|far|long|old|fast|often|tall|high|heavy|large|wide|deep)\b`,
    String.raw`\bwhat (?:is|was|are|were|will be|would be|should be)(?: the| his| her| their| its)? (?:total|sum|product|value|number|probability|chance|odds|average|mean|median|cost|price|area|perimeter|volume|length|width|height|distance|speed|ratio|percent(?:age)?|difference|remainder|minimum|maximum|least|greatest|smallest|largest|rate|amount|profit|loss|answer|result|age|time|weight)\b`,
    String.raw`\b(?:find|calculate|compute|determine|evaluate|simplify|solve|estimate)\b`,
    String.raw`\bwhat (?:percent|fraction|portion)\b`,
    String.raw`\bat what (?:time|speed|rate|price|age|height|distance)\b`,
    String.raw`\bwhat time (?:will|does|did|would|should)\b`,
    String.raw`\bexpected (?:number|value|count)\b`,
    // The same interrogatives of quantity in the other common European languages.
    String.raw`\bcu[aá]nt[oa]s?\b|\ba qu[eé] hora\b|\bcombien\b|\b[aà] quelle heure\b|\bwie (?:viele?|lange|weit|alt|hoch|schnell|oft|schwer|gro[sß])\b|\bquant[oiea]\b|\bquant[oa]s\b`,
  ].join('|'),
  'iu',
);
// A term in a single-letter unknown (3x, 2y², x^2, 4*n, x + 3) on the left of "=" and a number on the right.
const EQUATION_RE = /(?:\d\s*\*?\s*[a-z](?![a-z])|\b[a-z]\s*(?:\^|\*\*|²|³)|\b[a-z]\s*[-+*/]\s*\d)[^=\n]{0,40}=\s*-?\d/i;
// "is taller than", "was older than", "runs faster than", "is more expensive than".
const COMPARISON_RE = /\b(?:is|are|was|were|runs|weighs|costs|scored|has|have)\s+(?:\w+er|more \w+|less \w+|fewer \w+)\s+than\b/gi;
const QUESTION_RE = /\?\s*$|\?\s|？|^\s*(?:what|how|which|who|when|where|why|find|calculate|determine)\b|(?:什么|怎么|为什么|哪|谁|多少|几|吗|呢)[\s。？！]*$/imu;
// Relations between quantities, and quantities with units ("3 hours", "$20", "40 km"): the substance
// of a word problem. Read from tokens: relation words, relation phrases, a number before a unit.
const RELATION_WORDS = new Set(['twice', 'thrice', 'half', 'plus', 'minus', 'fewer', 'each', 'per', 'every', 'altogether', 'remaining', 'times']);
const RELATION_PAIRS = new Set(['more than', 'less than', 'as many', 'as much', 'left over', 'in total', 'the rest']);
const UNITS = new Set([
  'more', 'less', 'fewer', 'percent', 'hour', 'hours', 'hr', 'hrs', 'minute', 'minutes', 'min', 'mins', 'second', 'seconds', 'day', 'days',
  'week', 'weeks', 'month', 'months', 'year', 'years', 'km', 'kilometer', 'kilometers', 'kilometres', 'mile', 'miles', 'meter', 'meters',
  'metres', 'cm', 'mm', 'kg', 'gram', 'grams', 'lb', 'lbs', 'pound', 'pounds', 'liter', 'liters', 'litres', 'gallon', 'gallons',
  'dollar', 'dollars', 'cent', 'cents', 'mph',
]);
const CURRENCY_RE = /[$€£¥₹]\s?\d/;
const isNumber = (t: string) => t.charCodeAt(0) >= 48 && t.charCodeAt(0) <= 57;

function relations(text: string, tokens: readonly string[], cap: number): number {
  let n = CURRENCY_RE.test(text) ? 1 : 0;
  for (let i = 0; i < tokens.length && n < cap; i++) {
    const t = tokens[i];
    if (RELATION_WORDS.has(t)) n++;
    else if (i + 1 < tokens.length && RELATION_PAIRS.has(`${t} ${tokens[i + 1]}`)) n++;
    else if (isNumber(t) && i + 1 < tokens.length && UNITS.has(tokens[i + 1])) n++;
  }
  return Math.min(n, cap);
}

/** "one" counts as a quantity only among premises (it is everywhere in plain talk). */
function oneCount(tokens: readonly string[]): number {
  let n = 0;
  for (const t of tokens) if (t === 'one') n++;
  return Math.min(n, 3);
}

const NUMBER_WORDS = new Set([
  'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'fifteen',
  'twenty', 'thirty', 'forty', 'fifty', 'hundred', 'thousand', 'million', 'twice', 'thrice', 'half',
  'third', 'quarter', 'dozen', 'double', 'triple', 'first', 'second', 'fourth', 'fifth',
]);

// A question put after premises that carry quantities ("There are 3 boxes… All labels are wrong… How
// do you relabel them?", "Mary's father has five daughters… What is the fifth one called?"): the answer
// follows from what was given (R1, R4). Advice and how-to questions about one's own life are not.
const SENTENCE_END_RE = /[.!;:](?:\s|$)|[。！；]/g;
const ADVICE_RE = /\b(?:should|recommend\w*|suggest\w*|advice|advise|tips?|ideas?|best|good|favou?rite|opinion|think|feel|like|love|prefer)\b|\b(?:can|could|shall|would|do|should) (?:i|we)\b|\bwhat (?:do|would) you\b|\bany\b/i;
const HOW_TO_RE = /\bhow (?:do|can|could|would|should|does) (?:you|one|they|he|she|it)\b/i;
const LOGICAL_CONSTRAINT_RE = /\b(?:all|only|exactly|none|neither|either|always|never|wrong|lies?|lying|truth|true|false|mislabell?ed)\b/i;
/** The closing question asks for advice or a how-to ("what should I wear?", "how do you keep meetings short?"). */
function adviceQuestion(task: string): boolean {
  const q = task.lastIndexOf('?');
  if (q < 0) return false;
  const lastBreak = Math.max(task.lastIndexOf('.', q), task.lastIndexOf('!', q), task.lastIndexOf(':', q), task.lastIndexOf('\n', q));
  const question = task.slice(lastBreak + 1, q);
  return ADVICE_RE.test(question) || (HOW_TO_RE.test(question) && !LOGICAL_CONSTRAINT_RE.test(task.slice(0, Math.max(lastBreak, 0))));
}

function premisedQuestion(task: string, numbers: number): boolean {
  if (numbers < 2) return false;
  const q = task.lastIndexOf('?');
  if (q < 0 || task.length - q > 3) return false;
  const lastBreak = Math.max(task.lastIndexOf('.', q), task.lastIndexOf('!', q), task.lastIndexOf(':', q), task.lastIndexOf('\n', q));
  if (lastBreak < 0) return false;
  const question = task.slice(lastBreak + 1, q);
  if (ADVICE_RE.test(question)) return false;
  // "How do you …?" is a how-to, unless the premises set the constraints of a puzzle.
  if (HOW_TO_RE.test(question) && !LOGICAL_CONSTRAINT_RE.test(task.slice(0, lastBreak))) return false;
  SENTENCE_END_RE.lastIndex = 0;
  return count(SENTENCE_END_RE, task.slice(0, lastBreak + 1), 3) >= 1 && lastBreak > 20;
}

/** Matches of a global regex, up to cap; test() advances lastIndex without allocating a match. */
function count(re: RegExp, text: string, cap = CAP): number {
  re.lastIndex = 0;
  let n = 0;
  while (n < cap && re.test(text)) {
    n++;
    if (re.lastIndex === 0) break;
  }
  re.lastIndex = 0;
  return n;
}

export function structureSignals(task: string, tokens: readonly string[], priorTurns: number): StructureSignals {
  const fence = FENCE_RE.test(task);
  const codeLines = count(CODE_LINE_RE, task);
  const signals: StructureSignals = {
    // Chinese/Japanese text is one token per run: count two characters as a word.
    words: hasCjk(task) ? tokens.length + Math.round(cjkChars(task) / 2) : tokens.length,
    fence,
    codeLines,
    codeTokens: count(CODE_TOKEN_RE, task),
    errorOutput: count(ERROR_RE, task, 4),
    numbers: 0, mathOps: 0, answerChoices: false, quantQuestion: false, question: false, relations: 0, equation: false, comparisons: 0,
    systemTask: systemTask(tokens) || zhSystemTask(task),
    zhProgramming: zhProgramming(task),
    zhAnchors: zhProgrammingAnchors(task),
    codeObjectWithLanguage: codeObjectWithLanguage(task),
    construct: languageConstruct(task),
    riddle: false, estimate: false, deduction: false, premisedQuestion: false, adviceQuestion: false,
    priorTurns,
  };
  // Code-shaped text is code whatever numbers it holds (rule C4): the math signals are not computed.
  if (fence || codeLines >= 2) return signals;
  signals.riddle = riddle(task);
  signals.estimate = fermiEstimate(task);
  signals.deduction = deduction(task);
  let numberWords = 0;
  for (const t of tokens) if (NUMBER_WORDS.has(t)) numberWords++;
  signals.numbers = count(NUMBER_RE, task, 12) + numberWords;
  signals.mathOps = MATH_HINT_RE.test(task) ? count(MATH_RE, task) : 0;
  signals.answerChoices = ANSWER_CHOICES_RE.test(task);
  signals.quantQuestion = QUANT_RE.test(task) || zhQuantitative(task);
  signals.question = QUESTION_RE.test(task);
  signals.relations = relations(task, tokens, 4);
  signals.equation = EQUATION_RE.test(task);
  signals.comparisons = count(COMPARISON_RE, task, 4) + zhComparisons(task);
  signals.premisedQuestion = premisedQuestion(task, signals.numbers + oneCount(tokens));
  signals.adviceQuestion = adviceQuestion(task);
  return signals;
}

export interface StructureScores {
  code: number;
  reasoning: number;
  conversation: number;
  reasons: string[];
}

/** Scores the built-in categories from structure; the weights are documented inline. */
export function structureScores(s: StructureSignals): StructureScores {
  const out: StructureScores = { code: 0, reasoning: 0, conversation: 0, reasons: [] };
  const add = (cat: 'code' | 'reasoning' | 'conversation', value: number, why: string) => {
    if (value === 0) return;
    out[cat] += value;
    out.reasons.push(`${cat}:${why}`);
  };
  // Code: a fence is strong, each code-looking line adds, inline syntax adds a little, error output is C3.
  if (s.fence) add('code', 2, 'code fence');
  if (s.codeLines) add('code', Math.min(s.codeLines, 6) * 0.9, `code lines×${s.codeLines}`);
  if (s.codeTokens) add('code', Math.min(s.codeTokens, 6) * 0.5, `code syntax×${s.codeTokens}`);
  if (s.errorOutput) add('code', 1.5 + s.errorOutput * 0.5, `error output×${s.errorOutput}`);
  // A shell or system task in plain words, no language named (C1); a Chinese programming anchor.
  if (s.systemTask) add('code', 2.5, 'system task in plain words');
  if (s.zhProgramming) add('code', 2.5 + Math.min(Math.max(s.zhAnchors - 1, 0), 2) * 0.5, `programming anchor (zh)${s.zhAnchors > 1 ? `×${s.zhAnchors}` : ''}`);
  if (s.codeObjectWithLanguage) add('code', 2, 'a piece of code named with its language');
  if (s.construct) add('code', 2, 'a named language construct');
  const codeShaped = s.fence || s.codeLines >= 2;
  // Reasoning: given numbers with a quantitative question, arithmetic and notation, answer choices.
  // Numbers inside code do not count: code wins over reasoning (rule C4).
  if (!codeShaped) {
    if (s.quantQuestion && s.numbers >= 2) add('reasoning', 2.5, 'quantitative question over given numbers');
    else if (s.quantQuestion && s.numbers === 1) add('reasoning', 0.75, 'quantitative question');
    if (s.relations && s.numbers >= 2 && (s.quantQuestion || (s.question && !s.adviceQuestion))) {
      add('reasoning', 1 + Math.min(s.relations, 3) * 0.25, `word problem (arithmetic relations×${s.relations})`);
    }
    if (s.numbers >= 3) add('reasoning', Math.min(s.numbers - 2, 4) * 0.3, `numbers×${s.numbers}`);
    if (s.mathOps) add('reasoning', Math.min(s.mathOps, 4) * 0.7, `math notation×${s.mathOps}`);
    if (s.answerChoices) add('reasoning', s.numbers >= 2 ? 2.5 : 1, 'answer choices');
    // An equation with an unknown is there to be solved (R1), however short the request.
    if (s.equation) add('reasoning', 2, 'equation in an unknown');
    // Two or more comparisons and a question: deduction over given premises (R4).
    // As strong as a riddle: the premises are given, the question asks for what follows from them.
    if (s.comparisons >= 2 && s.question) add('reasoning', 2.5 + Math.min(s.comparisons - 2, 2) * 0.5, `ordering premises×${s.comparisons}`);
    // Reasoning with no digits and no maths words: riddles, Fermi estimates, deduction questions.
    if (s.riddle) add('reasoning', 2.5, 'riddle');
    if (s.estimate) add('reasoning', 2.5, 'estimate (Fermi question)');
    if (s.deduction) add('reasoning', 2.5, 'deduction question over premises');
    if (s.premisedQuestion && !s.quantQuestion) add('reasoning', 2, 'a question after premises with quantities');
  }
  // Conversation: very short turns and turns of an ongoing dialogue lean to conversation.
  if (s.words > 0 && s.words <= 4 && !s.codeTokens && !s.numbers) add('conversation', 0.5, 'short turn');
  if (s.priorTurns >= 2) add('conversation', 0.3, 'ongoing dialogue');
  return out;
}
