import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CDEventValidator, parseCDEventType } from './cdevents.validator';

const EXAMPLES = join(__dirname, '..', '..', 'test', 'fixtures', 'cdevents');
const example = (name: string) => JSON.parse(readFileSync(join(EXAMPLES, name), 'utf8'));

describe(CDEventValidator.name, () => {
  const validator = new CDEventValidator();

  it.each(readdirSync(EXAMPLES).filter((name) => name.endsWith('.json')))('accepts the specification example %s', (name) => {
    expect(validator.validate(example(name))).toMatchObject({ kind: 'valid' });
  });

  it('names the offending field of an invalid event', () => {
    const event = example('service_deployed.json');
    delete event.subject.content.environment;
    event.subject.content.colour = 'blue';
    const result = validator.validate(event);
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.errors).toEqual(
      expect.arrayContaining(["/subject/content: must have required property 'environment'", '/subject/content: must NOT have additional properties (colour)']),
    );
  });

  it('refuses a date that is not RFC 3339', () => {
    const event = example('change_merged.json');
    event.context.timestamp = 'yesterday';
    expect(validator.validate(event)).toEqual({ kind: 'invalid', errors: ['/context/timestamp: must match format "date-time"'] });
  });

  it('calls a type without a vendored schema, or of another major version, unknown', () => {
    const pipeline = { context: { type: 'dev.cdevents.pipelinerun.finished.0.1.0' }, subject: {} };
    expect(validator.validate(pipeline).kind).toBe('unknown');
    const future = example('service_deployed.json');
    future.context.type = 'dev.cdevents.service.deployed.1.0.0';
    expect(validator.validate(future).kind).toBe('unknown');
  });

  it('refuses what is not a CDEvent at all', () => {
    expect(validator.validate([]).kind).toBe('invalid');
    expect(validator.validate({ context: { type: 'com.example.thing' }, subject: {} }).kind).toBe('invalid');
  });
});

describe(parseCDEventType.name, () => {
  it('splits subject, predicate and version, draft suffix included', () => {
    expect(parseCDEventType('dev.cdevents.testsuiterun.finished.0.3.0-draft')).toEqual({ subject: 'testsuiterun', predicate: 'finished', major: 0, version: '0.3.0-draft' });
  });
});
