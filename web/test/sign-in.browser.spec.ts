import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../../services/api/test/support/test-app';
import { launchChromium, OUTPUT, startPortal } from './support/portal';


describe('portal sign-in in a real browser', () => {
  let api: TestApp;
  let portal: { url: string; child: ChildProcess };
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(OUTPUT, { recursive: true });
    api = await startTestApp();
    await api.tokenFor('alice', ['DEVELOPER'], { password: 'alice-long-password', groups: ['payments-leads'] });
    portal = await startPortal(api.url);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    portal?.child.kill('SIGTERM');
    await api?.close();
  });

  it('refuses a wrong password with the API message and request id, then signs in, shows who, and signs out', async () => {
    const page = await browser.newPage();
    await page.goto(`${portal.url}/`);
    await page.getByText('You are not signed in').waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();

    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.locator('form').getByRole('alert'); // not Next.js' own (empty) route announcer
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Wrong username or password\. \(request id [0-9a-f-]{36}\)/);
    await page.screenshot({ path: join(OUTPUT, 'sign-in-refused.png'), fullPage: true });

    await page.getByLabel('Password').fill('alice-long-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const signedIn = page.getByTestId('signed-in');
    await signedIn.waitFor();
    expect(await signedIn.textContent()).toContain('(alice) — roles DEVELOPER; groups payments-leads');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'gatehouse_session')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });
    await page.screenshot({ path: join(OUTPUT, 'signed-in.png'), fullPage: true });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect((await page.context().cookies()).find((c) => c.name === 'gatehouse_session')).toBeUndefined();
    await page.goto(`${portal.url}/`);
    await page.getByText('You are not signed in').waitFor();
    await page.screenshot({ path: join(OUTPUT, 'signed-out.png'), fullPage: true });
  }, 60_000);
});
