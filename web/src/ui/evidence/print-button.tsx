'use client';

/** PrintButton opens the browser's print dialog; the print stylesheet lays the page out for paper. */
export function PrintButton() {
  return (
    <button type="button" className="secondary" onClick={() => window.print()}>
      Print
    </button>
  );
}
