/** What every fwlake command shares: its flags, usage errors, output formats. */
import { parseArgs } from 'node:util';
import { formatCsv, formatJsonLines, formatTable } from '../core/table-format.ts';

/** Bad usage: exit code 2 and a pointer to --help. */
export class UsageError extends Error {}

export function options(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        'reference-time': { type: 'string' },
        host: { type: 'string' },
        warehouse: { type: 'string' },
        format: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        param: { type: 'string', multiple: true },
        engine: { type: 'string' },
        queries: { type: 'string' },
        workgroup: { type: 'string' },
        database: { type: 'string' },
        region: { type: 'string' },
        port: { type: 'string' },
        dir: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function referenceTime(v: string | boolean | undefined): number | undefined {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new UsageError(`--reference-time: not a date/time: "${v}"`);
  return ms;
}

const FORMATS: Record<string, (columns: string[], rows: unknown[][]) => string> = {
  table: formatTable,
  csv: formatCsv,
  json: formatJsonLines,
};

/** The formatter for --format (table by default), or a UsageError. */
export function outputFormatter(
  format: string | undefined,
): (columns: string[], rows: unknown[][]) => string {
  const f = FORMATS[format ?? 'table'];
  if (f === undefined) throw new UsageError(`--format must be table, csv or json, not "${format}"`);
  return f;
}
