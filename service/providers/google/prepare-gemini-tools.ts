// OpenAI tools + tool_choice → Gemini `tools` (functionDeclarations) + `toolConfig`.
import type { ChatRequest } from '../../canonical/chat-types.ts';
import type { GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from './gemini-api-types.ts';
import { convertJsonSchemaToGemini } from './convert-json-schema-to-gemini.ts';

export interface PreparedGeminiTools {
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
}

export function prepareGeminiTools(request: Pick<ChatRequest, 'tools' | 'tool_choice' | 'functions'>): PreparedGeminiTools {
  const declarations: GeminiFunctionDeclaration[] = [];
  for (const tool of request.tools ?? []) {
    if (tool?.type !== 'function' || !tool.function?.name) continue;
    declarations.push(declaration(tool.function.name, tool.function.description, tool.function.parameters));
  }
  // Legacy `functions` (no tools): the same declarations.
  if (declarations.length === 0) {
    for (const fn of (request.functions ?? []) as Array<{ name?: string; description?: string; parameters?: unknown }>) {
      if (fn?.name) declarations.push(declaration(fn.name, fn.description, fn.parameters));
    }
  }
  if (declarations.length === 0) return {};
  const toolConfig = convertToolChoice(request.tool_choice);
  return { tools: [{ functionDeclarations: declarations }], ...(toolConfig ? { toolConfig } : {}) };
}

function declaration(name: string, description: string | undefined, parameters: unknown): GeminiFunctionDeclaration {
  const out: GeminiFunctionDeclaration = { name };
  if (description) out.description = description;
  const schema = convertJsonSchemaToGemini(parameters);
  if (schema) out.parameters = schema;
  return out;
}

function convertToolChoice(choice: ChatRequest['tool_choice']): GeminiToolConfig | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  if (typeof choice === 'object' && choice?.function?.name) {
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
  }
  return undefined;
}
