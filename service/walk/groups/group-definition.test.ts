import { describe, expect, it } from 'vitest';
import { deploymentId, groupProblem } from './group-definition.ts';

const known = (name: string) => ['openai', 'openrouter', 'vllm'].includes(name);

describe('deploymentId', () => {
  it('is group:<group>@<provider>/<model>, with +<name> for an own instance, and never parses as provider/model of a real provider', () => {
    expect(deploymentId('fast', { target: 'openai/gpt-4o' })).toBe('group:fast@openai/gpt-4o');
    expect(deploymentId('fast', { target: 'openai/gpt-4o', name: 'key2', apiKeyEnv: 'OPENAI_KEY_2' })).toBe('group:fast@openai+key2/gpt-4o');
    expect(deploymentId('fast', { target: 'openrouter/openai/gpt-4o' })).toBe('group:fast@openrouter/openai/gpt-4o');
  });
});

describe('groupProblem', () => {
  const check = (deployments: unknown[], fromAdmin = false) => groupProblem('g', { deployments } as never, { knownProvider: known, fromAdmin });

  it('accepts deployments of known providers, with or without own instances', () => {
    expect(check([{ target: 'openai/gpt-4o' }, { target: 'openai/gpt-4o', name: 'k2', apiKeyEnv: 'OPENAI_KEY_2' }, { target: 'vllm/llama', name: 'h2', baseURL: 'http://10.0.0.2:8000/v1' }])).toBeNull();
  });

  it('refuses unknown providers, nameless own instances, duplicates and the gateway’s own variables', () => {
    expect(check([{ target: 'nope/gpt-4o' }])).toMatch(/deployments.0.target: .*unknown provider "nope"/);
    expect(check([{ target: 'gpt-4o' }])).toMatch(/not a provider\/model/);
    expect(check([{ target: 'openai/gpt-4o', apiKeyEnv: 'K' }])).toMatch(/deployments.0.name: .*needs a name/);
    expect(check([{ target: 'openai/gpt-4o' }, { target: 'openai/gpt-4o', weight: 2 }])).toMatch(/deployments.1: a second deployment "group:g@openai\/gpt-4o"/);
    expect(check([{ target: 'openai/gpt-4o', name: 'x', apiKeyEnv: 'ROUTER_ADMIN_KEY' }])).toMatch(/ROUTER_\*/);
  });

  it('over /config, refuses a deployment that would send a key to a host of the admin’s choosing', () => {
    const both = [{ target: 'openai/gpt-4o', name: 'x', baseURL: 'http://elsewhere.example/v1', apiKeyEnv: 'OPENAI_KEY_2' }];
    expect(check(both, false)).toBeNull();
    expect(check(both, true)).toMatch(/own baseURL or its own apiKeyEnv, not both/);
  });
});
