import { registerEnumType } from '@nestjs/graphql';

/** EnvironmentTier says what an environment is for; policies read it as `target.tier`. */
export enum EnvironmentTier {
  DEVELOPMENT = 'DEVELOPMENT',
  TESTING = 'TESTING',
  STAGING = 'STAGING',
  PRODUCTION = 'PRODUCTION',
}

registerEnumType(EnvironmentTier, {
  name: 'EnvironmentTier',
  description: 'What an environment is for; policies read it as `target.tier`.',
});
