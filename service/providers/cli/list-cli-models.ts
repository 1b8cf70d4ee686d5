// The health probe of a coding-agent CLI provider: no network call (the CLI has its own login and
// host), but is its executable there, on the PATH it will be started with? Its "models" are the
// configured ones.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { ProviderConfig } from '../../config/gateway-config.ts';
import { CLI_PRESETS } from './cli-presets.ts';

export async function listCliModels(config: ProviderConfig): Promise<string[]> {
  const cli = config.cli;
  if (!cli) throw new Error('not a CLI provider');
  const executable = cli.command?.[0] ?? (cli.preset ? CLI_PRESETS[cli.preset].bin : undefined);
  if (!executable) throw new Error('no command configured');
  if (!findExecutable(executable, cli.env.PATH ?? process.env.PATH ?? '')) throw new Error(`${executable} is not installed (not found on PATH)`);
  return cli.models.length > 0 ? cli.models : ['default'];
}

function findExecutable(name: string, searchPath: string): string | undefined {
  const candidates = name.includes('/') ? [name] : searchPath.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
