import { DomainException, ErrorCode } from '@gatehouse/shared';

/** Why a change or evidence operation was refused. */
export enum ChangeErrorReason {
  APPLICATION_NOT_FOUND = 'APPLICATION_NOT_FOUND',
  APPLICATION_ARCHIVED = 'APPLICATION_ARCHIVED',
  CHANGE_NOT_FOUND = 'CHANGE_NOT_FOUND',
  VERSION_CONFLICT = 'VERSION_CONFLICT',
}

const CODES: Record<ChangeErrorReason, ErrorCode> = {
  [ChangeErrorReason.APPLICATION_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [ChangeErrorReason.APPLICATION_ARCHIVED]: ErrorCode.CONFLICT,
  [ChangeErrorReason.CHANGE_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [ChangeErrorReason.VERSION_CONFLICT]: ErrorCode.CONFLICT,
};

/** ChangeException is every refusal of the change domain (changes and their evidence). */
export class ChangeException extends DomainException<ChangeErrorReason> {
  constructor(reason: ChangeErrorReason, message: string, details: Record<string, unknown> = {}) {
    super(CODES[reason], reason, message, details);
  }
}
