export default function Loading() {
  return (
    <p className="card" role="status">
      Loading…
    </p>
  );
}
