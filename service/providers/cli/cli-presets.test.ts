import { describe, expect, it } from 'vitest';
import { CLI_PRESETS, childEnv, customArgs } from './cli-presets.ts';

describe('preset arguments', () => {
  it('never let a prompt or model that looks like a flag become one', () => {
    const call = { model: '--dangerously-skip-permissions', prompt: '--yolo' };
    expect(CLI_PRESETS['claude-code'].args(call).slice(-3)).toEqual(['--model=--dangerously-skip-permissions', '--', '--yolo']);
    expect(CLI_PRESETS.codex.args(call).slice(-3)).toEqual(['--model=--dangerously-skip-permissions', '--', '--yolo']);
    expect(CLI_PRESETS.gemini.args(call).slice(-2)).toEqual(['--model=--dangerously-skip-permissions', '--prompt=--yolo']);
    expect(CLI_PRESETS.copilot.args(call).slice(-2)).toEqual(['--model=--dangerously-skip-permissions', '--prompt=--yolo']);
  });

  it('read the prompt from stdin when none is given, and leave the model to the CLI without one', () => {
    expect(CLI_PRESETS['claude-code'].args({ model: undefined, prompt: undefined })).not.toContain('--');
    expect(CLI_PRESETS.codex.args({ model: undefined, prompt: undefined }).at(-1)).toBe('-');
    expect(CLI_PRESETS.codex.args({ model: undefined, prompt: undefined }).some((a) => a.startsWith('--model'))).toBe(false);
  });
});

describe('customArgs', () => {
  it('fills {model} and {prompt}, drops a bare {prompt} when it goes on stdin and a bare {model} with its flag', () => {
    const command = ['ask', '--model', '{model}', '--tag=x-{model}', '{prompt}'];
    expect(customArgs(command, { model: 'm1', prompt: 'hi' })).toEqual(['--model', 'm1', '--tag=x-m1', 'hi']);
    expect(customArgs(command, { model: undefined, prompt: undefined })).toEqual(['--tag=x-']);
  });
});

describe('childEnv', () => {
  it('copies only the named variables the gateway has, then the fixed ones, then the configured ones', () => {
    const env = childEnv(['PATH', 'HOME', 'ANTHROPIC_API_KEY'], { NO_COLOR: '1' }, { HOME: '/srv/claude' }, { PATH: '/usr/bin', HOME: '/root', ROUTER_ADMIN_KEY: 'secret', OPENAI_API_KEY: 'sk-x' });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/srv/claude', NO_COLOR: '1' });
  });
});
