import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const TYPE = /^dev\.cdevents\.([a-z]+)\.([a-z]+)\.(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$/;

/** CDEventType is an event type split into its parts: `dev.cdevents.service.deployed.0.1.1`. */
export interface CDEventType {
  subject: string;
  predicate: string;
  major: number;
  version: string;
}

/** Splits `dev.cdevents.<subject>.<predicate>.<semver>`; null when the text is not a CDEvents type. */
export function parseCDEventType(type: unknown): CDEventType | null {
  if (typeof type !== 'string') return null;
  const match = TYPE.exec(type);
  if (!match) return null;
  return { subject: match[1]!, predicate: match[2]!, major: Number(match[3]), version: `${match[3]}.${match[4]}.${match[5]}${match[6] ?? ''}` };
}

/** The outcome of validating one event. */
export type CDEventValidation =
  | { kind: 'valid'; type: CDEventType }
  | { kind: 'unknown'; reason: string }
  | { kind: 'invalid'; errors: string[] };

interface LoadedSchema {
  id: string;
  type: string;
  validate: ValidateFunction;
}

/**
 * CDEventValidator checks events against the CDEvents JSON schemas vendored in `./schemas`
 * (see the README there for their source). A schema covers its subject, predicate and major
 * version; other types are unknown, not invalid.
 */
export class CDEventValidator {
  private readonly schemas = new Map<string, LoadedSchema>();

  constructor(directory = join(__dirname, 'schemas')) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    for (const file of readdirSync(directory).filter((name) => name.endsWith('.json')).sort()) {
      const schema = JSON.parse(readFileSync(join(directory, file), 'utf8')) as { $id: string; properties: { context: { properties: { type: { enum: string[] } } } } };
      const type = schema.properties.context.properties.type.enum[0]!;
      const parsed = parseCDEventType(type);
      if (!parsed) throw new Error(`${file}: the schema's event type ${type} is not a CDEvents type`);
      this.schemas.set(keyOf(parsed), { id: schema.$id, type, validate: ajv.compile(schema) });
    }
  }

  /** The event types this validator knows, as their schemas name them. */
  get knownTypes(): string[] {
    return [...this.schemas.values()].map((schema) => schema.type);
  }

  validate(event: unknown): CDEventValidation {
    const context = (event as { context?: { type?: unknown } } | null)?.context;
    if (typeof event !== 'object' || event === null || Array.isArray(event) || typeof context !== 'object' || context === null) {
      return { kind: 'invalid', errors: ['/: must be a CDEvent: an object with a context and a subject'] };
    }
    const type = parseCDEventType(context.type);
    if (!type) return { kind: 'invalid', errors: [`/context/type: must be a CDEvents type (dev.cdevents.<subject>.<predicate>.<version>), got ${JSON.stringify(context.type)}`] };
    const schema = this.schemas.get(keyOf(type));
    if (!schema) return { kind: 'unknown', reason: `no schema for ${String(context.type)} (known: ${this.knownTypes.join(', ')})` };
    // Checked as the schema's own version of the type: same subject, predicate and major version.
    const asSchemaType = { ...(event as object), context: { ...context, type: schema.type } };
    if (schema.validate(asSchemaType)) return { kind: 'valid', type };
    const errors = (schema.validate.errors ?? []).map((error) => `${error.instancePath || '/'}: ${error.message}${error.params && 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : ''}`);
    return { kind: 'invalid', errors };
  }
}

function keyOf(type: CDEventType): string {
  return `${type.subject}.${type.predicate}.${type.major}`;
}
