// OpenAI tools / tool_choice / parallel_tool_calls → Anthropic tools and tool_choice.
import type Anthropic from '@anthropic-ai/sdk';
import type { ChatRequest, ToolChoice } from '../../canonical/chat-types.ts';

export interface AnthropicToolConfig {
  tools?: Anthropic.Tool[];
  tool_choice?: Anthropic.ToolChoice;
}

export function prepareAnthropicTools(request: Pick<ChatRequest, 'tools' | 'tool_choice' | 'parallel_tool_calls'>): AnthropicToolConfig {
  const tools = (request.tools ?? []).filter((t) => t?.type === 'function' && t.function?.name).map(toAnthropicTool);
  // Anthropic rejects a tool_choice without tools, so both go or neither does.
  if (tools.length === 0) return {};
  const choice = toAnthropicToolChoice(request.tool_choice, request.parallel_tool_calls === false);
  return choice ? { tools, tool_choice: choice } : { tools };
}

function toAnthropicTool(tool: NonNullable<ChatRequest['tools']>[number]): Anthropic.Tool {
  const { name, description, parameters, strict } = tool.function;
  // input_schema must be an object schema; a tool without parameters takes none.
  const input_schema = { type: 'object', properties: {}, ...(parameters ?? {}) } as Anthropic.Tool.InputSchema;
  return {
    name,
    ...(description ? { description } : {}),
    input_schema,
    ...(typeof strict === 'boolean' ? { strict } : {}),
  };
}

export function toAnthropicToolChoice(choice: ToolChoice | undefined, serial: boolean): Anthropic.ToolChoice | undefined {
  const parallel = serial ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return serial ? { type: 'auto', ...parallel } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...parallel };
  if (choice === 'required') return { type: 'any', ...parallel };
  if (typeof choice === 'object' && choice.function?.name) return { type: 'tool', name: choice.function.name, ...parallel };
  return undefined;
}
