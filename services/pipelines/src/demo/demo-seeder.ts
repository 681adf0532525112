import { Injectable, Logger } from '@nestjs/common';
import { SYSTEM_PRINCIPAL } from '@gatehouse/shared';
import { ApplicationRepository } from '../application/application.repository';
import { ApplicationService } from '../application/application.service';
import { DEMO_APPLICATIONS } from './demo-data';

/** DemoSeeder fills an empty database with the demo bank, through the same service a user calls. */
@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger(DemoSeeder.name);

  constructor(
    private readonly repository: ApplicationRepository,
    private readonly applications: ApplicationService,
  ) {}

  /** Seeds only when there are no applications at all, so restarts and real data are left alone. */
  async seedIfEmpty(): Promise<boolean> {
    if ((await this.repository.count()) > 0) return false;
    for (const application of DEMO_APPLICATIONS) await this.applications.create(application, SYSTEM_PRINCIPAL.actor, null);
    this.logger.log(`Seeded demo data: ${DEMO_APPLICATIONS.map((a) => a.name).join(', ')}`);
    return true;
  }
}
