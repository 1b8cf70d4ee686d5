# syntax=docker/dockerfile:1
# Build stage: production dependencies only; better-sqlite3 compiles here when no prebuilt binary fits.
FROM node:24-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-fund --no-audit

# Runtime stage: Node 24 runs the TypeScript sources directly (type stripping), no build step.
FROM node:24-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3456 \
    ROUTER_DB=/data/router.db
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY service ./service
COPY categories ./categories
COPY pricing ./pricing
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3456
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3456) + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Memory settings of `npm start` (docs/PERFORMANCE.md, "Memory"): two malloc arenas and 16 MB
# semi-spaces keep RSS near 280 MB under sustained load instead of ~400 MB, at the same CPU.
ENV MALLOC_ARENA_MAX=2
# SIGTERM reaches node directly (exec form), which drains in-flight requests and flushes the log.
CMD ["node", "--max-semi-space-size=16", "service/main.ts"]
