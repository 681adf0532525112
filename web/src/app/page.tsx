import Link from 'next/link';
import { Suspense } from 'react';
import { currentUser } from '../ui/auth/current-user';
import { SignOutButton } from '../ui/auth/sign-out-button';
import { ApiHealth } from '../ui/health/api-health';

// Reads the API at request time, never at build time.
export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const user = await currentUser();
  return (
    <>
      <h1>Gatehouse</h1>
      <section className="card" aria-label="Session">
        {user ? (
          <p data-testid="signed-in">
            Signed in as <strong>{user.displayName}</strong> ({user.username}) — roles {user.roles.join(', ') || 'none'}
            {user.groups.length ? `; groups ${user.groups.join(', ')}` : ''}. <SignOutButton />
          </p>
        ) : (
          <p>
            You are not signed in. <Link href="/sign-in">Sign in</Link>
          </p>
        )}
      </section>
      <p>Every change deployable; every promotion decided by policy, approved where it must be, and audited.</p>
      <Suspense fallback={<p className="card">Asking the API…</p>}>
        <ApiHealth />
      </Suspense>
    </>
  );
}
