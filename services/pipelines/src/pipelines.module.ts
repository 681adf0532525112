import { Module } from '@nestjs/common';
import { ApplicationModule } from './application/application.module';
import { ChangeModule } from './change/change.module';
import { ChangeWindowModule } from './change-window/change-window.module';
import { PromotionModule } from './promotion/promotion.module';

/** PipelinesModule wires the pipelines service (applications, environments, changes, evidence, change windows and promotions) into the API. */
@Module({
  imports: [ApplicationModule, ChangeModule, ChangeWindowModule, PromotionModule],
  exports: [ApplicationModule, ChangeModule, ChangeWindowModule, PromotionModule],
})
export class PipelinesModule {}
