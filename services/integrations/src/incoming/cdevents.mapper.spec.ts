import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCDEventType } from '../cdevents/cdevents.validator';
import { digestOfPurl, mapCDEvent } from './cdevents.mapper';

const example = (name: string) => JSON.parse(readFileSync(join(__dirname, '..', '..', 'test', 'fixtures', 'cdevents', name), 'utf8'));
const map = (event: { context: { type: string } } & Record<string, unknown>) => mapCDEvent(parseCDEventType(event.context.type)!, event);
const HEX = 'ab'.repeat(32);

describe(mapCDEvent.name, () => {
  it('ignores a change.merged without customData.gatehouse', () => {
    expect(map(example('change_merged.json'))).toMatchObject({ kind: 'ignore' });
  });

  it('registers a change from customData.gatehouse, linked by version, head commit and artifact', () => {
    const event = { ...example('change_merged.json'), customData: { gatehouse: { version: '1.2.3', artifactDigest: `sha256:${HEX}`, title: 'T', commits: [{ sha: 'abc1234', author: 'ana', message: 'm' }], labels: ['x'] } } };
    expect(map(event)).toEqual({
      kind: 'register',
      change: { application: '', version: '1.2.3', commits: [{ sha: 'abc1234', author: 'ana', message: 'm' }], artifactDigest: `sha256:${HEX}`, title: 'T', ticket: null, labels: ['x'], changedPaths: [], linesAdded: 0, linesRemoved: 0 },
      evidence: [],
      links: ['version:1.2.3', 'sha:abc1234', `artifact:sha256:${HEX}`],
    });
  });

  it('makes a finished suite run a check named after the suite, failed unless it passed', () => {
    expect(map({ ...example('testsuiterun_finished.json'), customData: { gatehouse: { sha: 'abc1234' } } })).toMatchObject({
      kind: 'evidence',
      lookup: ['sha:abc1234'],
      evidence: [{ kind: 'CHECK', check: { name: 'tests-auth-testsuite', status: 'FAILED' } }],
    });
  });

  it('looks a deployed artifact up by its package URL and its digest', () => {
    const deployed = example('service_rolledback.json');
    expect(map(deployed)).toMatchObject({
      kind: 'deployment',
      lookup: [`artifact:${deployed.subject.content.artifactId}`, 'artifact:sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427'],
      deployment: { environment: 'test123', status: 'ROLLED_BACK' },
    });
  });

  it('refuses a change id that is not a UUID', () => {
    expect(() => map({ ...example('service_deployed.json'), customData: { gatehouse: { change: 'nope' } } })).toThrow('customData.gatehouse.change must be a change id (a UUID)');
  });
});

describe(digestOfPurl.name, () => {
  it('reads the digest of an OCI package URL, and nothing else', () => {
    expect(digestOfPurl(`pkg:oci/app@sha256%3A${HEX}?repository_url=ghcr.io/o/app`)).toBe(`sha256:${HEX}`);
    expect(digestOfPurl('pkg:golang/mygit.com/myorg/myapp@234fd47e07d1004f0aed9c')).toBeNull();
    expect(digestOfPurl('pkg:oci/app@latest')).toBeNull();
  });
});
