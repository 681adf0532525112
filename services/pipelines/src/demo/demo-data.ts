import { EnvironmentTier } from '../environment/environment-tier';
import type { CreateApplicationInput } from '../application/dto/create-application.input';

const pipeline = (timezone: string): CreateApplicationInput['environments'] => [
  { name: 'dev', regulated: false, tier: EnvironmentTier.DEVELOPMENT, timezone },
  { name: 'staging', regulated: false, tier: EnvironmentTier.STAGING, timezone },
  { name: 'prod', regulated: true, tier: EnvironmentTier.PRODUCTION, timezone },
];

/** The demo bank's applications, seeded on an empty demo database. */
export const DEMO_APPLICATIONS: CreateApplicationInput[] = [
  {
    name: 'payments-api',
    team: 'payments-platform',
    description: 'Card and SEPA payment initiation; PSD2-regulated.',
    environments: pipeline('Europe/London'),
  },
  {
    name: 'mobile-banking',
    team: 'digital-channels',
    description: 'Backend for the retail mobile banking app.',
    environments: pipeline('Europe/London'),
  },
  {
    name: 'ledger',
    team: 'core-banking',
    description: 'Double-entry general ledger; the book of record.',
    environments: [
      { name: 'dev', regulated: false, tier: EnvironmentTier.DEVELOPMENT, timezone: 'Europe/Berlin' },
      { name: 'uat', regulated: false, tier: EnvironmentTier.TESTING, timezone: 'Europe/Berlin' },
      { name: 'staging', regulated: false, tier: EnvironmentTier.STAGING, timezone: 'Europe/Berlin' },
      { name: 'prod', regulated: true, tier: EnvironmentTier.PRODUCTION, timezone: 'Europe/Berlin' },
    ],
  },
  {
    name: 'fraud-scoring',
    team: 'risk-analytics',
    description: 'Real-time transaction fraud scoring.',
    environments: pipeline('America/New_York'),
  },
];
