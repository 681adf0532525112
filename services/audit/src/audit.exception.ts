import { DomainException, ErrorCode } from '@gatehouse/shared';

/** AuditErrorReason names every way an audit operation can be refused. */
export enum AuditErrorReason {
  INVALID_EVENT = 'INVALID_EVENT',
  NOT_IN_TRANSACTION = 'NOT_IN_TRANSACTION',
  EVENT_NOT_FOUND = 'EVENT_NOT_FOUND',
  INVALID_RANGE = 'INVALID_RANGE',
  INVALID_FILTER = 'INVALID_FILTER',
  NO_SIGNING_KEY = 'NO_SIGNING_KEY',
  /** A prune asked to keep fewer months than the minimum (12). */
  RETENTION_TOO_SHORT = 'RETENTION_TOO_SHORT',
  /** A prune that would break verification or lose unsealed events; nothing was removed. */
  PRUNE_REFUSED = 'PRUNE_REFUSED',
}

const CODES: Record<AuditErrorReason, ErrorCode> = {
  [AuditErrorReason.INVALID_EVENT]: ErrorCode.VALIDATION_FAILED,
  [AuditErrorReason.NOT_IN_TRANSACTION]: ErrorCode.INTERNAL,
  [AuditErrorReason.EVENT_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [AuditErrorReason.INVALID_RANGE]: ErrorCode.VALIDATION_FAILED,
  [AuditErrorReason.INVALID_FILTER]: ErrorCode.VALIDATION_FAILED,
  [AuditErrorReason.NO_SIGNING_KEY]: ErrorCode.INTERNAL,
  [AuditErrorReason.RETENTION_TOO_SHORT]: ErrorCode.VALIDATION_FAILED,
  [AuditErrorReason.PRUNE_REFUSED]: ErrorCode.CONFLICT,
};

/** AuditException is the audit service's one exception type; its reason maps to a public code. */
export class AuditException extends DomainException<AuditErrorReason> {
  constructor(reason: AuditErrorReason, message: string, details: Record<string, unknown> = {}) {
    super(CODES[reason], reason, message, details);
  }
}
