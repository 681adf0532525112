'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/**
 * LiveRefresh re-renders the page's server components every few seconds while the tab is
 * visible, so states and inboxes follow the API without a reload (scroll and form input stay).
 */
export function LiveRefresh({ seconds = 5 }: { seconds?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') router.refresh();
    }, seconds * 1000);
    return () => clearInterval(timer);
  }, [router, seconds]);
  return (
    <span className="muted no-print" style={{ fontSize: '0.85em' }}>
      Live: updates every {seconds} s
    </span>
  );
}
