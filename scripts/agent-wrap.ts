// Wraps a plain chat request's task in a captured OpenClaw agent turn: the fixture's system prompt,
// tools, flags and trailing internal-context message are kept; the task in the timestamp + Runtime
// wrapped user message is replaced by the item's final user text, and the item's earlier turns are
// placed before it. Built in memory only (evaluation), never written into the repository.
import { contentText } from '../service/canonical/chat-types.ts';
import type { ChatMessage, ChatRequest } from '../service/canonical/chat-types.ts';

// head: the "[Sun 2026-11-22 02:37 UTC] " or "[cron:<id> <name>] " prefix; tail: an optional cron preamble
// ("Current time: …") and the Runtime line.
const TASK_RE = /^(\s*\[[^\]\n]*\]\s*)([\s\S]*?)((?:\nCurrent time: [\s\S]*?)?\n\nRuntime: [^\n]*\s*)$/;

export function wrapInAgentTurn(fixture: ChatRequest, item: ChatRequest): ChatRequest {
  const messages = fixture.messages.map((m) => structuredClone(m));
  const taskIndex = messages.findIndex((m) => m.role === 'user' && typeof m.content === 'string' && TASK_RE.test(m.content));
  if (taskIndex < 0) throw new Error('fixture has no timestamp + Runtime wrapped user message');
  const itemMessages = (item.messages ?? []).filter((m) => m.role !== 'system' && m.role !== 'developer');
  let last = -1;
  for (let i = itemMessages.length - 1; i >= 0; i--) if (itemMessages[i].role === 'user') { last = i; break; }
  const finalText = last >= 0 ? contentText(itemMessages[last].content) : '';
  const earlier: ChatMessage[] = last > 0 ? itemMessages.slice(0, last).map((m) => structuredClone(m)) : [];
  const wrapped = (messages[taskIndex].content as string).replace(TASK_RE, (_all, head: string, _task: string, tail: string) => `${head}${finalText}${tail}`);
  messages[taskIndex] = { ...messages[taskIndex], content: wrapped };
  messages.splice(taskIndex, 0, ...earlier);
  return { ...structuredClone(fixture), messages };
}
