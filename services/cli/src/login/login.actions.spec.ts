import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { configPath, readConfig } from '../client/client-config';
import { loginAction, logoutAction, readStdin } from './login.actions';

function sink() {
  const written = { out: '', err: '' };
  return { written, output: { out: (text: string) => (written.out += text), err: (text: string) => (written.err += text) } };
}

const env = () => ({ XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gatehouse-login-')) });

afterEach(() => jest.restoreAllMocks());

describe(loginAction.name, () => {
  it('reads the token from stdin when --token is not given', async () => {
    const fetchMock = jest.spyOn(global, 'fetch').mockResolvedValue(new Response(JSON.stringify({ data: { me: { username: 'ci-bot', roles: ['DEVELOPER'] } } })));
    const home = env();
    const { written, output } = sink();
    expect(await loginAction({ url: 'https://gatehouse.example/' }, () => readStdin(Readable.from(['stdin-token\n'])), output, home)).toBe(0);
    expect((fetchMock.mock.calls[0]![1]!.headers as Record<string, string>).authorization).toBe('Bearer stdin-token');
    expect(readConfig(home)).toEqual({ url: 'https://gatehouse.example', token: 'stdin-token', username: 'ci-bot' });
    expect(written.out).toBe(`Logged in to https://gatehouse.example as ci-bot (DEVELOPER); saved to ${configPath(home)}\n`);
  });

  it('refuses an empty token without calling the server', async () => {
    const fetchMock = jest.spyOn(global, 'fetch');
    const { written, output } = sink();
    expect(await loginAction({ url: 'https://gatehouse.example' }, async () => '  \n', output, env())).toBe(1);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(written.err).toBe('no token: pass --token or pipe it on stdin\n');
  });

  it('saves nothing when the server refuses the token', async () => {
    jest.spyOn(global, 'fetch').mockResolvedValue(new Response(JSON.stringify({ data: null, errors: [{ message: 'Invalid or expired token.', extensions: { code: 'UNAUTHENTICATED' } }] })));
    const home = env();
    const { written, output } = sink();
    expect(await loginAction({ url: 'https://gatehouse.example', token: 'bad' }, async () => '', output, home)).toBe(1);
    expect(written.err).toBe('UNAUTHENTICATED: Invalid or expired token.\n');
    expect(existsSync(configPath(home))).toBe(false);
  });
});

describe(logoutAction.name, () => {
  it('says so when there was no login', () => {
    const home = env();
    const { written, output } = sink();
    expect(logoutAction({}, output, home)).toBe(0);
    expect(written.out).toBe(`Not logged in (no ${configPath(home)})\n`);
  });
});
