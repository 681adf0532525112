import { Controller, HttpCode, Post, Query, Res } from '@nestjs/common';
import { HttpRequest, PublicAccess } from '@gatehouse/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CDEventValidator } from '../cdevents/cdevents.validator';
import { IntegrationKind, type IntegrationRow } from '../integration/integration.model';
import { IntegrationService } from '../integration/integration.service';
import { IntegrationErrorReason, IntegrationException } from '../integrations.exception';
import { constantTimeEqual } from '../delivery/delivery.signature';
import { createHmac } from 'node:crypto';
import { mapCDEvent } from './cdevents.mapper';
import { mapGithubEvent } from './github.mapper';
import { IncomingService, type IncomingOutcome, type RequestInfo } from './incoming.service';

type RawRequest = FastifyRequest & { rawBody?: Buffer };

/**
 * IncomingWebhookController takes events from CI and CD tools. Each request proves which
 * integration sent it (a bearer token for CDEvents, an HMAC signature for GitHub) rather than
 * a user's credential, so the routes are public to the access guard and authenticate here.
 * Answers: 200 with what was done, 202 when the event was accepted and ignored (unknown
 * type, nothing to map, a repeated delivery), 400 for a payload that cannot be used (with
 * every problem), 401 for a missing or wrong credential (audited).
 */
@Controller('webhooks')
export class IncomingWebhookController {
  private readonly validator = new CDEventValidator();

  constructor(
    private readonly integrations: IntegrationService,
    private readonly incoming: IncomingService,
  ) {}

  @PublicAccess()
  @Post('github')
  @HttpCode(200)
  async github(@HttpRequest() request: RawRequest, @Query('integration') name: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<IncomingOutcome> {
    const info = requestInfo(request);
    if (!name) throw new IntegrationException(IntegrationErrorReason.CREDENTIAL_MISSING, 'Name the integration in the URL: /webhooks/github?integration=<name>.');
    const integration = await this.integrations.byName(name);
    const signature = header(request, 'x-hub-signature-256');
    if (!integration || integration.kind !== IntegrationKind.GITHUB || integration.disabled_at || !integration.secret) {
      await this.incoming.recordRefusal('webhook.signature.rejected', null, `no enabled GitHub integration named "${name}"`, info);
      throw signatureInvalid();
    }
    const raw = request.rawBody;
    const expected = raw ? `sha256=${createHmac('sha256', integration.secret).update(raw).digest('hex')}` : '';
    if (!signature || !raw || !constantTimeEqual(expected, signature)) {
      await this.incoming.recordRefusal('webhook.signature.rejected', integration, signature ? 'X-Hub-Signature-256 does not match the body' : 'no X-Hub-Signature-256 header', info);
      throw signatureInvalid();
    }
    const event = header(request, 'x-github-event');
    const delivery = header(request, 'x-github-delivery');
    if (!event || !delivery || delivery.length > 200) {
      throw new IntegrationException(IntegrationErrorReason.PAYLOAD_INVALID, 'A GitHub delivery needs the X-GitHub-Event and X-GitHub-Delivery headers.');
    }
    const outcome = await this.incoming.apply(integration, `github:${delivery}`, event, mapGithubEvent(event, request.body), info);
    if (outcome.outcome === 'ignored' || outcome.outcome === 'duplicate') reply.status(202);
    return outcome;
  }

  @PublicAccess()
  @Post('cdevents')
  @HttpCode(200)
  async cdevents(@HttpRequest() request: RawRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<IncomingOutcome> {
    const info = requestInfo(request);
    const integration = await this.authenticate(request, info);
    const { id, event } = cloudEventOf(request);
    const validation = this.validator.validate(event);
    const type = typeof (event as { context?: { type?: unknown } })?.context?.type === 'string' ? String((event as { context: { type: string } }).context.type) : 'unknown';
    if (validation.kind === 'invalid') {
      throw new IntegrationException(IntegrationErrorReason.SCHEMA_INVALID, `The CDEvent does not match its JSON schema: ${validation.errors.join('; ')}.`, { problems: validation.errors });
    }
    const action = validation.kind === 'unknown' ? { kind: 'ignore' as const, reason: `unknown event type: ${validation.reason}` } : mapCDEvent(validation.type, event as Record<string, unknown>);
    const outcome = await this.incoming.apply(integration, `cdevents:${id}`, type, action, info);
    if (outcome.outcome === 'ignored' || outcome.outcome === 'duplicate') reply.status(202);
    return outcome;
  }

  private async authenticate(request: RawRequest, info: RequestInfo): Promise<IntegrationRow> {
    const authorization = header(request, 'authorization');
    const token = authorization && /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    if (!token) throw new IntegrationException(IntegrationErrorReason.CREDENTIAL_MISSING, 'Send the integration token as Authorization: Bearer <token>.');
    const integration = await this.integrations.byToken(token);
    if (!integration) {
      await this.incoming.recordRefusal('webhook.token.rejected', null, 'unknown, disabled or malformed integration token', info);
      throw new IntegrationException(IntegrationErrorReason.CREDENTIAL_INVALID, 'The integration token is not valid (unknown, disabled, or not a CDEvents integration).');
    }
    return integration;
  }
}

/**
 * The CloudEvent's id and its CDEvent: binary mode (`ce-*` headers, the CDEvent as the JSON
 * body) or structured mode (`application/cloudevents+json`, the CDEvent in `data`).
 */
function cloudEventOf(request: RawRequest): { id: string; event: unknown } {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const body = request.body as Record<string, unknown> | undefined;
  if (type === 'application/cloudevents+json') {
    const problems: string[] = [];
    if (body?.specversion !== '1.0') problems.push('specversion must be "1.0"');
    if (typeof body?.id !== 'string' || !body.id || body.id.length > 200) problems.push('id must be a non-empty string of at most 200 characters');
    if (typeof body?.data !== 'object' || body.data === null) problems.push('data must hold the CDEvent as JSON');
    if (problems.length) throw new IntegrationException(IntegrationErrorReason.PAYLOAD_INVALID, `Not a CloudEvent in structured mode: ${problems.join('; ')}.`, { problems });
    return { id: String(body!.id), event: body!.data };
  }
  if (type === 'application/json') {
    const id = header(request, 'ce-id');
    if (header(request, 'ce-specversion') !== '1.0' || !id || id.length > 200) {
      throw new IntegrationException(
        IntegrationErrorReason.PAYLOAD_INVALID,
        'A CloudEvent in binary mode needs the headers ce-specversion: 1.0 and ce-id (at most 200 characters); or send application/cloudevents+json.',
      );
    }
    return { id, event: body };
  }
  throw new IntegrationException(IntegrationErrorReason.UNSUPPORTED_MEDIA_TYPE, `Send a CloudEvent as application/cloudevents+json (structured) or application/json with ce-* headers (binary), not ${type || 'no content type'}.`);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function requestInfo(request: FastifyRequest): RequestInfo {
  return { requestId: String(request.id), ip: request.ip ?? null, userAgent: header(request, 'user-agent')?.slice(0, 1000) ?? null };
}

function signatureInvalid(): IntegrationException {
  return new IntegrationException(IntegrationErrorReason.SIGNATURE_INVALID, 'The X-Hub-Signature-256 signature is missing or does not match this integration’s secret.');
}
