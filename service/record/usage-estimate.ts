// Token counts for an answer whose upstream reported no usage, so the request is still costed
// (and flagged as estimated) instead of charged nothing.
import { contentText, type ChatCompletion, type ChatCompletionChunk, type ChatRequest, type Usage } from '../canonical/chat-types.ts';

/** About four characters per token: OpenAI's rule of thumb for English text; code and non-Latin scripts run denser, so this errs low there. */
const CHARS_PER_TOKEN = 4;

export function estimateUsage(request: ChatRequest | undefined, outputChars: number): Usage {
  const prompt = request ? Math.ceil(promptChars(request) / CHARS_PER_TOKEN) : 0;
  const completion = Math.ceil(outputChars / CHARS_PER_TOKEN);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function promptChars(request: ChatRequest): number {
  let chars = 0;
  for (const message of request.messages) {
    chars += contentText(message.content).length + 4; // role and separators
    for (const call of message.tool_calls ?? []) chars += call.function.name.length + call.function.arguments.length;
  }
  // Tool definitions are sent to the model as text too.
  if (request.tools?.length) chars += JSON.stringify(request.tools).length;
  return chars;
}

/** Characters of what a chunk adds to the answer: text, reasoning, refusal, tool-call names and arguments. */
export function chunkOutputChars(chunk: ChatCompletionChunk): number {
  let chars = 0;
  for (const choice of chunk.choices) {
    const d = choice.delta;
    if (!d) continue;
    chars += (d.content?.length ?? 0) + (d.reasoning_content?.length ?? 0) + (d.refusal?.length ?? 0);
    for (const call of d.tool_calls ?? []) chars += (call.function?.name?.length ?? 0) + (call.function?.arguments?.length ?? 0);
  }
  return chars;
}

export function completionOutputChars(completion: ChatCompletion): number {
  let chars = 0;
  for (const choice of completion.choices ?? []) {
    const m = choice.message;
    if (!m) continue;
    chars += (m.content?.length ?? 0) + (m.reasoning_content?.length ?? 0) + (m.refusal?.length ?? 0);
    for (const call of m.tool_calls ?? []) chars += call.function.name.length + call.function.arguments.length;
  }
  return chars;
}
