import { Readable } from 'node:stream';
import { BadRequestException, Controller, Get, Query, StreamableFile, UseFilters } from '@nestjs/common';
import { AuditExportAccess } from '../audit.access';
import { AuditException } from '../audit.exception';
import { AuditExportService, type ExportFormat } from './audit-export.service';
import { AuditHttpExceptionFilter } from './audit-http-exception.filter';

/**
 * AuditExportController streams the audit log over HTTP:
 * `GET /audit/export?format=jsonl|csv&since=<ISO>&until=<ISO>&fromSeq=&toSeq=`.
 */
@AuditExportAccess()
@UseFilters(AuditHttpExceptionFilter)
@Controller('audit')
export class AuditExportController {
  constructor(private readonly exports: AuditExportService) {}

  @Get('export')
  async export(
    @Query('format') format = 'jsonl',
    @Query('since') since?: string,
    @Query('until') until?: string,
    @Query('fromSeq') fromSeq?: string,
    @Query('toSeq') toSeq?: string,
  ): Promise<StreamableFile> {
    if (format !== 'jsonl' && format !== 'csv') throw new BadRequestException('format must be jsonl or csv');
    const request = {
      format: format as ExportFormat,
      since: date('since', since),
      until: date('until', until),
      fromSeq: positive('fromSeq', fromSeq),
      toSeq: positive('toSeq', toSeq),
    };
    const lines = this.exports.lines(request);
    // Pull the first chunk now, so a bad request fails with a status instead of a cut stream.
    let first: IteratorResult<string>;
    try {
      first = await lines.next();
    } catch (error) {
      if (error instanceof AuditException) throw new BadRequestException(error.message);
      throw error;
    }
    async function* all() {
      if (!first.done) yield first.value;
      yield* lines;
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return new StreamableFile(Readable.from(all(), { objectMode: false }), {
      type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      disposition: `attachment; filename="gatehouse-audit-${stamp}.${format}"`,
    });
  }
}

function date(name: string, value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new BadRequestException(`${name} must be an ISO 8601 date-time`);
  return parsed;
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new BadRequestException(`${name} must be a whole number ≥ 1`);
  return parsed;
}
