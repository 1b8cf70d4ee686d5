// A chain entry `provider/model`, split at the first '/': `openrouter/moonshotai/kimi-k2.5`
// is provider `openrouter`, model `moonshotai/kimi-k2.5`. Or `group:<name>`, a deployment group:
// a group name has no '/' (nor ':'), and every `provider/model` has one, so neither reads as the other.

export interface Target {
  /** `provider/model`, the key of its breaker and of its rows in the log. */
  id: string;
  provider: string;
  model: string;
}

/** Longer ids are no provider's model; the id is also a breaker key, a metric label and a log field. */
export const MAX_TARGET_ID_LENGTH = 256;

/**
 * Why a `provider/model` id (or a bare model id) cannot be used, or null when it can. The id ends
 * up in upstream URLs, headers and the log: no control characters (CR, LF, NUL, …), nothing a
 * header cannot carry (outside Latin-1), and a sane length.
 */
export function modelIdProblem(id: string): string | null {
  if (typeof id !== 'string' || id.length === 0) return 'the model id is empty';
  if (id.length > MAX_TARGET_ID_LENGTH) return `the model id is longer than ${MAX_TARGET_ID_LENGTH} characters`;
  // Control characters (C0, DEL, C1) and anything beyond Latin-1.
  if (/[\u0000-\u001f\u007f-\u009f]/.test(id)) return 'the model id contains a control character';
  if (/[^\u0000-\u00ff]/.test(id)) return 'the model id contains a character outside Latin-1';
  return null;
}

/** Null for an id that is not `provider/model`, or that modelIdProblem refuses. */
export function parseTarget(id: string): Target | null {
  if (modelIdProblem(id) !== null) return null;
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) return null;
  return { id, provider: id.slice(0, slash), model: id.slice(slash + 1) };
}

/** A chain entry naming a deployment group. */
export interface GroupRef {
  /** `group:<name>` */
  id: string;
  group: string;
}

export type ChainEntry = Target | GroupRef;

export const GROUP_PREFIX = 'group:';
const GROUP_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** `group:<name>` as a GroupRef; null for anything else (a `provider/model` always has a '/', a group name never). */
export function parseGroupRef(id: string): GroupRef | null {
  if (typeof id !== 'string' || !id.startsWith(GROUP_PREFIX)) return null;
  const group = id.slice(GROUP_PREFIX.length);
  return GROUP_NAME.test(group) ? { id, group } : null;
}

export function isGroupRef(entry: ChainEntry): entry is GroupRef {
  return 'group' in entry;
}

/**
 * Why a chain cannot be used as given (bad entry, unknown provider or unknown group), or null when it can.
 * Without `knownGroup`, no group is known.
 */
export function chainProblem(chain: string[], knownProvider: (name: string) => boolean, knownGroup: (name: string) => boolean = () => false): string | null {
  for (const entry of chain) {
    const group = parseGroupRef(entry);
    if (group) {
      if (!knownGroup(group.group)) return `"${entry}" names unknown group "${group.group}"`;
      continue;
    }
    const problem = modelIdProblem(entry);
    if (problem) return `"${entry.slice(0, 80)}" cannot be a target: ${problem}`;
    const target = parseTarget(entry);
    if (!target) return `"${entry}" is not a provider/model target`;
    if (!knownProvider(target.provider)) return `"${entry}" names unknown provider "${target.provider}"`;
  }
  return null;
}
