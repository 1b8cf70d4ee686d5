// Turns a chat request into a plan (category and chain) and walks it.
import type { ChatCompletion, ChatRequest } from '../canonical/chat-types.ts';
import type { ProviderRegistry } from '../providers/provider-registry.ts';
import type { RequestLogWriter } from '../store/request-log-contract.ts';
import type { Classification, Classifier } from '../classify/category.ts';
import type { CategoryRegistry } from './category-registry.ts';
import type { ChainWalker, TargetCall, WalkSuccess } from '../walk/chain-walker.ts';
import type { PriceTable } from '../record/price-table.ts';
import { RequestTracker, type TrackerInit } from '../record/request-tracker.ts';
import { InFlightRequests } from '../record/in-flight-requests.ts';
import type { OpenedStream } from '../walk/stream-head.ts';
import { isGroupRef, parseGroupRef, parseTarget, type ChainEntry, type Target } from './target.ts';
import type { GroupRegistry } from '../walk/groups/group-registry.ts';
import { ToolLoopAffinity } from './tool-loop-affinity.ts';
import type { ModelAliases } from './model-aliases.ts';

/** The tool-call ids of the latest assistant turn, when tool results for it follow (a loop in progress). */
function pendingToolCallIds(request: ChatRequest): string[] {
  const messages = request.messages;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message.role !== 'assistant') continue;
    const ids = (message.tool_calls ?? []).map((c) => c.id);
    if (ids.length === 0) return [];
    const answered = messages.slice(i + 1).some((m) => m.role === 'tool' && typeof m.tool_call_id === 'string' && ids.includes(m.tool_call_id));
    return answered ? ids : [];
  }
  return [];
}

function preferCapable(targets: ChainEntry[], capable: (t: ChainEntry) => boolean): ChainEntry[] {
  const kept = targets.filter(capable);
  return kept.length > 0 ? kept : targets;
}

function hasImages(request: ChatRequest): boolean {
  for (const message of request.messages) {
    if (Array.isArray(message.content) && message.content.some((part) => part?.type === 'image_url')) return true;
  }
  return false;
}

export interface RoutePlan {
  classification: Classification;
  /** Targets and deployment groups, in the order the walk tries them. */
  targets: ChainEntry[];
}

/** A request the router cannot plan: the client's mistake, answered with a 4xx. */
export class RouteError extends Error {
  readonly status: number;
  readonly code: string;
  readonly param: string | null;

  constructor(status: number, code: string, message: string, param: string | null = 'model') {
    super(message);
    this.name = 'RouteError';
    this.status = status;
    this.code = code;
    this.param = param;
  }
}

export interface ChatRouterDeps {
  categories: CategoryRegistry;
  classifier: Classifier;
  providers: ProviderRegistry;
  walker: ChainWalker;
  prices: PriceTable;
  log: RequestLogWriter;
  /** Where running tool loops were started; defaults to a fresh one. */
  affinity?: ToolLoopAffinity;
  /** Bare model names operators map to a category or a target. */
  aliases?: ModelAliases;
  /** Deployment groups (`group:<name>` chain entries); none without it. */
  groups?: GroupRegistry;
}

const CLASSIFY_MODELS = new Set(['router', 'auto']);

export class ChatRouter {
  readonly #deps: ChatRouterDeps;
  readonly #affinity: ToolLoopAffinity;
  /** Requests started and not yet recorded: a shutdown waits for them before the last flush. */
  readonly inFlight = new InFlightRequests();

  constructor(deps: ChatRouterDeps) {
    this.#deps = deps;
    this.#affinity = deps.affinity ?? new ToolLoopAffinity();
  }

  track(init: TrackerInit): RequestTracker {
    return new RequestTracker(this.#deps.log, this.#prices, init, this.#affinity, this.inFlight);
  }

  /** A deployment is priced as the `provider/model` it serves (`group:fast@openai+key2/gpt-4o` as `openai/gpt-4o`). */
  readonly #prices = {
    cost: (target: string, usage: Parameters<PriceTable['cost']>[1]) => this.#deps.prices.cost(this.#deps.groups?.priceKey(target) ?? target, usage),
  };

  /**
   * `router`/`auto` classify; `router/<category>` forces a category; `provider/model` names one target.
   * Throws RouteError for an unknown category or provider.
   */
  async plan(request: ChatRequest): Promise<RoutePlan> {
    const model = request.model;
    if (CLASSIFY_MODELS.has(model)) {
      const classification = await this.#deps.classifier.classify(request, this.#deps.categories.list());
      return { classification, targets: this.#chainFor(classification.category, request) };
    }
    if (model.startsWith('router/')) return this.#forced(model.slice('router/'.length), request);
    const alias = this.#deps.aliases?.resolve(model);
    if (alias) {
      const reasons = [`alias "${model}" → ${this.#deps.aliases?.get(model)?.to}`];
      // A third kind (groups) resolves here too.
      if (alias.kind === 'category') {
        const plan = this.#forced(alias.category, request);
        return { ...plan, classification: { ...plan.classification, reasons } };
      }
      return this.#direct(alias.target, reasons);
    }
    const group = parseGroupRef(model);
    if (group) {
      if (!this.#deps.groups?.has(group.group)) {
        const known = this.#deps.groups?.names().join(', ') || 'none';
        throw new RouteError(400, 'unknown_group', `unknown group "${group.group}"; configured groups: ${known}`);
      }
      return { classification: { category: 'direct', method: 'direct', confidence: 1 }, targets: [group] };
    }
    const pinned = this.#deps.groups?.deployment(model);
    if (pinned) return { classification: { category: 'direct', method: 'direct', confidence: 1 }, targets: [pinned.target] };
    const target = parseTarget(model);
    if (!target) {
      throw new RouteError(400, 'model_not_found', `model "${model}" is not routable: use "router", "router/<category>", a model alias (GET /v1/models lists them), "group:<name>" or "provider/model"`);
    }
    return this.#direct(target);
  }

  #forced(category: string, request: ChatRequest): RoutePlan {
    if (!this.#deps.categories.get(category)) {
      const known = this.#deps.categories.list().map((c) => c.name).join(', ');
      throw new RouteError(400, 'unknown_category', `unknown category "${category}"; known categories: ${known}`);
    }
    return { classification: { category, method: 'forced', confidence: 1 }, targets: this.#chainFor(category, request) };
  }

  #direct(target: Target, reasons?: string[]): RoutePlan {
    if (!this.#deps.providers.has(target.provider)) {
      // Only the providers that can be called: one without its key is no answer to "which can I use?".
      const configured = this.#deps.providers.configs().filter((p) => p.configured).map((p) => p.name);
      const hint = configured.length > 0 ? `configured providers: ${configured.join(', ')}` : 'no provider is configured';
      throw new RouteError(400, 'unknown_provider', `unknown provider "${target.provider}"; ${hint}`);
    }
    return { classification: { category: 'direct', method: 'direct', confidence: 1, ...(reasons ? { reasons } : {}) }, targets: [target] };
  }

  complete(plan: RoutePlan, request: ChatRequest, signal: AbortSignal): Promise<WalkSuccess<ChatCompletion>> {
    return this.#deps.walker.complete(plan.targets, request, signal);
  }

  stream(plan: RoutePlan, request: ChatRequest, signal: AbortSignal): Promise<WalkSuccess<OpenedStream>> {
    return this.#deps.walker.stream(plan.targets, request, signal);
  }

  /** A walk of the plan's chain with a call chosen per target (see ChainWalker.walkWith). */
  walkWith<T>(plan: RoutePlan, signal: AbortSignal, call: TargetCall<T>, keepSignalAfterSuccess: boolean): Promise<WalkSuccess<T>> {
    return this.#deps.walker.walkWith(plan.targets, signal, call, keepSignalAfterSuccess);
  }

  #stickyTarget(request: ChatRequest): Target | undefined {
    const ids = pendingToolCallIds(request);
    if (ids.length === 0) return undefined;
    const id = this.#affinity.targetFor(ids);
    if (!id) return undefined;
    // A deployment of a group: the loop stays on that deployment while its group is in a chain.
    const deployment = this.#deps.groups?.deployment(id);
    if (deployment) {
      const ref = `group:${deployment.owner.settings.name}`;
      return this.#deps.categories.list().some((c) => c.chain.includes(ref)) ? deployment.target : undefined;
    }
    // An operator who took the target out of every chain does not want new turns there.
    if (!this.#deps.categories.list().some((c) => c.chain.includes(id))) return undefined;
    const target = parseTarget(id);
    return target && this.#deps.providers.has(target.provider) ? target : undefined;
  }

  /** A chain entry as the walk takes it; null for one that names nothing known (left out). */
  #entry(id: string): ChainEntry | null {
    const group = parseGroupRef(id);
    if (group) return this.#deps.groups?.has(group.group) ? group : null;
    return parseTarget(id);
  }

  /** What an entry can do: a group's deployments serve one model, so its first one speaks for it. */
  #capabilities(entry: ChainEntry) {
    if (!isGroupRef(entry)) return this.#deps.providers.capabilities(entry.provider, entry.model);
    const first = this.#deps.groups?.get(entry.group)?.deployments[0]?.target;
    return this.#deps.providers.capabilities(first?.provider ?? '', first?.model ?? '');
  }

  #chainFor(category: string, request: ChatRequest): ChainEntry[] {
    const definition = this.#deps.categories.get(category);
    let targets = (definition?.chain ?? []).map((id) => this.#entry(id)).filter((t): t is ChainEntry => t !== null);
    // A running tool loop goes back first to the target that issued its calls; the chain stays behind it.
    const sticky = this.#stickyTarget(request);
    if (sticky) targets = [sticky, ...targets.filter((t) => t.id !== sticky.id)];
    // A request that offers tools but was routed by its task still needs a target that can call them;
    // one with images needs a target that can see them. Where none can, the chain stays as it is.
    if (request.tools && request.tools.length > 0) targets = preferCapable(targets, (t) => this.#capabilities(t).tools);
    if (hasImages(request)) targets = preferCapable(targets, (t) => this.#capabilities(t).images);
    return targets;
  }
}
