import { SignInForm } from '../../ui/auth/sign-in-form';
import { apiUrl } from '../api-url';

export const dynamic = 'force-dynamic';

async function ssoAvailable(): Promise<boolean> {
  try {
    const response = await fetch(`${apiUrl()}/auth/oidc/login?returnTo=/`, { redirect: 'manual', cache: 'no-store' });
    return response.status === 302 || response.status === 303;
  } catch {
    return false;
  }
}

/** Only a path on this site, so that sign-in can never send anyone elsewhere. */
function safeReturnTo(value: string | string[] | undefined): string {
  const path = typeof value === 'string' ? value : '/';
  return /^\/(?![/\\])[^\s\\]*$/.test(path) ? path : '/';
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const returnTo = safeReturnTo((await searchParams).returnTo);
  return <SignInForm ssoAvailable={await ssoAvailable()} returnTo={returnTo} />;
}
