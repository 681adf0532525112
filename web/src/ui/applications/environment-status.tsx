/** EnvironmentStatusSection shows which version runs in each environment (filled in once promotions exist). */
export function EnvironmentStatusSection({ environments }: { application: string; environments: string[] }) {
  return (
    <section className="card" aria-labelledby="deployed">
      <h2 id="deployed">Deployed where</h2>
      <p className="muted">Pipeline: {environments.join(' → ')}</p>
    </section>
  );
}
