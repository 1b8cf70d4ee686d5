// An Anthropic Message → an OpenAI chat.completion.
import type Anthropic from '@anthropic-ai/sdk';
import type { AssistantMessage, ChatCompletion, ToolCall } from '../../canonical/chat-types.ts';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.ts';
import { mapAnthropicUsage } from './map-anthropic-usage.ts';
import { argumentsJson, optionalId, stringOr, textOf, toolName } from '../answer-shape.ts';

/** Throws UndeliverableAnswerError for a message whose blocks have the wrong shape (see answer-shape.ts). */
export function toChatCompletion(message: Anthropic.Message, created = Math.floor(Date.now() / 1000), model = ''): ChatCompletion {
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const [position, block] of (message.content ?? []).entries()) {
    if (!block || typeof block !== 'object') continue;
    if (block.type === 'text') text += textOf(block.text, 'a text block');
    else if (block.type === 'thinking') reasoning += textOf(block.thinking, 'a thinking block');
    else if (block.type === 'tool_use') {
      const id = optionalId(block.id) ?? `toolu_${stringOr(message.id, 'anthropic')}_${position}`;
      toolCalls.push({ id, type: 'function', function: { name: toolName(block.name), arguments: argumentsJson(block.input) } });
    }
    // redacted_thinking is opaque, and server-tool blocks only appear for server tools we never send.
  }
  const assistant: AssistantMessage = { role: 'assistant', content: text || null };
  if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
  if (reasoning) assistant.reasoning_content = reasoning;
  return {
    id: stringOr(message.id, `msg_${created}`),
    object: 'chat.completion',
    created,
    model: stringOr(message.model, model),
    choices: [{ index: 0, message: assistant, finish_reason: mapAnthropicFinishReason(message.stop_reason) ?? 'stop', logprobs: null }],
    usage: mapAnthropicUsage(message.usage) ?? null,
  };
}
