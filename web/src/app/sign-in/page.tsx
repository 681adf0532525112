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

export default async function SignInPage() {
  return <SignInForm ssoAvailable={await ssoAvailable()} />;
}
