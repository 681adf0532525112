const TONE: Record<string, string> = {
  DEPLOYED: 'ok',
  APPROVED: 'ok',
  ALLOW: 'ok',
  PENDING_APPROVAL: 'warn',
  REQUIRE_APPROVAL: 'warn',
  REQUESTED: 'info',
  DEPLOYING: 'info',
  DENIED: 'bad',
  DENY: 'bad',
  REJECTED: 'bad',
  FAILED: 'bad',
  ROLLED_BACK: 'bad',
  EXPIRED: 'warn',
  CANCELLED: 'warn',
};

/** StateBadge shows a promotion state or decision outcome in words, coloured by how it went. */
export function StateBadge({ state, testId }: { state: string; testId?: string }) {
  return (
    <span className={`badge badge-${TONE[state] ?? 'info'}`} data-testid={testId}>
      {state.replaceAll('_', ' ').toLowerCase()}
    </span>
  );
}
