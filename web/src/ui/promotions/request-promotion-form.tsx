'use client';

import { useMutation } from '@apollo/client/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { RequestPromotionMutation } from '../../graphql/promotions/promotions';
import { ApiErrorNotice, type ApiProblem } from '../shell/api-problem';
import { problemOf } from '../shell/apollo-error';

/** RequestPromotionForm asks for a change to be promoted into an environment; the policy decides at once. */
export function RequestPromotionForm({ changeId, environments }: { changeId: string; environments: string[] }) {
  const router = useRouter();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [request, { loading }] = useMutation(RequestPromotionMutation);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setProblem(null);
    try {
      const { data } = await request({
        variables: {
          input: {
            change: changeId,
            environment: String(form.get('environment')),
            reason: String(form.get('reason') ?? '').trim() || undefined,
            idempotencyKey: crypto.randomUUID(),
          },
        },
      });
      if (data) router.push(`/promotions/${data.requestPromotion.id}`);
    } catch (error) {
      setProblem(problemOf(error));
    }
  }

  return (
    <form className="card filters no-print" onSubmit={submit} aria-label="Request a promotion">
      <label>
        Promote into
        <select name="environment" defaultValue={environments[environments.length - 1]}>
          {environments.map((env) => (
            <option key={env}>{env}</option>
          ))}
        </select>
      </label>
      <label style={{ flexGrow: 1 }}>
        Why
        <input name="reason" placeholder="for the approvers and the audit trail" />
      </label>
      <button type="submit" disabled={loading}>
        {loading ? 'Requesting…' : 'Request promotion'}
      </button>
      {problem ? (
        <div style={{ flexBasis: '100%' }}>
          <ApiErrorNotice title="The promotion was not requested" error={problem} />
        </div>
      ) : null}
    </form>
  );
}
