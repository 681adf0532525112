import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@gatehouse/shared';
import { DataSource } from 'typeorm';
import { AuditException } from '../audit.exception';
import { AuditEventRepository } from '../audit-event/audit-event.repository';
import { AuditChainService } from '../chain/audit-chain.service';
import { AuditSigner } from '../checkpoint/audit-signer';
import { auditEntities } from '../index';
import { AuditRetention } from './audit-retention';

const USAGE = `Usage: npm run audit:prune -- --operator "<your name>" [--ticket CHG-123] [--dry-run]

Removes whole months of audit events older than GATEHOUSE_AUDIT_RETENTION_MONTHS (default 84,
at least 12) by dropping their partitions, after checking that everything removed is sealed and
verifies. Writes a retention anchor and an audit.pruned event in the same transaction.

Run it as the role that owns the audit tables (DATABASE_URL of the migration role), never as
the API's runtime role. --dry-run reports what would be removed and removes nothing.
Exit codes: 0 done (or nothing to do), 2 refused, 1 error.`;

/**
 * `npm run audit:prune` — the operator's retention command (see USAGE). Prints the result as
 * JSON, then verifies the kept chain from its new anchor.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      operator: { type: 'string' },
      ticket: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.operator) {
    console.error(`--operator is required: a prune is recorded under the name of the person who ran it.\n\n${USAGE}`);
    return 1;
  }
  const config = loadConfig();
  if (!config.databaseUrl) {
    console.error('DATABASE_URL is required: point it at the audit database as the role that owns the audit tables.');
    return 1;
  }
  const dataSource = await new DataSource({ type: 'postgres', url: config.databaseUrl, entities: auditEntities, logging: false }).initialize();
  try {
    const repository = new AuditEventRepository(dataSource);
    // Verification never signs; the chain service only needs a signer to publish its key.
    const chain = new AuditChainService(repository, AuditSigner.generate());
    const retention = new AuditRetention(dataSource, chain);
    const result = await retention.prune({
      retentionMonths: config.audit.retentionMonths,
      operator: values.operator,
      ticket: values.ticket,
      dryRun: values['dry-run'],
    });
    console.log(JSON.stringify({ retentionMonths: config.audit.retentionMonths, ...result }, null, 2));
    if (result.months.length === 0) {
      console.log(`nothing to prune: every month is younger than the ${config.audit.retentionMonths}-month retention (kept from ${result.keptFrom})`);
      return 0;
    }
    if (result.dryRun) {
      console.log(`dry run: would remove ${result.months.join(', ')} (${result.eventsRemoved} events, up to seq ${result.cutSeq ?? 'unchanged'}); nothing was removed`);
      return 0;
    }
    const check = await chain.verify({ checkColumns: false });
    console.log(
      `removed ${result.months.join(', ')} (${result.eventsRemoved} events); the log now starts at seq ${check.prunedBefore}, ` +
        `anchored by the month seal of ${check.retentionAnchor?.sealMonth} (key ${check.retentionAnchor?.sealKeyId}); ` +
        `verification of what is kept: ${check.valid ? 'valid' : `BROKEN at seq ${check.firstBroken?.seq} (${check.firstBroken?.problem})`}`,
    );
    return check.valid ? 0 : 2;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof AuditException) {
      console.error(`${error.reason}: ${error.message}`);
      process.exit(2);
    }
    if (error instanceof ConfigError) console.error(error.message);
    else console.error(error);
    process.exit(1);
  },
);
