import { Module } from '@nestjs/common';
import { DemoSeeder } from '../demo/demo-seeder';
import { ApplicationRepository } from './application.repository';
import { ApplicationResolver } from './application.resolver';
import { ApplicationService } from './application.service';

/** ApplicationModule wires applications and environments. */
@Module({
  providers: [ApplicationRepository, ApplicationService, ApplicationResolver, DemoSeeder],
  exports: [ApplicationService, DemoSeeder],
})
export class ApplicationModule {}
