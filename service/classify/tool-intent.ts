// Tools policy: does a request that offers tools (or legacy functions) need them for this turn?
//
//   'auto'    — (default) by who is calling (agent-harness.ts): a plain function-calling request is
//               `tools` (rule T); an agent harness's request gets its task's category, and its tools
//               stay a capability requirement on the chain (chat-router preferCapable).
//   'present' — the old rule: any non-empty tools/functions array makes the request `tools`.
//   'intent'  — agents send their tools with every turn, so the array alone says little.
//               The request is `tools` when
//                 1. a tool loop is in progress: the latest non-boilerplate message is a tool result,
//                    or an assistant turn whose tool calls await results;
//                 2. the client forces a call: tool_choice "required" or a named function;
//                 3. the task names an offered tool ("use your read tool", "call get_weather");
//                 4. the task overlaps what the offered tools do: distinctive words of the task found in
//                    tool names (weight 1) or descriptions (weight 0.5), best tool plus half the
//                    second, reaching the overlap threshold (1 for up to 4 tools, rising to 1.5 for 8+
//                    tools or an agent-wrapped request); generic words (get, list, file, value…) do not
//                    count, so an agent's broad tool set rarely matches a plain task;
//                 5. an action verb (the `tools` category's keywords) aimed at a concrete target in
//                    the environment (a path, file name, URL, `command`, "npm test", "the repo") reaches
//                    `actionThreshold`; only the imperative lead of the task is read for the verb. For a
//                    small non-agent tool set the verb also adds half its weight to the overlap.
//               Otherwise the request gets its task's category.
import type { ChatRequest } from '../canonical/chat-types.ts';
import type { TaskText } from './task-text.ts';
import { PREFIX_LEN, stem, vocabFor } from './tool-vocab.ts';
import type { ToolInfo, ToolVocab } from './tool-vocab.ts';

export type ToolsPolicy = 'auto' | 'intent' | 'present';
export const TOOLS_POLICIES: readonly ToolsPolicy[] = ['auto', 'intent', 'present'];

/**
 * What a question word asks for, in the words tool descriptions use ("how far" → distance): a
 * question seldom repeats the noun of the tool that answers it.
 */
const QUESTION_SYNONYMS = new Map(
  [
    ['far', 'distance'], ['cost', 'price'], ['expensive', 'price'], ['cheap', 'price'], ['old', 'age'], ['tall', 'height'],
    ['weigh', 'weight'], ['heavy', 'weight'], ['big', 'size'], ['when', 'time'], ['rain', 'weather'], ['sunny', 'weather'],
    ['temperature', 'weather'], ['song', 'music'], ['film', 'movie'], ['buy', 'purchase'],
  ].map(([question, noun]) => [stem(question), stem(noun)] as const),
);

/** Distinct task words compared with the tool vocabulary (a long paste is not read to the end). */
const MAX_DISTINCT_WORDS = 150;

export interface ToolIntentSettings {
  policy: ToolsPolicy;
  /** Overlap needed when few tools are offered (up to 4: a client's per-request selection). */
  overlapThreshold: number;
  /**
   * Overlap needed when many tools are offered (8 or more, or agent boilerplate was found): an agent
   * sends its whole kit every turn, so chance overlap is likelier. Linear in between.
   */
  overlapThresholdMany: number;
  actionThreshold: number;
  /** Leading characters of each tool description that are read (its first sentence within them). */
  maxDescriptionChars: number;
}

export const DEFAULT_TOOL_INTENT_SETTINGS: ToolIntentSettings = {
  policy: 'intent',
  overlapThreshold: 1,
  overlapThresholdMany: 1.5,
  actionThreshold: 1,
  maxDescriptionChars: 200,
};

export interface ToolIntent {
  /** The request offers tools or legacy functions. */
  offered: boolean;
  /** The request should be classified `tools`. */
  isTools: boolean;
  /** Evidence strength, reported as the tools score. */
  score: number;
  /** 0..1 confidence of the decision when isTools. */
  confidence: number;
  reasons: string[];
}

export function offeredTools(request: ChatRequest): ToolInfo[] {
  const out: ToolInfo[] = [];
  const collect = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const entry of list) {
      if (!entry || typeof entry !== 'object') continue;
      const fn = (entry as { function?: unknown }).function ?? entry;
      const name = (fn as { name?: unknown }).name;
      const description = (fn as { description?: unknown }).description;
      out.push({ name: typeof name === 'string' ? name : '', description: typeof description === 'string' ? description : '' });
    }
  };
  collect(request.tools);
  collect(request.functions);
  return out;
}

// A concrete target in the environment: a path, a file name with an extension, a URL, a `command`,
// a developer command line (npm test, git status…), or the user's own repo/workspace/inbox….
const ENV_TARGET_RE =
  /\b(?:the|this|my|our|your)\s+(?:repo|repository|codebase|workspace|working directory|directory|folder|branch|server|container|logs?|terminal|machine|inbox|calendar|downloads?)\b|\b(?:npm|pnpm|yarn|git|docker|kubectl|pytest|cargo|make|pip|brew|apt(?:-get)?|systemctl)\s+[a-z][\w:-]*/i;
const TARGET_RE =
  /(?:^|[\s'"(=])(?:~|\.{1,2})?\/[\w.-]+(?:\/[\w.@-]*)*|\b[\w-]+\.(?:txt|md|json|ya?ml|toml|ini|cfg|conf|env|log|csv|tsv|xml|html?|css|js|mjs|cjs|ts|tsx|jsx|py|rb|go|rs|java|kt|c|cc|cpp|h|hpp|cs|php|sh|sql|lock|pdf|docx?|xlsx?|pptx?|png|jpe?g|gif|svg|zip|tar|gz)\b|\bhttps?:\/\/\S+|`[^`\n]{2,}`/i;

function explicitMention(taskTokens: readonly string[], vocab: ToolVocab): string | null {
  for (let i = 0; i < taskTokens.length; i++) {
    const tok = taskTokens[i];
    const idx = vocab.names.get(tok);
    if (idx === undefined) continue;
    const name = vocab.toolNames[idx];
    // A compound name (get_weather, fetchUrl) is a mention by itself; a plain word (read, exec)
    // only next to "tool"/"function" ("use your read tool", "the exec tool", "tool read").
    if (/[_.\-]|[a-z][A-Z]/.test(name)) return name;
    const near = [taskTokens[i + 1], taskTokens[i - 1]];
    if (near.some((t) => t === 'tool' || t === 'tools' || t === 'function')) return name;
  }
  return null;
}

/** The overlap a request needs: low for a few tools, higher for an agent's full kit. */
export function overlapThresholdFor(toolCount: number, agentWrapped: boolean, settings: ToolIntentSettings): number {
  const few = settings.overlapThreshold;
  const many = settings.overlapThresholdMany;
  if (agentWrapped || toolCount >= 8) return Math.max(few, many);
  if (toolCount <= 4) return few;
  return few + ((many - few) * (toolCount - 4)) / 4;
}

/** The request offers a non-empty tools array or legacy functions. */
export const hasTools = (r: ChatRequest): boolean =>
  (Array.isArray(r.tools) && r.tools.length > 0) || (Array.isArray(r.functions) && r.functions.length > 0);

/**
 * The decisions that need no reading of the task: policy 'present', a tool loop in progress, a
 * forced tool_choice. Null when the request offers no tools or none of these holds.
 */
export function decisiveToolIntent(request: ChatRequest, task: TaskText, policy: ToolsPolicy): ToolIntent | null {
  if (!hasTools(request)) return null;
  const yes = (reason: string): ToolIntent => ({ offered: true, isTools: true, score: 10, confidence: 1, reasons: [`tools:${reason}`] });
  if (policy === 'present') return yes('tools offered (policy present)');
  if (task.toolResultLast) return yes('tool loop in progress (latest turn is a tool result)');
  if (task.pendingToolCalls) return yes('tool loop in progress (assistant tool calls pending)');
  const choice = request.tool_choice;
  if (choice === 'required' || (choice && typeof choice === 'object')) return yes('tool_choice forces a call');
  return null;
}

/** Assesses whether the request is a `tools` request under the given policy. */
export function assessToolIntent(
  request: ChatRequest, task: TaskText, taskTokens: readonly string[], actionScore: number, actionTerms: readonly string[],
  settings: ToolIntentSettings,
): ToolIntent {
  const tools = offeredTools(request);
  if (!tools.length) return { offered: false, isTools: false, score: 0, confidence: 0, reasons: [] };
  const decided = decisiveToolIntent(request, task, settings.policy);
  if (decided) return decided;

  const vocab = vocabFor(tools, settings.maxDescriptionChars);
  const mention = explicitMention(taskTokens, vocab);
  if (mention) return { offered: true, isTools: true, score: 8, confidence: 0.95, reasons: [`tools:task names the tool ${mention}`] };

  // Overlap: sum per tool over the task's distinct stems; best tool + half the runner-up.
  const perTool = new Float64Array(tools.length);
  const nameHits = new Uint8Array(tools.length);
  const matched: string[] = [];
  const seenTokens = new Set<string>();
  const seen = new Set<string>();
  for (const tok of taskTokens) {
    if (tok.length < 2 || seenTokens.has(tok)) continue;
    if (seenTokens.size >= MAX_DISTINCT_WORDS) break;
    seenTokens.add(tok);
    const c = tok.charCodeAt(0);
    if (c >= 48 && c <= 57) continue; // numbers say nothing about tools
    for (const part of tok.includes('_') || tok.includes('.') ? tok.split(/[._]/) : [tok]) {
      const s = stem(part);
      if (seen.has(s)) continue;
      seen.add(s);
      const exact = vocab.index.get(s) ?? vocab.index.get(QUESTION_SYNONYMS.get(s) ?? '');
      const byPrefix = s.length >= PREFIX_LEN ? vocab.prefixIndex.get(s.slice(0, PREFIX_LEN)) : undefined;
      if (!exact && !byPrefix) continue;
      matched.push(s);
      if (exact) for (const [i, w] of exact) perTool[i] += w;
      if (byPrefix) {
        for (const [i, w] of byPrefix) {
          const e = exact?.get(i) ?? 0;
          if (w > e) perTool[i] += w - e;
        }
      }
      for (const i of vocab.nameIndex.get(s) ?? []) nameHits[i]++;
    }
  }
  // Several parts of one tool's name in the task (calculate_average, crime_record_get) is strong.
  for (let i = 0; i < tools.length; i++) {
    if (nameHits[i] >= 2) perTool[i] += 0.5 * (nameHits[i] - 1) + (nameHits[i] === vocab.nameParts[i] ? 0.5 : 0);
  }
  let best = 0;
  let second = 0;
  for (const v of perTool) {
    if (v > best) [best, second] = [v, best];
    else if (v > second) second = v;
  }
  const overlap = best + second / 2;
  // An action verb leading the task counts in full when aimed at a concrete target; for a client's
  // small, request-specific tool set it counts half without one ("Book a table for two tonight").
  const target = TARGET_RE.test(task.task) || ENV_TARGET_RE.test(task.task);
  const fewTools = tools.length <= 4 && !task.agentWrapped;
  const action = target ? actionScore : fewTools ? actionScore / 2 : 0;
  const threshold = overlapThresholdFor(tools.length, task.agentWrapped, settings);
  const score = Math.round((overlap + action) * 1000) / 1000;
  const reasons: string[] = [];
  if (matched.length) reasons.push(`tools:overlap ${overlap.toFixed(2)} (${matched.slice(0, 6).join(', ')})`);
  if (action) reasons.push(`tools:action ${target ? 'on a concrete target' : 'for the offered tools'} (${actionTerms.slice(0, 4).join(', ')})`);
  const byTarget = target && action >= settings.actionThreshold;
  if (byTarget || overlap + action >= threshold) {
    const margin = Math.max(overlap + action - threshold, byTarget ? action - settings.actionThreshold : 0);
    return { offered: true, isTools: true, score, confidence: Math.min(0.95, 0.5 + margin / 4), reasons };
  }
  return { offered: true, isTools: false, score, confidence: 0, reasons };
}
