// The Anthropic SDK, loaded on first use: a gateway with no Anthropic target never pays for it
// (about 5 MB of heap and 25 MB of resident memory, from the source V8 keeps for lazy compiling).
type AnthropicSdk = typeof import('@anthropic-ai/sdk');

let sdk: AnthropicSdk | undefined;

/** The module loader keeps the import, so concurrent first calls share one load. */
export async function loadAnthropicSdk(): Promise<AnthropicSdk> {
  sdk ??= await import('@anthropic-ai/sdk');
  return sdk;
}

/** The SDK once loaded; before that no error can have come from it. */
export function loadedAnthropicSdk(): AnthropicSdk | undefined {
  return sdk;
}
