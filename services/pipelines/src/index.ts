import type { MigrationClass } from '@gatehouse/shared';
import { ApplicationEntity } from './application/application.entity';
import { EnvironmentEntity } from './environment/environment.entity';
import { CreateApplications1795704500000 } from './migrations/1795704500000-create-applications';
import { CreateChangesAndEvidence1795709944058 } from './migrations/1795709944058-create-changes-and-evidence';
import { CreateChangeWindows1795710223924 } from './migrations/1795710223924-create-change-windows';
import { CreatePromotions1795800000000 } from './migrations/1795800000000-create-promotions';

export { PipelinesModule } from './pipelines.module';
export { DemoSeeder } from './demo/demo-seeder';
export { DemoPromotions } from './demo/demo-promotions';
export { DEMO_APPLICATIONS } from './demo/demo-data';
export { EnvironmentTier } from './environment/environment-tier';
export { ChangeService } from './change/change.service';
export { PromotionService } from './promotion/promotion.service';
export { PromotionException, PromotionErrorReason } from './promotion/promotion.exception';
export { PromotionState, DecisionOutcome, DeploymentStatus, Vote, DecisionTrigger, LEGAL_TRANSITIONS, OPEN_STATES, isLegalTransition } from './promotion/promotion-state';
export { ApplicationTier } from './application/application-tier';
export { EvidenceService } from './evidence/evidence.service';
export { ChangeException, ChangeErrorReason } from './change/change.exception';
export type { Change, Commit } from './change/change.model';
export type { Evidence } from './evidence/evidence.model';
export { ChangeWindowService, MAX_WINDOWS_PER_ENVIRONMENT } from './change-window/change-window.service';
export { ChangeWindowKind } from './change-window/change-window-kind';
export {
  windowStateAt,
  isInsideWindow,
  toWindowPolicyInput,
  OUTSIDE_ALLOWED_HOURS,
  type ChangeWindowDefinition,
  type ChangeWindowState,
  type WindowPolicyInput,
} from './change-window/change-window.state';
export { EvidenceKind, CheckStatus } from './evidence/evidence-kind';
export { toPolicyInput, changeRisk, RISKY_LABELS, type ChangePolicyInput, type PolicyCheckStatus } from './change/change.policy-input';

/** The pipelines service's migrations, oldest first. */
export const pipelinesMigrations: MigrationClass[] = [CreateApplications1795704500000, CreateChangesAndEvidence1795709944058, CreateChangeWindows1795710223924, CreatePromotions1795800000000];

/** The pipelines service's TypeORM entities. */
export const pipelinesEntities: Function[] = [ApplicationEntity, EnvironmentEntity];
