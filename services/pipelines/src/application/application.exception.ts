import { DomainException, ErrorCode } from '@gatehouse/shared';

/** Why an application operation was refused. */
export enum ApplicationErrorReason {
  APPLICATION_NOT_FOUND = 'APPLICATION_NOT_FOUND',
  ENVIRONMENT_NOT_FOUND = 'ENVIRONMENT_NOT_FOUND',
  APPLICATION_NAME_TAKEN = 'APPLICATION_NAME_TAKEN',
  DUPLICATE_ENVIRONMENT = 'DUPLICATE_ENVIRONMENT',
  APPLICATION_ARCHIVED = 'APPLICATION_ARCHIVED',
}

const CODES: Record<ApplicationErrorReason, ErrorCode> = {
  [ApplicationErrorReason.APPLICATION_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [ApplicationErrorReason.ENVIRONMENT_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [ApplicationErrorReason.APPLICATION_NAME_TAKEN]: ErrorCode.CONFLICT,
  [ApplicationErrorReason.DUPLICATE_ENVIRONMENT]: ErrorCode.VALIDATION_FAILED,
  [ApplicationErrorReason.APPLICATION_ARCHIVED]: ErrorCode.CONFLICT,
};

/** ApplicationException is every refusal of the application domain. */
export class ApplicationException extends DomainException<ApplicationErrorReason> {
  constructor(reason: ApplicationErrorReason, message: string, details: Record<string, unknown> = {}) {
    super(CODES[reason], reason, message, details);
  }
}
