import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeConfig } from '../client/client-config';
import { policyServer } from './policy-client';

describe(policyServer.name, () => {
  it('prefers flags, then GATEHOUSE_URL and GATEHOUSE_TOKEN, then the saved gatehouse login', () => {
    const env = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gatehouse-policy-')) };
    writeConfig({ url: 'https://saved.example', token: 'saved-token' }, env);
    expect(policyServer({}, env)).toEqual({ url: 'https://saved.example', token: 'saved-token' });
    expect(policyServer({}, { ...env, GATEHOUSE_TOKEN: 'env-token' })).toEqual({ url: 'https://saved.example', token: 'env-token' });
    expect(policyServer({ url: 'http://a/', token: 't' }, env)).toEqual({ url: 'http://a', token: 't' });
  });
});
