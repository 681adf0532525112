import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@gatehouse/shared';
import { chromium, type Browser, type Page } from 'playwright-core';

const WEB = join(__dirname, '..', '..');
export const OUTPUT = join(WEB, '..', 'test-output', 'browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The built portal (`next start`), talking to the given API. */
export async function startPortal(apiUrl: string, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  if (!existsSync(join(WEB, '.next', 'BUILD_ID'))) throw new Error('web/.next is missing: run `npm run build` first (npm run test:browser does).');
  const port = await freePort();
  const next = join(WEB, '..', 'node_modules', '.bin', 'next');
  const child = spawn(next, ['start', WEB, '-p', String(port), '-H', '127.0.0.1'], {
    env: { ...process.env, GATEHOUSE_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1', ...env },
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

/** Debian's Chromium, headless, never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Signs in through the form, as a person would, and waits for the dashboard. */
export async function signIn(page: Page, portalUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${portalUrl}/sign-in`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in').waitFor();
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core (WCAG 2 A and AA rules) on the page as it is and returns the violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

/** Violations as one readable line each, so a failing check says what to fix. */
export function describeViolations(violations: AxeViolation[]): string[] {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
