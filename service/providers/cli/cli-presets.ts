// How each known coding-agent CLI is run without a terminal: its executable, the arguments of its
// non-interactive mode with machine-readable output, which output parser reads it, what it needs
// from the gateway's environment, and how its own tools are kept off. docs/CLI-PROVIDERS.md says
// where each of these facts comes from.
import type { CliPresetName } from './cli-preset-names.ts';

export type CliOutputFormat = 'claude-stream-json' | 'codex-jsonl' | 'gemini-stream-json' | 'text';

export interface CliInvocation {
  /** The model to ask for, or undefined for the CLI's own default. */
  model: string | undefined;
  /** The prompt as an argument, or undefined when it goes on stdin (long prompts). */
  prompt: string | undefined;
}

/**
 * The prompt and the model come from the client: each is passed so that no CLI can read it as a
 * flag of its own: the model always as `--model=<id>`, the prompt after `--` or as `--prompt=<text>`.
 */
export interface CliPreset {
  name: CliPresetName;
  /** Looked up on the child's PATH. */
  bin: string;
  args(call: CliInvocation): string[];
  output: CliOutputFormat;
  /** Variables copied from the gateway's environment when set: what the CLI needs to find its login and config. */
  inheritEnv: string[];
  /** Set for every call: no telemetry, no update checks, no colour. */
  fixedEnv: Record<string, string>;
}

/** Every CLI needs these to start at all. */
export const BASE_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'];

const NO_COLOR = { NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' };

export const CLI_PRESETS: Record<CliPresetName, CliPreset> = {
  'claude-code': {
    name: 'claude-code',
    bin: 'claude',
    // --tools "" gives the model no tools at all; --strict-mcp-config ignores MCP servers from the
    // user's settings; --include-partial-messages adds the text deltas to stream-json.
    args: ({ model, prompt }) => [
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--include-partial-messages',
      '--tools',
      '',
      '--strict-mcp-config',
      '--no-session-persistence',
      ...(model ? [`--model=${model}`] : []),
      ...(prompt !== undefined ? ['--', prompt] : []),
    ],
    output: 'claude-stream-json',
    inheritEnv: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'CLAUDE_CODE_OAUTH_TOKEN', 'CLAUDE_CONFIG_DIR', 'CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'AWS_REGION', 'AWS_PROFILE', 'ANTHROPIC_VERTEX_PROJECT_ID', 'CLOUD_ML_REGION', 'GOOGLE_APPLICATION_CREDENTIALS'],
    fixedEnv: { ...NO_COLOR, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1' },
  },
  codex: {
    name: 'codex',
    bin: 'codex',
    // A read-only sandbox for any command the model runs, no approvals asked (none can be given),
    // no session files; `-` reads the prompt from stdin.
    args: ({ model, prompt }) => [
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--ephemeral',
      '--sandbox',
      'read-only',
      '--color',
      'never',
      ...(model ? [`--model=${model}`] : []),
      ...(prompt !== undefined ? ['--', prompt] : ['-']),
    ],
    output: 'codex-jsonl',
    inheritEnv: ['CODEX_HOME', 'OPENAI_API_KEY', 'CODEX_API_KEY', 'OPENAI_BASE_URL'],
    fixedEnv: { ...NO_COLOR },
  },
  gemini: {
    name: 'gemini',
    bin: 'gemini',
    // Headless mode with the default approval mode: tools that need approval (edits, shell) are
    // refused, as no one can approve them. The prompt on stdin comes before --prompt's text.
    // Headless runs need a trusted workspace; the per-call one is empty.
    args: ({ model, prompt }) => [
      '--output-format',
      'stream-json',
      '--approval-mode',
      'default',
      ...(model ? [`--model=${model}`] : []),
      `--prompt=${prompt ?? 'Answer the request given on standard input.'}`,
    ],
    output: 'gemini-stream-json',
    inheritEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_CLOUD_PROJECT', 'GOOGLE_CLOUD_LOCATION', 'GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_GEMINI_BASE_URL', 'GEMINI_CLI_HOME'],
    fixedEnv: { ...NO_COLOR, GEMINI_TELEMETRY_ENABLED: 'false', GEMINI_CLI_TRUST_WORKSPACE: 'true' },
  },
  copilot: {
    name: 'copilot',
    bin: 'copilot',
    // -s prints only the answer; without --allow-tool/--allow-all-tools, tools that need permission
    // are denied in -p mode.
    args: ({ model, prompt }) => ['-s', '--no-color', ...(model ? [`--model=${model}`] : []), `--prompt=${prompt ?? 'Answer the request given on standard input.'}`],
    output: 'text',
    inheritEnv: ['COPILOT_GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_TOKEN', 'XDG_CONFIG_HOME', 'XDG_STATE_HOME', 'COPILOT_HOME'],
    fixedEnv: { ...NO_COLOR },
  },
};

/** Fills a custom command's placeholders; with the prompt on stdin a bare {prompt} argument is dropped, and without a model a bare {model} (and the flag before it). */
export function customArgs(command: string[], call: CliInvocation): string[] {
  const out: string[] = [];
  for (const arg of command.slice(1)) {
    if (arg === '{prompt}' && call.prompt === undefined) continue;
    if (arg === '{model}' && !call.model) {
      // `--model {model}` without a model: drop the flag too.
      if (out.length > 0 && out[out.length - 1].startsWith('-')) out.pop();
      continue;
    }
    out.push(arg.replaceAll('{prompt}', call.prompt ?? '').replaceAll('{model}', call.model ?? ''));
  }
  return out;
}

/** The child's environment: the named variables the gateway has, then the preset's fixed ones, then the configured ones. */
export function childEnv(names: string[], fixed: Record<string, string>, configured: Record<string, string>, from: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = from[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  return { ...env, ...fixed, ...configured };
}
