'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/', label: 'Dashboard' },
  { href: '/promotions', label: 'Promotions' },
  { href: '/approvals', label: 'Approvals' },
  { href: '/policies', label: 'Policies' },
  { href: '/audit', label: 'Audit trail' },
  { href: '/applications', label: 'Applications' },
];

/** NavLinks is the portal's main navigation; the current section is marked for screen readers too. */
export function NavLinks() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="nav">
      <ul>
        {LINKS.map((link) => {
          const current = link.href === '/' ? pathname === '/' : pathname === link.href || pathname.startsWith(`${link.href}/`);
          return (
            <li key={link.href}>
              <Link href={link.href} aria-current={current ? 'page' : undefined}>
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
