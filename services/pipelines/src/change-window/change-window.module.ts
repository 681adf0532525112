import { Module } from '@nestjs/common';
import { ChangeWindowRepository } from './change-window.repository';
import { ChangeWindowResolver } from './change-window.resolver';
import { ChangeWindowService } from './change-window.service';

/** ChangeWindowModule wires environments' freezes and allowed hours. */
@Module({
  providers: [ChangeWindowRepository, ChangeWindowService, ChangeWindowResolver],
  exports: [ChangeWindowService],
})
export class ChangeWindowModule {}
