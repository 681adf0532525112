import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CONFIG, type Config } from '@gatehouse/shared';
import { PromotionService } from './promotion.service';

/**
 * PromotionExpirySweeper moves pending promotions past their approval window to EXPIRED every
 * GATEHOUSE_EXPIRY_SWEEP_SECONDS. Every replica sweeps; rows are claimed with SKIP LOCKED, so
 * each expiry happens once. A vote on an expired promotion also expires it on the spot.
 */
@Injectable()
export class PromotionExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PromotionExpirySweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly promotions: PromotionService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep().finally(() => (this.running = null));
    }, this.config.promotions.expirySweepSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async sweep(): Promise<void> {
    try {
      let expired: number;
      do expired = await this.promotions.expireDue();
      while (expired === 100 && this.timer);
    } catch (error) {
      this.logger.error(`expiring pending promotions failed: ${(error as Error).message}`);
    }
  }
}
