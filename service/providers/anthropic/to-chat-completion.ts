// An Anthropic Message → an OpenAI chat.completion.
import type Anthropic from '@anthropic-ai/sdk';
import type { AssistantMessage, ChatCompletion, ToolCall } from '../../canonical/chat-types.ts';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.ts';
import { mapAnthropicUsage } from './map-anthropic-usage.ts';

export function toChatCompletion(message: Anthropic.Message, created = Math.floor(Date.now() / 1000)): ChatCompletion {
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content ?? []) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'thinking') reasoning += block.thinking;
    else if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
    // redacted_thinking is opaque, and server-tool blocks only appear for server tools we never send.
  }
  const assistant: AssistantMessage = { role: 'assistant', content: text || null };
  if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
  if (reasoning) assistant.reasoning_content = reasoning;
  return {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [{ index: 0, message: assistant, finish_reason: mapAnthropicFinishReason(message.stop_reason) ?? 'stop', logprobs: null }],
    usage: message.usage ? mapAnthropicUsage(message.usage) : null,
  };
}
