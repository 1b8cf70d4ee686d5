// OpenAI chat messages → Anthropic's top-level `system` plus alternating user/assistant turns.
import type Anthropic from '@anthropic-ai/sdk';
import type { ChatMessage } from '../../canonical/chat-types.ts';
import { convertToAnthropicContent } from './convert-to-anthropic-content.ts';

export interface AnthropicPrompt {
  /** A plain string unless a system part carries a cache breakpoint, which needs blocks. */
  system: string | Anthropic.TextBlockParam[] | undefined;
  messages: Anthropic.MessageParam[];
}

type Turn = { role: 'user' | 'assistant'; content: Anthropic.ContentBlockParam[] };

export function convertToAnthropicMessages(messages: ChatMessage[]): AnthropicPrompt {
  const system: Anthropic.TextBlockParam[] = [];
  const turns: Turn[] = [];
  // The API wants strictly alternating roles: consecutive tool results (and a user message
  // after them) become one user turn, and any other same-role run is merged likewise.
  const push = (role: Turn['role'], blocks: Anthropic.ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...systemBlocks(message.content));
        break;
      case 'assistant':
        push('assistant', assistantBlocks(message));
        break;
      case 'tool':
        push('user', [toolResultBlock(message)]);
        break;
      default:
        // user, and legacy `function` results, which have no id to pair with a tool_use.
        push('user', convertToAnthropicContent(message.content));
    }
  }
  return { system: joinSystem(system), messages: turns };
}

function systemBlocks(content: ChatMessage['content']): Anthropic.TextBlockParam[] {
  return convertToAnthropicContent(content).filter((b): b is Anthropic.TextBlockParam => b.type === 'text');
}

function joinSystem(blocks: Anthropic.TextBlockParam[]): AnthropicPrompt['system'] {
  if (blocks.length === 0) return undefined;
  if (blocks.some((b) => b.cache_control)) return blocks;
  return blocks.map((b) => b.text).join('\n\n');
}

function assistantBlocks(message: ChatMessage): Anthropic.ContentBlockParam[] {
  // reasoning_content is not sent back: a thinking block without Anthropic's signature is rejected.
  const blocks: Anthropic.ContentBlockParam[] = convertToAnthropicContent(message.content).filter((b) => b.type === 'text');
  for (const call of message.tool_calls ?? []) {
    blocks.push({ type: 'tool_use', id: toolUseId(call.id), name: call.function.name, input: parseToolArguments(call.function.arguments) });
  }
  return blocks;
}

function toolResultBlock(message: ChatMessage): Anthropic.ToolResultBlockParam {
  const block: Anthropic.ToolResultBlockParam = { type: 'tool_result', tool_use_id: toolUseId(message.tool_call_id ?? '') };
  if (typeof message.content === 'string') {
    if (message.content) block.content = message.content;
  } else {
    const parts = convertToAnthropicContent(message.content);
    if (parts.length > 0) block.content = parts;
  }
  return block;
}

/** Tool input must be a JSON object; arguments that do not parse to one are sent as {}. */
export function parseToolArguments(args: string | undefined): Record<string, unknown> {
  if (!args) return {};
  try {
    const value: unknown = JSON.parse(args);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Anthropic ids match ^[a-zA-Z0-9_-]+$. Ids minted elsewhere in the conversation (another
 * provider earlier in a chain) are made to fit, the same way on tool_use and tool_result.
 */
export function toolUseId(id: string): string {
  const clean = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return clean || 'toolu_missing';
}
