import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PublicAccess, pendingMigrations } from '@gatehouse/shared';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { allMigrations } from '../migrations';

/** HealthController answers load balancers and orchestrators: alive, and ready to serve. */
@Controller()
@PublicAccess()
export class HealthController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Liveness: the process is up and its event loop answers. */
  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers and every migration this code knows has run. */
  @Get('readyz')
  async readyz(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: string; reason?: string }> {
    try {
      await this.dataSource.query('SELECT 1');
      const pending = await pendingMigrations(this.dataSource, allMigrations);
      if (pending.length > 0) {
        reply.status(503);
        return { status: 'unavailable', reason: `${pending.length} migration(s) not applied: ${pending.join(', ')}` };
      }
      return { status: 'ready' };
    } catch (error) {
      reply.status(503);
      return { status: 'unavailable', reason: `database unreachable: ${(error as Error).message}` };
    }
  }
}
