// What common models can do, as their providers document it: context window (tokens), tool
// calling, image input. Unknown models get the common case (tools and images, window unknown).
import { DEFAULT_CAPABILITIES, type TargetCapabilities } from './chat-provider.ts';

type Known = Partial<TargetCapabilities>;

/** First match wins; patterns are tested against the model id with any OpenRouter vendor prefix removed. */
const KNOWN: Array<[RegExp, Known]> = [
  [/^gpt-4o/, { contextWindow: 128_000 }],
  [/^gpt-4\.1/, { contextWindow: 1_047_576 }],
  [/^gpt-5/, { contextWindow: 400_000 }],
  [/^o[134](-mini)?\b/, { contextWindow: 200_000 }],
  [/^gpt-3\.5-turbo/, { contextWindow: 16_385, images: false }],
  [/^claude-/, { contextWindow: 200_000 }],
  [/^gemini-(2\.5|2\.0|3)/, { contextWindow: 1_048_576 }],
  [/^gemini-1\.5-pro/, { contextWindow: 2_097_152 }],
  [/^kimi-k2\.5/, { contextWindow: 262_144 }],
  [/^kimi-k2/, { contextWindow: 131_072, images: false }],
  [/^qwen3-coder/, { contextWindow: 262_144, images: false }],
  [/^deepseek-r1/, { contextWindow: 163_840, images: false }],
  [/^deepseek-(chat|v3)/, { contextWindow: 163_840, images: false }],
  [/^llama-3\.3-70b/, { contextWindow: 131_072, images: false }],
];

export function knownCapabilities(model: string): TargetCapabilities {
  const bare = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  for (const [pattern, known] of KNOWN) {
    if (pattern.test(bare)) return { ...DEFAULT_CAPABILITIES, ...known };
  }
  return DEFAULT_CAPABILITIES;
}
