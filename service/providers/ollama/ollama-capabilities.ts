// What an Ollama model can do, from the server's own description of it, for the registry to
// consult when it plans chains (today it assumes DEFAULT_CAPABILITIES for every target).
import type { TargetCapabilities } from '../chat-provider.ts';

/** The parts of GET /api/tags the gateway uses. */
export interface OllamaTagList {
  models?: Array<{ name?: string; model?: string; details?: { family?: string; parameter_size?: string; quantization_level?: string } }>;
}

/** The parts of POST /api/show the gateway uses. */
export interface OllamaShow {
  capabilities?: string[];
  model_info?: Record<string, unknown> | Map<string, unknown>;
}

/** Installed model names (what a target after `ollama/` must match), from /api/tags. */
export function modelNamesFromTags(list: OllamaTagList): string[] {
  return (list.models ?? []).map((m) => m.name ?? m.model ?? '').filter(Boolean);
}

/**
 * /api/show lists capabilities ("completion", "tools", "vision", "thinking", …) and the
 * trained context length under `<architecture>.context_length`. /api/tags details hold only
 * family/size/quantization, which say nothing reliable about tools or images, so they are
 * not used for this. The window is the model's maximum; the server's num_ctx may be smaller.
 */
export function capabilitiesFromShow(show: OllamaShow): TargetCapabilities {
  const caps = new Set(show.capabilities ?? []);
  const capabilities: TargetCapabilities = { tools: caps.has('tools'), streaming: true, images: caps.has('vision') };
  const window = contextLength(show.model_info);
  if (window !== undefined) capabilities.contextWindow = window;
  return capabilities;
}

function contextLength(info: OllamaShow['model_info']): number | undefined {
  if (!info) return undefined;
  const entries = info instanceof Map ? [...info.entries()] : Object.entries(info);
  for (const [key, value] of entries) {
    if (key.endsWith('.context_length') && typeof value === 'number' && value > 0) return value;
  }
  return undefined;
}
