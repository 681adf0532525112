import { registerEnumType } from '@nestjs/graphql';

/** ApplicationTier is an application's business criticality; policies read it lower-cased as `application.tier`. */
export enum ApplicationTier {
  CRITICAL = 'CRITICAL',
  STANDARD = 'STANDARD',
  INTERNAL = 'INTERNAL',
}

registerEnumType(ApplicationTier, {
  name: 'ApplicationTier',
  description: 'Business criticality of an application; policies read it as `application.tier` (critical, standard, internal).',
});
