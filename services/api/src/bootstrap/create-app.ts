import { createHash, randomUUID } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 22);
import type { IncomingMessage } from 'node:http';
import { ConsoleLogger, type LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Config, LogLevel } from '@gatehouse/shared';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import { ErrorCode, Metrics } from '@gatehouse/shared';
import { LogController, type FastifyRequest } from 'fastify';
import { AppModule } from '../app.module';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes a caller's X-Request-Id when it is sane (so ids follow a request across systems), else makes one. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Rate limits count per API token (its public prefix), per portal session, else per address. */
export function rateLimitKey(request: FastifyRequest): string {
  const authorization = request.headers.authorization;
  // Keyed by a hash of the whole credential: a shared prefix must not let one caller use up another's budget.
  if (typeof authorization === 'string' && /^Bearer\s+\S+/i.test(authorization)) return `token:${digest(authorization.trim())}`;
  const cookie = /(?:^|;\s*)gatehouse_session=([^;]{1,128})/.exec(String(request.headers.cookie ?? ''));
  if (cookie) return `session:${digest(cookie[1]!)}`;
  return `ip:${request.ip}`;
}

const NEST_LEVELS: Record<LogLevel, NestLogLevel[]> = {
  trace: ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'],
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
  fatal: ['fatal'],
  silent: [],
};

const draining = new WeakSet<object>();

/**
 * Stops taking requests and waits for those in flight: the listener closes (new connections are
 * refused), idle kept-alive connections close at once, and each in-flight request's answer closes
 * its connection. Call it before `app.close()`, whose shutdown hooks (the audit sealer's final
 * sealing among them) then run with no request left that could still write an event.
 */
export async function drainHttp(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  draining.add(fastify);
  await fastify.close();
}

/** Builds the API (Fastify + Nest) with structured JSON logs and request ids, initialised but not listening. */
export async function createApp(config: Config, databaseUrl: string): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    logger: { level: config.logLevel },
    genReqId: requestIdFor,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    bodyLimit: 1024 * 1024,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl), adapter, {
    logger: new ConsoleLogger({ json: true, logLevels: NEST_LEVELS[config.logLevel] }),
    abortOnError: false, // throw, so the caller reports why instead of the process exiting silently
    rawBody: true, // request.rawBody: incoming webhooks verify their HMAC signature over the exact bytes
  });
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: rateLimitKey,
    allowList: (request: FastifyRequest) => request.url === '/healthz' || request.url === '/readyz',
    // Thrown as an error with status 429; the GraphQL error formatter turns it into RATE_LIMITED.
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`Rate limit of ${context.max} requests per minute exceeded; retry after ${context.after}.`), { statusCode: 429 }),
  });
  // GraphQL over POST takes JSON (or application/graphql) only: an HTML form cannot send either
  // without a CORS preflight, which closes the form-post CSRF route for cookie sessions.
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || !request.url.startsWith('/graphql')) return;
    const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/json' || type === 'application/graphql') return;
    reply.code(415).send({
      data: null,
      errors: [
        {
          message: `Content-Type must be application/json (got ${type || 'none'}).`,
          extensions: { code: ErrorCode.BAD_REQUEST, requestId: request.id },
        },
      ],
    });
    return reply;
  });
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const metrics = app.get(Metrics);
  fastify.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: labels must stay few.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.requestSeconds.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  fastify.addHook('onSend', async (request, reply) => {
    // While draining, every answer closes its connection: a kept-alive socket would otherwise
    // hold the server open until its keep-alive timeout (72 s), past Kubernetes' grace period.
    if (draining.has(fastify)) reply.header('connection', 'close');
  });
  // No enableShutdownHooks(): main.ts owns SIGTERM/SIGINT, so that requests drain before the hooks run.
  await app.init();
  await fastify.ready();
  return app;
}
