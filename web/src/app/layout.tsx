import localFont from 'next/font/local';
import Link from 'next/link';
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { currentUser } from '../ui/auth/current-user';
import { SignOutButton } from '../ui/auth/sign-out-button';
import { PortalApolloProvider } from '../ui/shell/apollo-provider';
import { NavLinks } from '../ui/shell/nav-links';
import './globals.css';

// Bundled from @fontsource-variable/inter: the build never reaches the network.
const inter = localFont({
  src: '../../../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2',
  display: 'swap',
});

export const metadata: Metadata = {
  title: { default: 'Gatehouse', template: '%s · Gatehouse' },
  description: 'Policy-gated promotions with a tamper-evident audit trail',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en" className={inter.className}>
      <body>
        <a className="skip-link" href="#content">
          Skip to content
        </a>
        <header className="masthead">
          <Link prefetch={false} href="/" className="brand">
            Gatehouse
          </Link>
          {user ? <NavLinks /> : null}
          {user ? (
            <span className="who">
              <span data-testid="masthead-user">{user.displayName}</span> <SignOutButton />
            </span>
          ) : null}
        </header>
        <PortalApolloProvider>
          <main id="content">{children}</main>
        </PortalApolloProvider>
      </body>
    </html>
  );
}
