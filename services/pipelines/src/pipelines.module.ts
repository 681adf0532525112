import { Module } from '@nestjs/common';
import { ApplicationModule } from './application/application.module';

/** PipelinesModule wires the pipelines service (applications and environments so far) into the API. */
@Module({ imports: [ApplicationModule], exports: [ApplicationModule] })
export class PipelinesModule {}
