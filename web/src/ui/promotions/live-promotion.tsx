'use client';

import { useQuery } from '@apollo/client/react';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { PromotionLiveQuery } from '../../graphql/promotions/promotions';

/**
 * LivePromotion polls the promotion's state (a small query every 3 s) and re-renders the page
 * when it changes: a vote, an expiry or a deployment report shows without a reload.
 */
export function LivePromotion({ id, updatedAt }: { id: string; updatedAt: string }) {
  const router = useRouter();
  const seen = useRef(updatedAt);
  const { data } = useQuery(PromotionLiveQuery, { variables: { id }, pollInterval: 3000, fetchPolicy: 'network-only' });
  const latest = data?.promotion.updatedAt;
  useEffect(() => {
    if (latest && latest !== seen.current) {
      seen.current = latest;
      router.refresh();
    }
  }, [latest, router]);
  return (
    <span className="muted no-print" style={{ fontSize: '0.85em' }}>
      Live
    </span>
  );
}
