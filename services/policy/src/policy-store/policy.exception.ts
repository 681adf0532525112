import { DomainException, ErrorCode } from '@gatehouse/shared';

/** Why a policy store operation was refused. */
export enum PolicyStoreErrorReason {
  POLICY_NOT_FOUND = 'POLICY_NOT_FOUND',
  POLICY_VERSION_NOT_FOUND = 'POLICY_VERSION_NOT_FOUND',
  INVALID_POLICY_DOCUMENT = 'INVALID_POLICY_DOCUMENT',
  INVALID_POLICY_INPUT = 'INVALID_POLICY_INPUT',
  VERSION_CONFLICT = 'VERSION_CONFLICT',
  VERSION_OUT_OF_ORDER = 'VERSION_OUT_OF_ORDER',
  ENVIRONMENT_OUT_OF_SCOPE = 'ENVIRONMENT_OUT_OF_SCOPE',
  REGULATED_ENVIRONMENT = 'REGULATED_ENVIRONMENT',
}

const CODES: Record<PolicyStoreErrorReason, ErrorCode> = {
  [PolicyStoreErrorReason.POLICY_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [PolicyStoreErrorReason.POLICY_VERSION_NOT_FOUND]: ErrorCode.NOT_FOUND,
  [PolicyStoreErrorReason.INVALID_POLICY_DOCUMENT]: ErrorCode.VALIDATION_FAILED,
  [PolicyStoreErrorReason.INVALID_POLICY_INPUT]: ErrorCode.VALIDATION_FAILED,
  [PolicyStoreErrorReason.VERSION_CONFLICT]: ErrorCode.CONFLICT,
  [PolicyStoreErrorReason.VERSION_OUT_OF_ORDER]: ErrorCode.CONFLICT,
  [PolicyStoreErrorReason.ENVIRONMENT_OUT_OF_SCOPE]: ErrorCode.VALIDATION_FAILED,
  [PolicyStoreErrorReason.REGULATED_ENVIRONMENT]: ErrorCode.VALIDATION_FAILED,
};

/** PolicyStoreException is every refusal of the policy store: publishing, activating, evaluating, simulating. */
export class PolicyStoreException extends DomainException<PolicyStoreErrorReason> {
  constructor(reason: PolicyStoreErrorReason, message: string, details: Record<string, unknown> = {}) {
    super(CODES[reason], reason, message, details);
  }
}

/** DocumentProblem is one reason a policy document (or input document) was refused, with where it is. */
export interface DocumentProblem {
  /** e.g. `rules[2].when`, or `(document)` for the whole document. */
  path: string;
  line: number | null;
  column: number | null;
  message: string;
}

export function policyNotFound(name: string): PolicyStoreException {
  return new PolicyStoreException(PolicyStoreErrorReason.POLICY_NOT_FOUND, `No policy named "${name}".`, { policy: name });
}

export function versionNotFound(name: string, version: number): PolicyStoreException {
  return new PolicyStoreException(PolicyStoreErrorReason.POLICY_VERSION_NOT_FOUND, `Policy "${name}" has no version ${version}.`, { policy: name, version });
}
