import { mkdtempSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPath, readConfig, removeConfig, writeConfig } from './client-config';
import { formatClientError, GatehouseClientError, graphql, resolveServer } from './gatehouse-client';

function tempEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gatehouse-cli-')), ...extra };
}

afterEach(() => jest.restoreAllMocks());

describe(resolveServer.name, () => {
  it('prefers flags, then environment variables, then the saved login', () => {
    const env = tempEnv();
    writeConfig({ url: 'https://saved.example/', token: 'saved-token' }, env);
    expect(resolveServer({}, env)).toEqual({ url: 'https://saved.example', token: 'saved-token' });
    expect(resolveServer({}, { ...env, GATEHOUSE_TOKEN: 'env-token' })).toEqual({ url: 'https://saved.example', token: 'env-token' });
    expect(resolveServer({ url: 'https://flag.example', token: 'flag-token' }, { ...env, GATEHOUSE_URL: 'https://env.example', GATEHOUSE_TOKEN: 'env-token' })).toEqual({
      url: 'https://flag.example',
      token: 'flag-token',
    });
  });

  it('does not send the saved token to another server', () => {
    const env = tempEnv({ GATEHOUSE_URL: 'https://other.example' });
    writeConfig({ url: 'https://saved.example', token: 'saved-token' }, env);
    expect(resolveServer({}, env)).toEqual({ url: 'https://other.example', token: undefined });
  });

  it('falls back to the local server without a login', () => {
    expect(resolveServer({}, tempEnv())).toEqual({ url: 'http://127.0.0.1:4000', token: undefined });
  });
});

describe(writeConfig.name, () => {
  it('writes the file with mode 0600 in a 0700 folder under XDG_CONFIG_HOME', () => {
    const env = tempEnv();
    const path = writeConfig({ url: 'https://gatehouse.example', token: 't0ken' }, env);
    expect(path).toBe(join(env.XDG_CONFIG_HOME!, 'gatehouse', 'config.json'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(env.XDG_CONFIG_HOME!, 'gatehouse')).mode & 0o777).toBe(0o700);
    expect(readConfig(env)).toEqual({ url: 'https://gatehouse.example', token: 't0ken' });
  });

  it('tightens a file that existed with looser permissions', () => {
    const env = tempEnv();
    mkdirSync(join(env.XDG_CONFIG_HOME!, 'gatehouse'));
    writeFileSync(configPath(env), '{}', { mode: 0o644 });
    writeConfig({ url: 'https://gatehouse.example', token: 't0ken' }, env);
    expect(statSync(configPath(env)).mode & 0o777).toBe(0o600);
  });
});

describe(readConfig.name, () => {
  it('refuses a config file others can read', () => {
    const env = tempEnv();
    writeConfig({ url: 'https://gatehouse.example', token: 't0ken' }, env);
    chmodSync(configPath(env), 0o644);
    expect(() => readConfig(env)).toThrow(/readable by others/);
  });

  it('is undefined after logout', () => {
    const env = tempEnv();
    writeConfig({ url: 'https://gatehouse.example', token: 't0ken' }, env);
    expect(removeConfig(env)).toBe(true);
    expect(readConfig(env)).toBeUndefined();
    expect(removeConfig(env)).toBe(false);
  });
});

describe(graphql.name, () => {
  it('throws the server\'s message, code and request id', async () => {
    jest.spyOn(global, 'fetch').mockResolvedValue(
      new Response(JSON.stringify({ data: null, errors: [{ message: 'Application "web" already exists.', extensions: { code: 'CONFLICT', requestId: 'req-42' } }] }), { status: 200 }),
    );
    const failure = await graphql({ url: 'http://gatehouse.test', token: 't' }, '{ me { username } }').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatehouseClientError);
    expect(failure).toMatchObject({ message: 'Application "web" already exists.', code: 'CONFLICT', requestId: 'req-42' });
    expect(formatClientError(failure as GatehouseClientError)).toBe('CONFLICT: Application "web" already exists. (request req-42)\n');
  });

  it('sends the bearer token and returns data', async () => {
    const fetchMock = jest.spyOn(global, 'fetch').mockResolvedValue(new Response(JSON.stringify({ data: { me: { username: 'ana' } } }), { status: 200 }));
    expect(await graphql({ url: 'http://gatehouse.test', token: 'secret' }, '{ me { username } }')).toEqual({ me: { username: 'ana' } });
    expect(fetchMock.mock.calls[0]![0]).toBe('http://gatehouse.test/graphql');
    expect((fetchMock.mock.calls[0]![1]!.headers as Record<string, string>).authorization).toBe('Bearer secret');
  });

  it('names an unreachable server', async () => {
    jest.spyOn(global, 'fetch').mockRejectedValue(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') }));
    await expect(graphql({ url: 'http://127.0.0.1:9', token: undefined }, '{ me { username } }')).rejects.toMatchObject({
      code: 'UNREACHABLE',
      message: 'cannot reach http://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9',
    });
  });
});
