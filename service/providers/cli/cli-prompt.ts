// A chat request as one prompt for a command-line agent, which takes a single text. A lone user
// turn is sent as it is; anything more is laid out in tagged blocks (system, earlier turns, the
// turn to answer) so the model can tell instructions, history and the question apart.
import { contentText, type ChatMessage, type ChatRequest } from '../../canonical/chat-types.ts';

/** Above this many bytes the prompt goes on stdin: one argument may hold 128 KiB on Linux, and argv is visible in `ps`. */
export const PROMPT_ARG_LIMIT = 16 * 1024;

/** A NUL cannot travel in a process argument (spawn refuses it); it carries no meaning in a prompt either. */
export function buildCliPrompt(request: Pick<ChatRequest, 'messages'>): string {
  return layOut(request).replaceAll('\u0000', '');
}

function layOut(request: Pick<ChatRequest, 'messages'>): string {
  const system: string[] = [];
  const turns: ChatMessage[] = [];
  for (const message of request.messages) {
    if (message.role === 'system' || message.role === 'developer') system.push(messageText(message));
    else turns.push(message);
  }
  const lastUser = findLastIndex(turns, (m) => m.role === 'user');
  if (system.length === 0 && turns.length === 1 && lastUser === 0) return messageText(turns[0]);

  const blocks: string[] = [];
  const history = lastUser >= 0 ? turns.slice(0, lastUser) : turns;
  const after = lastUser >= 0 ? turns.slice(lastUser + 1) : [];
  if (system.length > 0) blocks.push(`<system>\n${system.join('\n\n')}\n</system>`);
  if (history.length > 0) blocks.push(`<conversation>\n${history.map(turnBlock).join('\n')}\n</conversation>`);
  if (lastUser >= 0) blocks.push(`<request>\n${messageText(turns[lastUser])}\n</request>`);
  // Turns after the last user turn (an assistant's partial answer, tool results) follow it as they came.
  if (after.length > 0) blocks.push(`<after_request>\n${after.map(turnBlock).join('\n')}\n</after_request>`);
  blocks.push(lastUser >= 0 ? 'Answer the request above. Reply with the answer only.' : 'Continue the conversation above. Reply with the next assistant turn only.');
  return blocks.join('\n\n');
}

function turnBlock(message: ChatMessage): string {
  const role = message.role === 'function' ? 'tool' : message.role;
  return `<turn role="${role}">\n${messageText(message)}\n</turn>`;
}

/** Text parts as they are; an image or other part is named, since a CLI prompt cannot carry it. */
function messageText(message: ChatMessage): string {
  const parts: string[] = [];
  const text = contentText(message.content);
  if (text) parts.push(text);
  if (Array.isArray(message.content)) {
    for (const part of message.content) if (part && part.type !== 'text') parts.push(`[${part.type} omitted]`);
  }
  for (const call of message.tool_calls ?? []) parts.push(`[called ${call.function.name}(${call.function.arguments})]`);
  return parts.join('\n');
}

function findLastIndex<T>(items: T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return i;
  return -1;
}
