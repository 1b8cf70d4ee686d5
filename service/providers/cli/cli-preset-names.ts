// The coding-agent CLIs the gateway knows how to drive (cli-presets.ts holds how).
export const CLI_PRESET_NAMES = ['claude-code', 'codex', 'gemini', 'copilot'] as const;

export type CliPresetName = (typeof CLI_PRESET_NAMES)[number];
