import { DomainException, ErrorCode } from '@gatehouse/shared';

/** Why a promotion, vote, deployment report or review was refused. */
export enum PromotionErrorReason {
  PROMOTION_NOT_FOUND = 'PROMOTION_NOT_FOUND',
  DECISION_NOT_FOUND = 'DECISION_NOT_FOUND',
  APPLICATION_NOT_FOUND = 'APPLICATION_NOT_FOUND',
  CHANGE_NOT_FOUND = 'CHANGE_NOT_FOUND',
  ENVIRONMENT_NOT_FOUND = 'ENVIRONMENT_NOT_FOUND',
  APPLICATION_ARCHIVED = 'APPLICATION_ARCHIVED',
  PREVIOUS_ENVIRONMENT_NOT_DEPLOYED = 'PREVIOUS_ENVIRONMENT_NOT_DEPLOYED',
  ALREADY_DEPLOYED = 'ALREADY_DEPLOYED',
  PROMOTION_ALREADY_OPEN = 'PROMOTION_ALREADY_OPEN',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  ILLEGAL_TRANSITION = 'ILLEGAL_TRANSITION',
  NOT_ELIGIBLE = 'NOT_ELIGIBLE',
  PROMOTION_EXPIRED = 'PROMOTION_EXPIRED',
  EMERGENCY_GUARD = 'EMERGENCY_GUARD',
  REVIEW_NOT_FOUND = 'REVIEW_NOT_FOUND',
  REVIEW_ALREADY_COMPLETED = 'REVIEW_ALREADY_COMPLETED',
}

const CODES: Record<PromotionErrorReason, ErrorCode> = {
  [PromotionErrorReason.PROMOTION_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [PromotionErrorReason.DECISION_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [PromotionErrorReason.APPLICATION_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [PromotionErrorReason.CHANGE_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [PromotionErrorReason.ENVIRONMENT_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [PromotionErrorReason.APPLICATION_ARCHIVED]: ErrorCode.CONFLICT,
  [PromotionErrorReason.PREVIOUS_ENVIRONMENT_NOT_DEPLOYED]: ErrorCode.CONFLICT,
  [PromotionErrorReason.ALREADY_DEPLOYED]: ErrorCode.CONFLICT,
  [PromotionErrorReason.PROMOTION_ALREADY_OPEN]: ErrorCode.CONFLICT,
  [PromotionErrorReason.IDEMPOTENCY_KEY_REUSED]: ErrorCode.CONFLICT,
  [PromotionErrorReason.ILLEGAL_TRANSITION]: ErrorCode.CONFLICT,
  [PromotionErrorReason.NOT_ELIGIBLE]: ErrorCode.FORBIDDEN,
  [PromotionErrorReason.PROMOTION_EXPIRED]: ErrorCode.CONFLICT,
  [PromotionErrorReason.EMERGENCY_GUARD]: ErrorCode.CONFLICT,
  [PromotionErrorReason.REVIEW_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [PromotionErrorReason.REVIEW_ALREADY_COMPLETED]: ErrorCode.CONFLICT,
};

/** PromotionException is every refusal of the promotion domain. */
export class PromotionException extends DomainException<PromotionErrorReason> {
  constructor(reason: PromotionErrorReason, message: string, details: Record<string, unknown> = {}) {
    super(CODES[reason], reason, message, details);
  }
}

export function applicationNotFound(name: string): PromotionException {
  return new PromotionException(PromotionErrorReason.APPLICATION_NOT_FOUND, `No application named "${name}".`, { application: name });
}
