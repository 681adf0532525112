# syntax=docker/dockerfile:1
# The Gatehouse portal (Next.js): `docker build -f deploy/docker/portal.Dockerfile -t gatehouse-portal .` from the
# repository root. Its server reaches the API at GATEHOUSE_API_URL (e.g. http://gatehouse-api:4000) and proxies
# the browser's GraphQL and sign-in requests there, so only the portal needs to be public for people.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true NEXT_TELEMETRY_DISABLED=1
RUN npm install -g npm@11.19.1 --no-audit --no-fund
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
COPY nx.json tsconfig.base.json ./
COPY web web
RUN npx nx run web:build --output-style=static && rm -rf web/.next/cache

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
RUN npm ci --omit=dev --workspace=@gatehouse/web --include-workspace-root=false --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="gatehouse-portal" \
      org.opencontainers.image.description="Gatehouse portal: approvals inbox, audit trail, policies"
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0 GATEHOUSE_API_URL=http://gatehouse-api:4000
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=deps /app/package.json ./
COPY --from=build /src/web/package.json /src/web/next.config.mjs web/
COPY --from=build /src/web/.next web/.next
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/sign-in').then(()=>process.exit(0),()=>process.exit(1))"]
WORKDIR /app/web
CMD ["node", "/app/node_modules/next/dist/bin/next", "start", "-H", "0.0.0.0"]
