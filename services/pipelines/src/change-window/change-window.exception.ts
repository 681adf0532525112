import { DomainException, ErrorCode } from '@gatehouse/shared';

/** Why a change window operation was refused. */
export enum ChangeWindowErrorReason {
  APPLICATION_NOT_FOUND = 'APPLICATION_NOT_FOUND',
  ENVIRONMENT_NOT_FOUND = 'ENVIRONMENT_NOT_FOUND',
  APPLICATION_ARCHIVED = 'APPLICATION_ARCHIVED',
  WINDOW_NOT_FOUND = 'WINDOW_NOT_FOUND',
  WINDOW_NAME_TAKEN = 'WINDOW_NAME_TAKEN',
  TOO_MANY_WINDOWS = 'TOO_MANY_WINDOWS',
}

const CODES: Record<ChangeWindowErrorReason, ErrorCode> = {
  [ChangeWindowErrorReason.APPLICATION_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [ChangeWindowErrorReason.ENVIRONMENT_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [ChangeWindowErrorReason.APPLICATION_ARCHIVED]: ErrorCode.CONFLICT,
  [ChangeWindowErrorReason.WINDOW_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [ChangeWindowErrorReason.WINDOW_NAME_TAKEN]: ErrorCode.CONFLICT,
  [ChangeWindowErrorReason.TOO_MANY_WINDOWS]: ErrorCode.CONFLICT,
};

/** ChangeWindowException is every refusal of the change window domain. */
export class ChangeWindowException extends DomainException<ChangeWindowErrorReason> {
  constructor(reason: ChangeWindowErrorReason, message: string, details: Record<string, unknown> = {}) {
    super(CODES[reason], reason, message, details);
  }
}
