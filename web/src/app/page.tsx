import Link from 'next/link';
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { currentUser } from '../ui/auth/current-user';
import { VerificationBadge } from '../ui/audit/verification-badge';
import { DashboardPanels } from '../ui/dashboard/dashboard-panels';
import { ApiHealth } from '../ui/health/api-health';
import { LiveRefresh } from '../ui/shell/live-refresh';

// Reads the API at request time, never at build time.
export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Dashboard' };

export default async function HomePage() {
  const user = await currentUser();
  if (!user) {
    return (
      <>
        <h1>Gatehouse</h1>
        <section className="card" aria-label="Session">
          <p>
            You are not signed in. <Link prefetch={false} href="/sign-in">Sign in</Link>
          </p>
        </section>
        <p>Every change deployable; every promotion decided by policy, approved where it must be, and audited.</p>
        <Suspense fallback={<p className="card">Asking the API…</p>}>
          <ApiHealth />
        </Suspense>
      </>
    );
  }
  return (
    <>
      <h1>Dashboard</h1>
      <section className="card" aria-label="Session">
        <p data-testid="signed-in">
          Signed in as <strong>{user.displayName}</strong> ({user.username}) — roles {user.roles.join(', ') || 'none'}
          {user.groups.length ? `; groups ${user.groups.join(', ')}` : ''}.
        </p>
        <VerificationBadge /> <LiveRefresh seconds={10} />
      </section>
      <Suspense fallback={<p className="card" role="status">Loading the dashboard…</p>}>
        <DashboardPanels />
      </Suspense>
    </>
  );
}
