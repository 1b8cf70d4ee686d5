// The Anthropic SDK, loaded on first use: a gateway with no Anthropic target never pays for it
// (about 5 MB of heap and 25 MB of resident memory, from the source V8 keeps for lazy compiling).
type AnthropicSdk = typeof import('@anthropic-ai/sdk');

let sdk: AnthropicSdk | undefined;
let loading: Promise<AnthropicSdk> | undefined;

export function loadAnthropicSdk(): Promise<AnthropicSdk> {
  if (sdk) return Promise.resolve(sdk);
  loading ??= import('@anthropic-ai/sdk').then((module) => (sdk = module));
  return loading;
}

/** The SDK once loaded; before that no error can have come from it. */
export function loadedAnthropicSdk(): AnthropicSdk | undefined {
  return sdk;
}
