// Finds the task behind a request: the last real user turn (agent boilerplate stripped), the earlier
// turns it is read with, a bounded slice of the system prompt, and where the conversation stands
// (a tool loop in progress or not). Only bounded slices of any message are scanned.
import { contentText } from '../canonical/chat-types.ts';
import type { ChatMessage, ChatRequest, Role } from '../canonical/chat-types.ts';
import { compileOperatorPattern } from './operator-pattern.ts';
import type { OperatorPattern } from './operator-pattern.ts';

/**
 * Agent boilerplate removed from user turns before classification. Strings compile with flags `gm`
 * (so `^`/`$` are line anchors). A user turn that is empty after stripping is not a task turn.
 */
export const DEFAULT_BOILERPLATE_PATTERNS: readonly string[] = [
  // OpenClaw: the internal-context block sent as the last user message of every agent request.
  '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>[\\s\\S]*?<<<END_OPENCLAW_INTERNAL_CONTEXT>>>',
  // OpenClaw: "[Sun 2026-11-22 02:37 UTC] " timestamp before the task.
  '^[ \\t]*\\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]* \\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d(?::\\d\\d)?(?: ?[A-Z]{2,5}| ?[+-]\\d\\d:?\\d\\d)?\\] ?',
  // OpenClaw: the "Runtime: agent=… | repo=… | node=…" line after the task.
  '^[ \\t]*Runtime: agent=.*$',
  // OpenClaw cron turns: "[cron:<id> <name>] <task>\nCurrent time: …\nReference UTC: …\n\nThis is an unattended scheduled run. …"
  '^[ \\t]*\\[cron:[^\\]\\n]*\\] ?',
  '^[ \\t]*Current time: .*$',
  '^[ \\t]*Reference UTC: .*$',
  '^[ \\t]*This is an unattended scheduled run\\..*$',
  // Other agents' context wrappers.
  '<system-reminder>[\\s\\S]*?</system-reminder>',
  '<environment_details>[\\s\\S]*?</environment_details>',
];

export interface TaskTextLimits {
  /** Longest task text scanned; longer turns keep their head (2/3) and tail (1/3): a long paste is
   *  decided by its start and the question after it. */
  maxTaskChars: number;
  /** Earlier turns read with the task, newest first, up to this many characters in all. */
  maxHistoryChars: number;
  maxHistoryTurns: number;
  /** Leading slice of the system prompt that is scanned. */
  maxSystemChars: number;
}

export const DEFAULT_TASK_TEXT_LIMITS: TaskTextLimits = {
  maxTaskChars: 1500,
  maxHistoryChars: 800,
  maxHistoryTurns: 6,
  maxSystemChars: 1500,
};

export interface TaskText {
  /** The final real user turn, boilerplate removed. Empty when the request has none. */
  task: string;
  /** Earlier user/assistant turns (boilerplate removed), oldest first, bounded. */
  history: string;
  /** Index in messages of the task's user turn (-1 when there is none). */
  taskIndex: number;
  /** Number of earlier user/assistant turns that carry text (not bounded). */
  priorTurns: number;
  /** Leading slice of the first system/developer message. */
  system: string;
  /** Full length of the system/developer messages' text (a harness's is long). */
  systemChars: number;
  /** Role of the latest message that is not boilerplate (null when there is none). */
  latestRole: Role | null;
  /** The latest non-boilerplate message is an assistant turn with tool calls awaiting results. */
  pendingToolCalls: boolean;
  /** The latest non-boilerplate message is a tool (or legacy function) result. */
  toolResultLast: boolean;
  /** Some boilerplate was removed: the request looks agent-wrapped. */
  agentWrapped: boolean;
}

/**
 * Compiles boilerplate patterns. Strings (an operator's, over /config/classifier) compile with flags
 * `gm` and are checked for unbounded backtracking (operator-pattern.ts); RegExps come from code.
 */
export function compileBoilerplate(patterns: ReadonlyArray<string | RegExp>): OperatorPattern[] {
  return patterns.map((p) => {
    if (typeof p === 'string') return compileOperatorPattern(p, { ignoreCase: false, multiline: true });
    const re = p.global ? p : new RegExp(p.source, `${p.flags}g`);
    return {
      source: re.source, engine: 'native',
      test(text: string) { re.lastIndex = 0; return re.test(text); },
      removeAll(text: string) { re.lastIndex = 0; return text.replace(re, ''); },
    };
  });
}

function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor((max * 2) / 3);
  return `${text.slice(0, head)}\n${text.slice(text.length - (max - head))}`;
}

/** Removes boilerplate; reports whether anything was removed. */
export function stripBoilerplate(text: string, patterns: readonly OperatorPattern[]): { text: string; stripped: boolean } {
  let out = text;
  let stripped = false;
  for (const re of patterns) {
    if (!re.test(out)) continue;
    out = re.removeAll(out);
    stripped = true;
  }
  return { text: out.trim(), stripped };
}

function messageText(message: ChatMessage, max: number): string {
  return bound(contentText(message.content), max);
}

/** The first max characters of a message's text, without joining parts past the limit. */
function leadingText(content: ChatMessage['content'], max: number): string {
  if (typeof content === 'string') return content.slice(0, max);
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content) {
    if (out.length >= max) break;
    if (part && part.type === 'text' && typeof (part as { text?: unknown }).text === 'string') {
      out = out ? `${out}\n${(part as { text: string }).text}` : (part as { text: string }).text;
    }
  }
  return out.slice(0, max);
}

/** Characters of a message's text, without joining its parts. */
function textLength(content: ChatMessage['content']): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    const text = part && (part as { text?: unknown }).text;
    if (typeof text === 'string') n += text.length;
  }
  return n;
}

/** Extracts the task text and conversation state of a request. */
export function extractTaskText(
  request: ChatRequest, patterns: readonly OperatorPattern[], limits: TaskTextLimits = DEFAULT_TASK_TEXT_LIMITS,
): TaskText {
  const messages = Array.isArray(request.messages) ? request.messages : [];
  const out: TaskText = {
    task: '', history: '', taskIndex: -1, priorTurns: 0, system: '', systemChars: 0, latestRole: null,
    pendingToolCalls: false, toolResultLast: false, agentWrapped: false,
  };
  let taskIndex = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!m || typeof m !== 'object') continue;
    const role = m.role;
    if (role === 'system' || role === 'developer') continue;
    if (role === 'user') {
      const cleaned = stripBoilerplate(messageText(m, limits.maxTaskChars), patterns);
      if (cleaned.stripped) out.agentWrapped = true;
      if (!cleaned.text) continue; // boilerplate-only turn (e.g. the internal-context block)
      out.latestRole ??= 'user';
      out.task = cleaned.text;
      taskIndex = i;
      break;
    }
    if (out.latestRole === null) {
      out.latestRole = role;
      if (role === 'tool' || role === 'function') out.toolResultLast = true;
      else if (role === 'assistant') out.pendingToolCalls = Array.isArray(m.tool_calls) && m.tool_calls.length > 0;
    }
  }

  // Earlier turns, newest first until the budget is spent; tool results are skipped (data, not dialogue).
  const parts: string[] = [];
  let budget = limits.maxHistoryChars;
  for (let i = taskIndex - 1; i >= 0; i--) {
    const m = messages[i];
    if (!m || (m.role !== 'user' && m.role !== 'assistant')) continue;
    if (budget <= 0 || parts.length >= limits.maxHistoryTurns) {
      if (contentText(m.content)) out.priorTurns++;
      continue;
    }
    let text = messageText(m, Math.min(budget, limits.maxTaskChars));
    if (m.role === 'user') text = stripBoilerplate(text, patterns).text;
    if (!text.trim()) continue;
    out.priorTurns++;
    parts.push(text);
    budget -= text.length;
  }
  out.history = parts.reverse().join('\n');
  out.taskIndex = taskIndex;

  const system = messages.find((m) => m && (m.role === 'system' || m.role === 'developer'));
  if (system) out.system = leadingText(system.content, limits.maxSystemChars);
  for (const m of messages) if (m && (m.role === 'system' || m.role === 'developer')) out.systemChars += textLength(m.content);
  return out;
}
