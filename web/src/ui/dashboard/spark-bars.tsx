/** SparkBars: a tiny bar chart (one bar per week), described in words for screen readers. */
export function SparkBars({ values, label }: { values: number[]; label: string }) {
  const max = Math.max(1, ...values);
  const width = values.length * 8;
  return (
    <svg className="spark" width={width} height={28} viewBox={`0 0 ${width} 28`} role="img" aria-label={`${label}: ${values.join(', ')}`}>
      {values.map((v, i) => {
        const h = Math.round((v / max) * 26);
        return <rect key={i} x={i * 8 + 1} y={27 - h} width={6} height={Math.max(h, 1)} fill={v ? '#1d4ed8' : '#d0d7de'} />;
      })}
    </svg>
  );
}
