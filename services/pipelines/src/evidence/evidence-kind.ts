import { registerEnumType } from '@nestjs/graphql';

/** EvidenceKind says what a piece of evidence reports; each kind has its own payload. */
export enum EvidenceKind {
  TESTS = 'TESTS',
  COVERAGE = 'COVERAGE',
  SECURITY_SCAN = 'SECURITY_SCAN',
  CHECK = 'CHECK',
}

/** CheckStatus is the outcome of a named check. */
export enum CheckStatus {
  PASSED = 'PASSED',
  FAILED = 'FAILED',
  PENDING = 'PENDING',
}

registerEnumType(EvidenceKind, {
  name: 'EvidenceKind',
  description: 'What a piece of evidence reports; the input field of the same name carries its payload.',
});
registerEnumType(CheckStatus, { name: 'CheckStatus', description: 'The outcome of a named check.' });
