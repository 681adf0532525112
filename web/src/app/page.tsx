import { Suspense } from 'react';
import { ApiHealth } from '../ui/health/api-health';

// Reads the API at request time, never at build time.
export const dynamic = 'force-dynamic';

export default function HomePage() {
  return (
    <>
      <h1>Gatehouse</h1>
      <p>Every change deployable; every promotion decided by policy, approved where it must be, and audited.</p>
      <Suspense fallback={<p className="card">Asking the API…</p>}>
        <ApiHealth />
      </Suspense>
    </>
  );
}
