import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { INTEGRATIONS_CONFIG } from '../integrations.tokens';
import type { IntegrationsConfig } from '../integrations.config';
import { DeliveryDispatcher } from './delivery.dispatcher';
import { DeliveryWorker } from './delivery.worker';

/**
 * DeliveryLoop runs the dispatcher and the worker in every process (unless
 * GATEHOUSE_WEBHOOK_DELIVERY=off): it polls while idle and goes on at once while there is
 * work. Shutdown waits for the round in progress, so an attempt is recorded before exit.
 */
@Injectable()
export class DeliveryLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('DeliveryLoop');
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly dispatcher: DeliveryDispatcher,
    private readonly worker: DeliveryWorker,
    @Inject(INTEGRATIONS_CONFIG) private readonly config: IntegrationsConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.deliver) this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let busy = false;
      try {
        busy = (await this.dispatcher.dispatchBatch()) > 0;
        busy = (await this.worker.deliverDue()) > 0 || busy;
      } catch (error) {
        this.log.error(`webhook delivery round failed, retrying: ${(error as Error).message}`);
      }
      if (!busy) await this.sleep(this.config.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
