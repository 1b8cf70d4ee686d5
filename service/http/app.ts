// The HTTP surface: OpenAI-compatible routes, classification, health and the admin routes.
import type { ServerResponse } from 'node:http';
import { Hono } from 'hono';
import type { ChatRouter } from '../plan/chat-router.ts';
import type { ChatPipeline } from '../pipeline/chat-pipeline.ts';
import { adminAuth } from './admin-auth.ts';
import { ADMIN_PATHS, adminRoutes, type AdminDeps } from './admin-routes.ts';
import { chatRoute } from '../dialects/chat-completions/chat-route.ts';
import { messagesRoute } from '../dialects/anthropic-messages/messages-route.ts';
import { countTokensRoute } from '../dialects/anthropic-messages/count-tokens-route.ts';
import { toAnthropicError } from '../dialects/anthropic-messages/anthropic-error.ts';
import { responsesRoute } from '../dialects/responses/responses-route.ts';
import type { ResponseStoreContract } from '../store/response-store-contract.ts';
import { classifierRoutes } from './classifier-routes.ts';
import type { ConfigurableClassifier } from '../classify/configurable-classifier.ts';
import type { SettingsStorage } from '../store/settings-store.ts';
import { classifyRoute } from './classify-route.ts';
import { dashboardRoutes } from '../dashboard/dashboard-routes.ts';
import { DashboardSessions } from '../dashboard/dashboard-session.ts';
import { clientAuth } from './client-auth.ts';
import { corsAllowList } from './cors-allow-list.ts';
import { jsonBodiesOnly, sameOriginOnly } from './cross-site-guard.ts';
import { modelRoute, modelsRoute } from './models-route.ts';
import { HttpError, errorResponse } from './openai-error.ts';
import { escapedErrors } from '../process/safety-net.ts';
import { detachedFailures } from '../process/detached-task.ts';

export interface AppDeps extends AdminDeps {
  router: ChatRouter;
  pipeline: ChatPipeline;
  classifier: ConfigurableClassifier;
  settings: SettingsStorage;
  /** Responses kept for previous_response_id. */
  responseStore: ResponseStoreContract;
  startedAt: number;
  /** ROUTER_WORKERS > 1: this worker process's number (1…count). */
  worker?: { id: number; count: number };
}

function memoryMb(): { rss: number; heap_used: number; heap_total: number; external: number; array_buffers: number } {
  const m = process.memoryUsage();
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  return { rss: mb(m.rss), heap_used: mb(m.heapUsed), heap_total: mb(m.heapTotal), external: mb(m.external), array_buffers: mb(m.arrayBuffers) };
}

/** What /health says of the request log: enough to alert on, without the admin key. */
function requestLogHealth(status: ReturnType<AppDeps['requestLog']['status']>): Record<string, unknown> {
  return { pending: status.pending, failing_for: status.failing_for, rows_dropped: status.rows_dropped };
}

/** The OpenAI-compatible routes: client keys and CORS apply here, never to admin routes. */
const OPENAI_PATHS = ['/v1/chat/completions', '/chat/completions', '/v1/responses', '/responses', '/v1/models', '/models', '/v1/models/*', '/models/*'];
/** Anthropic Messages: the same client keys and CORS, with Anthropic's error shape. */
const MESSAGES_PATHS = ['/v1/messages', '/v1/messages/count_tokens'];

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const chat = chatRoute({ pipeline: deps.pipeline, maxBodyBytes: deps.config.maxBodyBytes });

  // Middleware runs in the order it is registered, so every guard comes before the routes.
  if (deps.worker) {
    const id = String(deps.worker.id);
    // Set on Node's response up front: the chat routes write their answers straight to it (node-response.ts).
    app.use('*', async function workerHeader(c, next) {
      (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing?.setHeader('x-router-worker', id);
      await next();
    });
  }
  if (deps.config.corsOrigins.length > 0) {
    const cors = corsAllowList({ origins: deps.config.corsOrigins });
    for (const path of [...OPENAI_PATHS, ...MESSAGES_PATHS]) app.use(path, cors);
  }
  if (deps.config.clientKeys.length > 0) {
    const clients = clientAuth(deps.config.clientKeys, deps.requestLog.countUnauthenticated);
    for (const path of [...OPENAI_PATHS, '/v1/classify']) app.use(path, clients);
    const anthropicClients = clientAuth(deps.config.clientKeys, deps.requestLog.countUnauthenticated, {
      render: (c, error) => {
        const { status, body } = toAnthropicError(error);
        return c.json(body, status as 401);
      },
    });
    for (const path of MESSAGES_PATHS) app.use(path, anthropicClients);
  }
  // Admin: a foreign Origin is refused before anything else; then the key (or loopback); then JSON only.
  const sameOrigin = sameOriginOnly();
  // The dashboard's sign-in sessions stand in for the admin key on the admin routes.
  const sessions = deps.config.adminKey ? new DashboardSessions(deps.config.adminKey) : undefined;
  const auth = adminAuth(deps.config.adminKey, sessions);
  const jsonOnly = jsonBodiesOnly();
  for (const path of ADMIN_PATHS) app.use(path, sameOrigin, auth, jsonOnly);

  app.post('/v1/chat/completions', chat);
  app.post('/chat/completions', chat);
  const messagesDeps = { pipeline: deps.pipeline, router: deps.router, providers: deps.providers, maxBodyBytes: deps.config.maxBodyBytes, dialects: deps.config.dialects };
  const responses = responsesRoute({ pipeline: deps.pipeline, store: deps.responseStore, maxBodyBytes: deps.config.maxBodyBytes });
  app.post('/v1/responses', responses);
  app.post('/responses', responses);
  app.post('/v1/messages', messagesRoute(messagesDeps));
  app.post('/v1/messages/count_tokens', countTokensRoute(messagesDeps));
  app.post('/v1/classify', classifyRoute(deps.router, deps.config.maxBodyBytes));
  const models = modelsRoute(deps);
  const oneModel = modelRoute(deps);
  app.get('/v1/models', models);
  app.get('/models', models);
  // Ids contain slashes (router/code, openrouter/moonshotai/kimi-k2.5): the parameter takes the rest of the path.
  app.get('/v1/models/:id{.+}', oneModel);
  app.get('/models/:id{.+}', oneModel);
  app.get('/health', (c) =>
    c.json({
      status: 'ok',
      uptime_s: Math.round((Date.now() - deps.startedAt) / 1000),
      providers: deps.providers.configs().map((p) => ({ name: p.name, configured: p.configured })),
      categories: deps.categories.list().map((cat) => cat.name),
      memory_mb: memoryMb(),
      in_flight: deps.router.inFlight.count,
      // Errors that escaped their handlers; the gateway kept serving. Anything but 0 is a bug to report.
      escaped_errors: escapedErrors() + detachedFailures(),
      // Rows waiting, refused writes and rows lost: the store (PostgreSQL) being unreachable shows here first.
      request_log: requestLogHealth(deps.requestLog.status()),
      // ROUTER_WORKERS > 1: which worker process answered, of how many.
      ...(deps.worker ? { worker: deps.worker.id, workers: deps.worker.count } : {}),
    }),
  );

  app.route('/', adminRoutes(deps));
  app.route('/', dashboardRoutes({ sessions }));
  app.route('/', classifierRoutes({ classifier: deps.classifier, settings: deps.settings, providers: deps.providers, maxBodyBytes: deps.config.maxBodyBytes }));

  app.notFound((c) => errorResponse(c, new HttpError(404, 'not_found_error', `no route for ${c.req.method} ${c.req.path}`, null, 'unknown_route')));
  app.onError((error, c) => {
    if (error instanceof HttpError) return errorResponse(c, error);
    console.error('[router] unhandled error', error);
    return errorResponse(c, new HttpError(500, 'server_error', 'internal error', null, 'internal_error'));
  });
  return app;
}
