import { formatClientError, GatehouseClientError } from './gatehouse-client';

/** CommandOutput is where a command writes: results to `out`, failures to `err`; tests pass their own. */
export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: CommandOutput = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/**
 * Runs a command's work and returns its exit code: a refused or failed call prints
 * `CODE: message` (and `--json` callers get `{ error: { code, message, requestId } }` on stdout too) and gives 1.
 */
export async function guarded(output: CommandOutput, json: boolean | undefined, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof GatehouseClientError) {
      output.err(formatClientError(error));
      if (json) output.out(`${JSON.stringify({ error: { code: error.code, message: error.message, requestId: error.requestId ?? null } }, null, 2)}\n`);
      return 1;
    }
    if (error instanceof UsageError) {
      output.err(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** UsageError is a bad argument or unreadable input found before anything was sent. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Renders rows as columns padded to the widest cell, headers first. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

/** Writes `value` as indented JSON. */
export function printJson(output: CommandOutput, value: unknown): void {
  output.out(`${JSON.stringify(value, null, 2)}\n`);
}
