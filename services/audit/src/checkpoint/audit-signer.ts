import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '@gatehouse/shared';
import { AuditErrorReason, AuditException } from '../audit.exception';
import { keyIdOf } from '../chain/audit-chain.canonical';

/** The file an embedded deployment keeps its generated checkpoint key in. */
export const GENERATED_KEY_FILE = 'audit-signing-key.pem';

/** AuditSigner signs checkpoints with one Ed25519 key and names it by its fingerprint. */
export class AuditSigner {
  readonly keyId: string;
  readonly publicKeyPem: string;
  private readonly privateKey: KeyObject;

  constructor(privateKeyPem: string) {
    const key = createPrivateKey(privateKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') {
      throw new AuditException(AuditErrorReason.NO_SIGNING_KEY, `The audit signing key must be Ed25519, got ${key.asymmetricKeyType}.`);
    }
    this.privateKey = key;
    const publicKey = createPublicKey(key);
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = keyIdOf(publicKey.export({ type: 'spki', format: 'der' }));
  }

  sign(payload: Buffer): Buffer {
    return sign(null, payload, this.privateKey);
  }

  /** A fresh key, for tests and benchmarks. */
  static generate(): AuditSigner {
    return new AuditSigner(generatePrivateKeyPem());
  }
}

/** Where a signer came from, so that start-up can say so. */
export type AuditSignerSource = 'configured' | 'generated' | 'loaded-from-data-dir' | 'ephemeral';

/**
 * Chooses the checkpoint key. A configured key (GATEHOUSE_AUDIT_SIGNING_KEY) always wins.
 * Without one, tests get a key that lives as long as the process; in embedded mode or in
 * development, a key is generated once into
 * `${dataDir}/audit-signing-key.pem` (mode 600) and reused, with a warning. In production on
 * an external database there is no safe default: every replica would invent its own key and
 * the key would live beside the data it vouches for, so start-up is refused.
 */
export function loadAuditSigner(config: Config, warn: (message: string) => void): { signer: AuditSigner; source: AuditSignerSource } {
  if (config.audit.signingKeyPem) return { signer: new AuditSigner(config.audit.signingKeyPem), source: 'configured' };
  if (config.databaseUrl !== undefined && config.nodeEnv === 'production') {
    throw new AuditException(
      AuditErrorReason.NO_SIGNING_KEY,
      'GATEHOUSE_AUDIT_SIGNING_KEY is required in production with an external DATABASE_URL: audit checkpoints must be signed by a key kept outside the database (generate one with `openssl genpkey -algorithm ed25519`).',
    );
  }
  if (config.nodeEnv === 'test') return { signer: AuditSigner.generate(), source: 'ephemeral' };
  const file = join(config.dataDir, GENERATED_KEY_FILE);
  try {
    if (existsSync(file)) {
      warn(`audit checkpoints are signed with the key in ${file}; set GATEHOUSE_AUDIT_SIGNING_KEY to keep the key outside this machine`);
      return { signer: new AuditSigner(readFileSync(file, 'utf8')), source: 'loaded-from-data-dir' };
    }
    const pem = generatePrivateKeyPem();
    const signer = new AuditSigner(pem);
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    warn(`generated an audit checkpoint signing key into ${file}; back it up, and set GATEHOUSE_AUDIT_SIGNING_KEY in production`);
    return { signer, source: 'generated' };
  } catch (error) {
    if (error instanceof AuditException) throw error;
    warn(
      `could not keep an audit signing key in ${file} (${(error as Error).message}); using a key that lives only as long as this process — checkpoints it signs name its key id, whose public key is stored in audit.signing_key`,
    );
    return { signer: AuditSigner.generate(), source: 'ephemeral' };
  }
}

/** A new Ed25519 private key in PKCS#8 PEM form. */
export function generatePrivateKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
