import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '@gatehouse/shared';
import { chromium, type Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../../services/api/test/support/test-app';

const WEB = join(__dirname, '..');
const OUTPUT = join(__dirname, '..', '..', 'test-output', 'browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';


/** The built portal (`next start`), talking to the given API. */
async function startPortal(apiUrl: string): Promise<{ url: string; child: ChildProcess }> {
  if (!existsSync(join(WEB, '.next', 'BUILD_ID'))) throw new Error('web/.next is missing: run `npm run build` first (npm run test:browser does).');
  const port = await freePort();
  const next = join(WEB, '..', 'node_modules', '.bin', 'next');
  const child = spawn(next, ['start', WEB, '-p', String(port), '-H', '127.0.0.1'], {
    env: { ...process.env, GATEHOUSE_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).status < 500) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error('the portal did not start within 30 s');
}

describe('portal sign-in in a real browser', () => {
  let api: TestApp;
  let portal: { url: string; child: ChildProcess };
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(OUTPUT, { recursive: true });
    api = await startTestApp();
    await api.tokenFor('alice', ['DEVELOPER'], { password: 'alice-long-password', groups: ['payments-leads'] });
    portal = await startPortal(api.url);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
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
