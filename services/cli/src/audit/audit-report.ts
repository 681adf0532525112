/** VerificationReport is what `verify` and `verify-export` print; the API and the offline verifier both fit it. */
export interface VerificationReport {
  valid: boolean;
  sealedFrom: number;
  sealedTo: number;
  pendingCount: number | null;
  checkedFrom: number | null;
  checkedTo: number | null;
  eventsChecked: number;
  checkpointsChecked: number;
  lastCheckpoint: { seq: number; time: string; keyId: string } | null;
  unsignedTail: number;
  keyIds: string[];
  firstBroken: { seq: number; problem: string; message: string } | null;
  /** After a retention prune: the first seq kept, and the signed month seal verification started from. */
  prunedBefore?: number | null;
  retentionAnchor?: { sealMonth: string; sealKeyId: string } | null;
  anchoredBy?: { month: string; keyId: string } | null;
}

/** The report as people read it. */
export function formatVerificationReport(report: VerificationReport, source: string): string {
  const lines = [
    `source:       ${source}`,
    `sealed range: ${report.sealedTo > 0 ? `${report.sealedFrom}–${report.sealedTo}` : 'empty'}`,
    `pending:      ${report.pendingCount ?? 'unknown'}`,
    `checked:      ${report.checkedFrom !== null && report.checkedTo !== null ? `${report.checkedFrom}–${report.checkedTo}` : 'nothing'} (${report.eventsChecked} events, ${report.checkpointsChecked} checkpoints)`,
    `checkpoint:   ${report.lastCheckpoint ? `seq ${report.lastCheckpoint.seq} at ${report.lastCheckpoint.time}, key ${report.lastCheckpoint.keyId}` : 'none'}${report.unsignedTail ? ` (${report.unsignedTail} events after it not signed yet)` : ''}`,
  ];
  const seal = report.retentionAnchor ? { month: report.retentionAnchor.sealMonth, keyId: report.retentionAnchor.sealKeyId } : report.anchoredBy;
  if (report.prunedBefore && report.prunedBefore > 1 && seal) {
    lines.push(`retention:    pruned before seq ${report.prunedBefore}, anchored by the month seal of ${seal.month} (key ${seal.keyId})`);
  }
  if (report.firstBroken) {
    lines.push(`result:       BROKEN at seq ${report.firstBroken.seq}: ${report.firstBroken.problem}`, `              ${report.firstBroken.message}`);
  } else {
    lines.push('result:       OK — the chain and its checkpoints verify');
  }
  return `${lines.join('\n')}\n`;
}
