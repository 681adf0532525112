import localFont from 'next/font/local';
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

// Bundled from @fontsource-variable/inter: the build never reaches the network.
const inter = localFont({
  src: '../../../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2',
  display: 'swap',
});

export const metadata: Metadata = {
  title: 'Gatehouse',
  description: 'Policy-gated promotions with a tamper-evident audit trail',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className={inter.className}>
      <body>
        <header className="masthead">
          <span className="brand">Gatehouse</span>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
