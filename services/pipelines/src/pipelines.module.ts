import { Module } from '@nestjs/common';
import { ApplicationModule } from './application/application.module';
import { ChangeModule } from './change/change.module';
import { ChangeWindowModule } from './change-window/change-window.module';

/** PipelinesModule wires the pipelines service (applications, environments, changes, evidence and change windows) into the API. */
@Module({ imports: [ApplicationModule, ChangeModule, ChangeWindowModule], exports: [ApplicationModule, ChangeModule, ChangeWindowModule] })
export class PipelinesModule {}
