import { DomainException, ErrorCode } from '@gatehouse/shared';

/** Why an integration, webhook or incoming event was refused. */
export enum IntegrationErrorReason {
  INTEGRATION_NOT_FOUND = 'INTEGRATION_NOT_FOUND',
  INTEGRATION_NAME_TAKEN = 'INTEGRATION_NAME_TAKEN',
  WEBHOOK_NOT_FOUND = 'WEBHOOK_NOT_FOUND',
  APPLICATION_NOT_FOUND = 'APPLICATION_NOT_FOUND',
  ENVIRONMENT_NOT_FOUND = 'ENVIRONMENT_NOT_FOUND',
  CREDENTIAL_MISSING = 'CREDENTIAL_MISSING',
  CREDENTIAL_INVALID = 'CREDENTIAL_INVALID',
  SIGNATURE_INVALID = 'SIGNATURE_INVALID',
  PAYLOAD_INVALID = 'PAYLOAD_INVALID',
  SCHEMA_INVALID = 'SCHEMA_INVALID',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
}

const CODES: Record<IntegrationErrorReason, ErrorCode> = {
  [IntegrationErrorReason.INTEGRATION_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [IntegrationErrorReason.INTEGRATION_NAME_TAKEN]: ErrorCode.CONFLICT,
  [IntegrationErrorReason.WEBHOOK_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [IntegrationErrorReason.APPLICATION_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [IntegrationErrorReason.ENVIRONMENT_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [IntegrationErrorReason.CREDENTIAL_MISSING]: ErrorCode.UNAUTHENTICATED,
  [IntegrationErrorReason.CREDENTIAL_INVALID]: ErrorCode.UNAUTHENTICATED,
  [IntegrationErrorReason.SIGNATURE_INVALID]: ErrorCode.UNAUTHENTICATED,
  [IntegrationErrorReason.PAYLOAD_INVALID]: ErrorCode.BAD_REQUEST,
  [IntegrationErrorReason.SCHEMA_INVALID]: ErrorCode.VALIDATION_FAILED,
  [IntegrationErrorReason.UNSUPPORTED_MEDIA_TYPE]: ErrorCode.BAD_REQUEST,
};

/** IntegrationException is every refusal of the integrations service. */
export class IntegrationException extends DomainException<IntegrationErrorReason> {
  constructor(reason: IntegrationErrorReason, message: string, details: Record<string, unknown> = {}) {
    super(CODES[reason], reason, message, details);
  }
}
