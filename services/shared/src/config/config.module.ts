import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Config } from './config';

/** Injection token for the validated Config: `@Inject(CONFIG) config: Config`. */
export const CONFIG = Symbol('gatehouse.config');

/** ConfigModule makes the one Config, read at start, available everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: Config): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] };
  }
}
