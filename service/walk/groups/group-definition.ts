// A group as configured (ROUTER_CONFIG `groups`, or POST /config/group), checked beyond its zod
// shape, and the ids its deployments get.
//
// A deployment's id is `group:<group>@<provider>/<model>`, or `group:<group>@<provider>+<name>/<model>`
// when it has its own instance of the provider (its own baseURL or key). The id is its breaker's key,
// what x-router-model and the request record show, and its label in /metrics. It is stable (made
// from the configuration, not from the order) and distinct from every `provider/model` (it starts
// with `group:`) and from every other group's deployments.
import type { DeploymentDefinition, GroupDefinition } from '../../config/config-file.ts';
import { parseTarget } from '../../plan/target.ts';

export type { DeploymentDefinition, GroupDefinition } from '../../config/config-file.ts';

/** True when the deployment has its own instance of its provider (a host or a key of its own). */
export function hasOwnInstance(d: DeploymentDefinition): boolean {
  return d.baseURL !== undefined || d.apiKeyEnv !== undefined;
}

/** The provider name calls go to: the configured provider, or `<provider>+<name>` for an own instance. */
export function instanceName(provider: string, d: DeploymentDefinition): string {
  return hasOwnInstance(d) ? `${provider}+${d.name}` : provider;
}

export function deploymentId(group: string, d: DeploymentDefinition): string | null {
  const target = parseTarget(d.target);
  if (!target) return null;
  return `group:${group}@${instanceName(target.provider, d)}/${target.model}`;
}

export interface DefinitionContext {
  knownProvider: (name: string) => boolean;
  /**
   * Over /config an admin key alone must not be able to send a secret of this process to a host
   * of its choosing: a deployment posted there may name its own baseURL (a keyless host) or its
   * own apiKeyEnv (sent to the provider's configured host), not both. ROUTER_CONFIG may.
   */
  fromAdmin: boolean;
}

/** Why this group cannot be used, or null when it can. */
export function groupProblem(name: string, group: GroupDefinition, context: DefinitionContext): string | null {
  const ids = new Set<string>();
  for (const [i, d] of group.deployments.entries()) {
    const where = `deployments.${i}`;
    const target = parseTarget(d.target);
    if (!target) return `${where}.target: "${d.target.slice(0, 80)}" is not a provider/model target`;
    if (!context.knownProvider(target.provider)) return `${where}.target: "${d.target}" names unknown provider "${target.provider}"`;
    if (hasOwnInstance(d) && !d.name) return `${where}.name: a deployment with its own baseURL or apiKeyEnv needs a name (it becomes part of its id)`;
    if (d.apiKeyEnv?.toUpperCase().startsWith('ROUTER_')) return `${where}.apiKeyEnv: the gateway's own ROUTER_* variables cannot be a deployment's key`;
    if (context.fromAdmin && d.baseURL !== undefined && d.apiKeyEnv !== undefined) {
      return `${where}: over /config a deployment may have its own baseURL or its own apiKeyEnv, not both (a key is only sent to a host named in ROUTER_CONFIG); define it in ROUTER_CONFIG instead`;
    }
    const id = deploymentId(name, d)!;
    if (ids.has(id)) return `${where}: a second deployment "${id}"; give one of them its own name and instance, or merge their weights`;
    ids.add(id);
  }
  return null;
}
