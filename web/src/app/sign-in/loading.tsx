export default function Loading() {
  return <p className="card">Loading…</p>;
}
