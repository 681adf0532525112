import { Module } from '@nestjs/common';
import { IdentityModule } from '@gatehouse/identity';
import { PolicyModule } from '@gatehouse/policy';
import { ChangeModule } from '../change/change.module';
import { ChangeWindowModule } from '../change-window/change-window.module';
import { DemoPromotions } from '../demo/demo-promotions';
import { PromotionExpirySweeper } from './promotion-expiry.sweeper';
import { PromotionRepository } from './promotion.repository';
import { ChangePromotionResolver, DecisionResolver, PromotionResolver } from './promotion.resolver';
import { PromotionService } from './promotion.service';

/** PromotionModule wires promotions, decisions, votes, deployments and break-glass reviews. */
@Module({
  imports: [ChangeModule, ChangeWindowModule, PolicyModule, IdentityModule],
  providers: [PromotionRepository, PromotionService, PromotionResolver, DecisionResolver, ChangePromotionResolver, PromotionExpirySweeper, DemoPromotions],
  exports: [PromotionService, DemoPromotions],
})
export class PromotionModule {}
