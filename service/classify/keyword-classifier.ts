// Keyword classifier: synchronous, allocation-light scoring of a request's task text.
//
// Score of a category = weighted keyword terms found in the task text
//                     + historyWeight × (terms + structure) of the earlier turns, capped at historyCap
//                     + systemWeight × terms found in the leading slice of the system prompt
//                       (only when the task itself carried a signal, capped, and never for agent-wrapped
//                       requests, whose system prompt is framework boilerplate: it never decides alone)
//                     + structural signals (code/reasoning/conversation only; see structure-signals.ts)
// The default category (conversation) starts at `minScore`, so low totals resolve to it.
// `tools` is decided by the tools policy (tool-intent.ts, agent-harness.ts) and never wins without
// offered tools.
// Highest score wins; ties resolve by `tieOrder` (tools, code, reasoning, then custom categories in
// definition order, the default category last). Confidence = 1 − exp(−margin / confidenceScale), where
// margin is the winner's lead over the runner-up.
import type { ChatRequest } from '../canonical/chat-types.ts';
import type { CategoryDefinition, Classification, Classifier } from './category.ts';
import { compiledRulesFor, scoreText, tokenize } from './keyword-rules.ts';
import type { CompiledRules, Gated } from './keyword-rules.ts';
import { closingInstruction, implementationAsked, isOnlyPleasantry, withoutPleasantries } from './task-shape.ts';
import { structureScores, structureSignals } from './structure-signals.ts';
import {
  compileBoilerplate, DEFAULT_BOILERPLATE_PATTERNS, DEFAULT_TASK_TEXT_LIMITS, extractTaskText,
} from './task-text.ts';
import type { TaskText, TaskTextLimits } from './task-text.ts';
import { whoIsCalling } from './agent-harness.ts';
import { assessToolIntent, decisiveToolIntent, DEFAULT_TOOL_INTENT_SETTINGS, hasTools, TOOLS_POLICIES } from './tool-intent.ts';
import type { ToolIntent, ToolIntentSettings, ToolsPolicy } from './tool-intent.ts';
import type { OperatorPattern } from './operator-pattern.ts';

export type { ToolsPolicy } from './tool-intent.ts';

export interface KeywordClassifierSettings {
  /** 'auto' (default): tools unless an agent harness is calling; 'intent': tools only when the turn
   *  needs them; 'present': any tools array ⇒ tools. */
  toolsPolicy?: ToolsPolicy;
  /** Agent boilerplate stripped from user turns; replaces the defaults (DEFAULT_BOILERPLATE_PATTERNS). */
  boilerplatePatterns?: ReadonlyArray<string | RegExp>;
  /** Category that wins low totals; it starts at minScore. Default 'conversation'. */
  defaultCategory?: string;
  /** Starting score of the default category. Default 1.25 (one weak keyword does not beat it). */
  minScore?: number;
  /** Factor for terms and structure found in earlier turns. Default 0.5. */
  historyWeight?: number;
  /** Most the earlier turns add to one category, so the final turn's own signal leads. Default 2. */
  historyCap?: number;
  /** Factor for terms found in the system prompt slice. Default 0.15, capped at systemCap per category. */
  systemWeight?: number;
  systemCap?: number;
  /** Margin that gives confidence 1 − 1/e. Default 2. */
  confidenceScale?: number;
  /** Tie order by category name; unlisted categories follow in definition order, the default last. */
  tieOrder?: readonly string[];
  /** Tool-intent thresholds (policy 'intent'): overlap for few (≤4) and many (≥8 or agent) tools. */
  toolOverlapThreshold?: number;
  toolOverlapThresholdMany?: number;
  toolActionThreshold?: number;
  /** Bounds of the text that is scanned. */
  limits?: Partial<TaskTextLimits>;
}

export interface ResolvedKeywordSettings {
  toolsPolicy: ToolsPolicy;
  boilerplatePatterns: ReadonlyArray<string | RegExp>;
  defaultCategory: string;
  minScore: number;
  historyWeight: number;
  historyCap: number;
  systemWeight: number;
  systemCap: number;
  confidenceScale: number;
  tieOrder: readonly string[];
  toolOverlapThreshold: number;
  toolOverlapThresholdMany: number;
  toolActionThreshold: number;
  limits: TaskTextLimits;
}

export const DEFAULT_KEYWORD_SETTINGS: ResolvedKeywordSettings = {
  toolsPolicy: 'auto',
  boilerplatePatterns: DEFAULT_BOILERPLATE_PATTERNS,
  defaultCategory: 'conversation',
  minScore: 1.25,
  historyWeight: 0.5,
  historyCap: 2,
  systemWeight: 0.15,
  systemCap: 0.5,
  confidenceScale: 2,
  tieOrder: ['tools', 'code', 'reasoning'],
  toolOverlapThreshold: DEFAULT_TOOL_INTENT_SETTINGS.overlapThreshold,
  toolOverlapThresholdMany: DEFAULT_TOOL_INTENT_SETTINGS.overlapThresholdMany,
  toolActionThreshold: DEFAULT_TOOL_INTENT_SETTINGS.actionThreshold,
  limits: DEFAULT_TASK_TEXT_LIMITS,
};

const round = (x: number) => Math.round(x * 1000) / 1000;

const POLITE = new Set(['please', 'can', 'could', 'would', 'will', 'you', 'kindly', 'now', 'then', 'first', 'and', 'also', 'go', 'ahead', 'just', 'i', 'need', 'want', 'to', 'me', 'help', 'us', 'let', "let's", 'hey', 'ok', 'okay']);

/** The tokens after politeness ("please", "can you", "I need you to"): an imperative verb starts them. */
function imperativeLead(tokens: readonly string[]): string[] {
  let i = 0;
  while (i < tokens.length && i < 6 && POLITE.has(tokens[i])) i++;
  return tokens.slice(i, i + 3);
}

export class KeywordClassifier implements Classifier {
  readonly settings: ResolvedKeywordSettings;
  private readonly patterns: OperatorPattern[];
  private readonly toolSettings: ToolIntentSettings;

  constructor(settings: KeywordClassifierSettings = {}) {
    const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
    this.settings = {
      ...DEFAULT_KEYWORD_SETTINGS,
      ...defined,
      limits: { ...DEFAULT_TASK_TEXT_LIMITS, ...(settings.limits ?? {}) },
    } as ResolvedKeywordSettings;
    if (!TOOLS_POLICIES.includes(this.settings.toolsPolicy)) {
      throw new Error(`toolsPolicy must be one of ${TOOLS_POLICIES.join(', ')}, got ${String(this.settings.toolsPolicy)}`);
    }
    this.patterns = compileBoilerplate(this.settings.boilerplatePatterns);
    this.toolSettings = {
      ...DEFAULT_TOOL_INTENT_SETTINGS,
      policy: this.settings.toolsPolicy,
      overlapThreshold: this.settings.toolOverlapThreshold,
      overlapThresholdMany: this.settings.toolOverlapThresholdMany,
      actionThreshold: this.settings.toolActionThreshold,
    };
  }

  /** The task text this classifier reads from a request (for /v1/classify and the LLM prompt). */
  taskText(request: ChatRequest): TaskText {
    return extractTaskText(request, this.patterns, this.settings.limits);
  }

  classify(request: ChatRequest, categories: readonly CategoryDefinition[]): Classification {
    return this.#classify(request, categories, 0);
  }

  /** depth > 0: the task a follow-up follows, read by its words alone (the tools were decided already). */
  #classify(request: ChatRequest, categories: readonly CategoryDefinition[], depth: number): Classification {
    const s = this.settings;
    const n = categories.length;
    if (n === 0) return { category: s.defaultCategory, method: 'keyword', confidence: 0, scores: {}, reasons: ['no categories'] };
    const rules = compiledRulesFor(categories);
    const task = this.taskText(request);
    const idx = (name: string) => rules.names.indexOf(name);
    const toolsIdx = idx('tools');
    // Policy 'auto': who is calling decides whether the tools array makes the request `tools`.
    const caller = depth === 0 && toolsIdx >= 0 && s.toolsPolicy === 'auto' && hasTools(request) ? whoIsCalling(request, task) : null;
    // A plain function-calling request, a tool loop, a forced tool_choice or policy 'present' decide
    // without reading the task.
    const decided = caller
      ? caller.harness ? null : { score: 10, reasons: [`tools:plain function-calling request (${caller.why}; policy auto)`] }
      : toolsIdx >= 0 && depth === 0 ? decisiveToolIntent(request, task, s.toolsPolicy) : null;
    if (decided) {
      const out: Record<string, number> = {};
      categories.forEach((c, i) => { out[c.name] = i === toolsIdx ? decided.score : 0; });
      return { category: 'tools', method: 'keyword', confidence: 1, scores: out, reasons: decided.reasons };
    }
    // A greeting or thanks around a task is set aside; a turn that is nothing but one keeps it.
    const bare = withoutPleasantries(task.task);
    const text = bare.text;
    const taskTokens = tokenize(text);

    const scores = new Float64Array(n);
    const why: string[][] = Array.from({ length: n }, () => []);
    const gated: Gated = { amount: new Float64Array(n), labels: [] };
    scoreText(rules, taskTokens, text, scores, 1, why, taskTokens.length, gated);
    // A long paste is decided by the instruction after it: its closing paragraph counts again.
    const closing = closingInstruction(text);
    if (closing) {
      const closingWhy: string[][] = Array.from({ length: n }, () => []);
      scoreText(rules, tokenize(closing), closing, scores, 1, closingWhy, Infinity, gated);
      closingWhy.forEach((labels, i) => { for (const l of labels) why[i].push(`closing instruction:${l}`); });
    }

    // Tools policy (intent): tool overlap and action verbs, which count in the task's imperative lead
    // only ("Run …", "Please open …", "Can you list …").
    let actionScore = 0;
    const actionTerms: string[] = [];
    if (!caller && toolsIdx >= 0 && scores[toolsIdx] > 0 && hasTools(request)) {
      const lead = new Float64Array(n);
      const leadWhy: string[][] = Array.from({ length: n }, () => []);
      scoreText(rules, imperativeLead(taskTokens), null, lead, 1, leadWhy, 1);
      actionScore = lead[toolsIdx];
      actionTerms.push(...leadWhy[toolsIdx]);
    }
    if (toolsIdx >= 0) why[toolsIdx] = []; // action terms are reported by the tools policy
    const intent: ToolIntent = caller
      ? { offered: true, isTools: false, score: 0, confidence: 0, reasons: [`tools:agent harness (${caller.why}): the task decides; its tools stay a capability requirement on the chain`] }
      : assessToolIntent(request, task, taskTokens, actionScore, actionTerms, this.toolSettings);
    if (intent.isTools && toolsIdx >= 0 && depth === 0) {
      const out: Record<string, number> = {};
      categories.forEach((c, i) => { out[c.name] = i === toolsIdx ? intent.score : round(scores[i]); });
      return { category: 'tools', method: 'keyword', confidence: round(intent.confidence), scores: out, reasons: intent.reasons };
    }

    const structural = structureScores(structureSignals(text, taskTokens, task.priorTurns));
    const extra: string[] = [];
    if (bare.removed) extra.push('greeting set aside: the turn carries a task');
    // Everyday nouns that are also code words (table, list, script…) need a programming anchor.
    const codeIdx = idx('code');
    if (codeIdx >= 0 && gated.amount[codeIdx] > 0 && scores[codeIdx] - gated.amount[codeIdx] < 1 && structural.code <= 0) {
      scores[codeIdx] -= gated.amount[codeIdx];
      why[codeIdx] = why[codeIdx].filter((label) => !gated.labels.includes(label.replace(/^closing instruction:/, '')));
      extra.push(`code: ${[...new Set(gated.labels)].slice(0, 4).join(', ')} without a programming anchor set aside`);
    }

    let taskSignal = structural.code > 0 || structural.reasoning > 0;
    for (let i = 0; i < n; i++) if (i !== toolsIdx && scores[i] > 0) taskSignal = true;

    if (task.history) this.addHistory(task.history, rules, scores, why, toolsIdx);
    if (task.system && taskSignal && s.systemWeight > 0 && !task.agentWrapped) this.addSystem(task.system, rules, scores, why, toolsIdx);

    for (const name of ['code', 'reasoning', 'conversation'] as const) {
      const i = idx(name);
      if (i >= 0) scores[i] += structural[name];
    }
    extra.push(...structural.reasons);
    // Rule C4: a problem posed for implementation is code, however much arithmetic it holds.
    const reasoningIdx = idx('reasoning');
    if (codeIdx >= 0 && reasoningIdx >= 0 && scores[reasoningIdx] >= scores[codeIdx] && scores[codeIdx] > 0 && implementationAsked(text)) {
      scores[codeIdx] = scores[reasoningIdx] + 0.5;
      extra.push('code: an implementation is asked (code wins over reasoning)');
    }

    if (toolsIdx >= 0) scores[toolsIdx] = 0; // tools is decided by the policy above, never by task words
    const defIdx = idx(s.defaultCategory);
    if (defIdx >= 0) scores[defIdx] += s.minScore;

    // A follow-up with no signal of its own ("what about the second one?", "shorter, please") keeps
    // the category of the task it follows; a turn that is only a pleasantry does not.
    if (!taskSignal && depth < 2 && task.taskIndex > 0 && task.priorTurns > 0 && taskTokens.length <= 25 && !bare.removed && !isOnlyPleasantry(task.task)) {
      const before = this.#classify({ ...request, messages: request.messages.slice(0, task.taskIndex) }, categories, depth + 1);
      if (before.category !== s.defaultCategory && before.category !== 'tools' && rules.names.includes(before.category)) {
        const out: Record<string, number> = {};
        categories.forEach((c, i) => { out[c.name] = i === toolsIdx ? intent.score : round(scores[i]); });
        const reasons = [`follow-up with no signal of its own: keeps the category of the task it follows (${before.category})`, ...intent.reasons];
        if (task.agentWrapped) reasons.push('agent boilerplate stripped');
        return { category: before.category, method: 'keyword', confidence: round(before.confidence * 0.8), scores: out, reasons };
      }
    }

    const winner = this.pick(scores, rules.names, toolsIdx);
    let runnerUp = -Infinity;
    for (let i = 0; i < n; i++) if (i !== winner && i !== toolsIdx && scores[i] > runnerUp) runnerUp = scores[i];
    if (runnerUp === -Infinity) runnerUp = 0;
    const margin = Math.max(0, scores[winner] - runnerUp);
    const confidence = round(1 - Math.exp(-margin / s.confidenceScale));

    const out: Record<string, number> = {};
    categories.forEach((c, i) => { out[c.name] = i === toolsIdx ? intent.score : round(scores[i]); });
    const reasons: string[] = [];
    for (let i = 0; i < n; i++) for (const r of why[i]) reasons.push(`${rules.names[i]}:${r}`);
    reasons.push(...extra, ...intent.reasons);
    if (task.agentWrapped) reasons.push('agent boilerplate stripped');
    if (intent.offered && !caller) reasons.push('tools offered but the task does not need them');
    return { category: rules.names[winner], method: 'keyword', confidence, scores: out, reasons };
  }

  /**
   * Earlier turns count at historyWeight, keywords and structure alike (a follow-up such as "what if
   * it were 30 instead?" inherits the problem it follows), at most historyCap per category.
   */
  private addHistory(history: string, rules: CompiledRules, scores: Float64Array, why: string[][], toolsIdx: number): void {
    const s = this.settings;
    const n = scores.length;
    const hist = new Float64Array(n);
    const histWhy: string[][] = Array.from({ length: n }, () => []);
    const histTokens = tokenize(history);
    scoreText(rules, histTokens, null, hist, s.historyWeight, histWhy);
    const recent = history.length > 600 ? history.slice(-600) : history;
    const structure = structureScores(structureSignals(recent, recent === history ? histTokens : tokenize(recent), 0));
    for (const name of ['code', 'reasoning', 'conversation'] as const) {
      const i = rules.names.indexOf(name);
      if (i >= 0 && structure[name] > 0) {
        hist[i] += structure[name] * s.historyWeight;
        histWhy[i].push('structure');
      }
    }
    for (let i = 0; i < n; i++) {
      if (i === toolsIdx) continue;
      scores[i] += Math.min(hist[i], s.historyCap);
      for (const r of histWhy[i]) why[i].push(`history:${r}`);
    }
  }

  /**
   * The system prompt weighs little and never decides alone: systemWeight, capped at systemCap, and
   * only when the task carried a signal. An agent's system prompt is the framework's boilerplate, not
   * the user's persona, and is not read at all (the caller checks).
   */
  private addSystem(system: string, rules: CompiledRules, scores: Float64Array, why: string[][], toolsIdx: number): void {
    const s = this.settings;
    const sys = new Float64Array(scores.length);
    const sysWhy: string[][] = Array.from({ length: scores.length }, () => []);
    scoreText(rules, tokenize(system), null, sys, s.systemWeight, sysWhy);
    for (let i = 0; i < scores.length; i++) {
      if (sys[i] <= 0 || i === toolsIdx) continue;
      scores[i] += Math.min(sys[i], s.systemCap);
      for (const r of sysWhy[i]) why[i].push(`system:${r}`);
    }
  }

  private rank(name: string, index: number): number {
    const order = this.settings.tieOrder.indexOf(name);
    if (order >= 0) return order;
    if (name === this.settings.defaultCategory) return Number.MAX_SAFE_INTEGER;
    return this.settings.tieOrder.length + index;
  }

  private pick(scores: Float64Array, names: readonly string[], skip: number): number {
    let best = -1;
    for (let i = 0; i < names.length; i++) {
      if (i === skip && names.length > 1) continue;
      if (best < 0) { best = i; continue; }
      const d = scores[i] - scores[best];
      if (d > 1e-9 || (Math.abs(d) <= 1e-9 && this.rank(names[i], i) < this.rank(names[best], best))) best = i;
    }
    return best;
  }
}
