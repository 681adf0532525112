import { registerEnumType } from '@nestjs/graphql';

/** ChangeWindowKind says whether a window forbids changes (FREEZE) or is when they are allowed (ALLOW). */
export enum ChangeWindowKind {
  FREEZE = 'FREEZE',
  ALLOW = 'ALLOW',
}

registerEnumType(ChangeWindowKind, {
  name: 'ChangeWindowKind',
  description: 'FREEZE: no changes inside. ALLOW: once an environment has any, changes only inside one of them.',
});
