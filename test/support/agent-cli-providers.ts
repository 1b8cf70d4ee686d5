// ROUTER_CONFIG entries that run the real coding-agent CLIs as providers, each aimed at a local fake
// of its vendor's API, with nothing that could reach the network.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A PATH with the CLI's own bin folder and this node, nothing else of the user's. */
export function childPath(...bins: string[]): string {
  return [...bins.map((b) => path.dirname(b)), path.dirname(process.execPath), '/usr/bin', '/bin'].join(':');
}

/** Claude Code against a fake Anthropic Messages API: its base URL, a dummy key, no non-essential traffic. */
export function claudeCodeProvider(bin: string, anthropicUrl: string, home: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  mkdirSync(home, { recursive: true });
  return {
    type: 'cli',
    preset: 'claude-code',
    env: { PATH: childPath(bin), HOME: home, ANTHROPIC_BASE_URL: anthropicUrl, ANTHROPIC_API_KEY: 'sk-ant-dummy-key-for-tests' },
    ...extra,
  };
}

/** Codex against a fake Responses API: a custom model provider in a temporary CODEX_HOME, no retries. */
export function codexProvider(bin: string, responsesBaseURL: string, codexHome: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(
    path.join(codexHome, 'config.toml'),
    [
      'model_provider = "fake"',
      '[model_providers.fake]',
      'name = "fake"',
      `base_url = "${responsesBaseURL}"`,
      'env_key = "FAKE_OPENAI_KEY"',
      'wire_api = "responses"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
    ].join('\n'),
  );
  return {
    type: 'cli',
    preset: 'codex',
    env: { PATH: childPath(bin), HOME: codexHome, CODEX_HOME: codexHome, FAKE_OPENAI_KEY: 'dummy-openai-key-for-tests' },
    ...extra,
  };
}

/** Gemini CLI against a fake Gemini API: GOOGLE_GEMINI_BASE_URL, a dummy key, and the API-key login chosen in its settings. */
export function geminiProvider(bin: string, googleUrl: string, home: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  mkdirSync(path.join(home, '.gemini'), { recursive: true });
  const settings = { security: { auth: { selectedType: 'gemini-api-key' } }, general: { disableAutoUpdate: true, disableUpdateNag: true }, privacy: { usageStatisticsEnabled: false }, telemetry: { enabled: false } };
  writeFileSync(path.join(home, '.gemini', 'settings.json'), JSON.stringify(settings));
  return {
    type: 'cli',
    preset: 'gemini',
    env: { PATH: childPath(bin), HOME: home, GEMINI_API_KEY: 'dummy-gemini-key-for-tests', GOOGLE_GEMINI_BASE_URL: googleUrl },
    ...extra,
  };
}
