// Installs the pinned coding-agent CLIs into their cache before the suites that drive them run, so a
// fresh machine pays for the download once, outside any test's time limit (.ci/setup-agent-clis.sh).
import { AGENT_CLIS, ensureAgentCli, type AgentCliName } from './agent-clis.ts';

for (const name of Object.keys(AGENT_CLIS) as AgentCliName[]) {
  const started = performance.now();
  const executable = await ensureAgentCli(name);
  console.log(`[setup] ${name}: ${executable} (${Math.round(performance.now() - started)} ms)`);
}
