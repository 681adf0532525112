import { Module } from '@nestjs/common';
import { ApplicationModule } from './application/application.module';
import { ChangeModule } from './change/change.module';

/** PipelinesModule wires the pipelines service (applications, environments, changes and evidence) into the API. */
@Module({ imports: [ApplicationModule, ChangeModule], exports: [ApplicationModule, ChangeModule] })
export class PipelinesModule {}
