/**
 * The `fwlake` command. Thin: argument handling and printing; the work is in
 * core/ (pure) and adapters/ (files, stdin).
 */
import { parseArgs } from 'node:util';
import { openLocalInput } from './adapters/input.ts';
import { ingestLocal } from './adapters/local-ingest.ts';
import { emptyStats, encodeQuarantine, type IngestStats } from './core/ingest.ts';
import { encodeJsonLine } from './core/json-lines.ts';
import { splitLines } from './core/lines.ts';
import { isQuarantined, parseLine } from './core/parse-line.ts';
import { formatCsv, formatJsonLines, formatTable } from './core/table-format.ts';

const USAGE = `fwlake — Linux firewall (netfilter) kernel logs into a queryable lake

Usage:
  fwlake parse [FILE|-] [--reference-time ISO] [--host H]
      Print one JSON record per netfilter line on stdout; quarantined lines and
      a summary (lines, records, skipped, quarantined) on stderr.
  fwlake ingest FILE...|- [--warehouse DIR] [--reference-time ISO] [--host H]
      Parse and write Hive-partitioned gzip JSON lines under DIR/firewall/
      (dt=yyyy-MM-dd/hour=HH) and quarantined lines under DIR/quarantine/.
      Default DIR: ./warehouse. Re-ingesting the same input replaces its output.

  fwlake sql "SELECT ..." [--warehouse DIR] [--format table|csv|json]
      Run SQL with DuckDB (embedded) over the warehouse's \`firewall\` view,
      whose columns are listed in the README.

Options:
  --reference-time ISO  Syslog stamps have no year: place them in the year that
                        puts them nearest this time (default: the file's mtime,
                        or now for stdin). Also the time of lines with no stamp.
  --host H              Host for lines whose header names none.
  -h, --help            This text.
`;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  try {
    if (command === 'parse') return await parseCommand(rest);
    if (command === 'ingest') return await ingestCommand(rest);
    if (command === 'sql') return await sqlCommand(rest);
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`fwlake: ${e.message}\nRun "fwlake --help" for usage.\n`);
      return 2;
    }
    process.stderr.write(`fwlake: ${(e as Error).message}\n`);
    return 1;
  }
}

function options(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        'reference-time': { type: 'string' },
        host: { type: 'string' },
        warehouse: { type: 'string' },
        format: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function referenceTime(v: string | boolean | undefined): number | undefined {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new UsageError(`--reference-time: not a date/time: "${v}"`);
  return ms;
}

function summary(s: IngestStats): string {
  return `${s.lines} lines: ${s.records} records, ${s.skipped} skipped (not netfilter), ${s.quarantined} quarantined`;
}

async function parseCommand(args: string[]): Promise<number> {
  const { values, positionals } = options(args);
  if (positionals.length > 1) throw new UsageError('parse takes one FILE (or - for stdin)');
  const path = positionals[0] ?? '-';
  const input = await openLocalInput(path);
  const stats = emptyStats();
  const opts = {
    referenceMs: referenceTime(values['reference-time']) ?? Date.now(),
    sourceKey: path === '-' ? 'stdin' : path,
    fallbackHost: (values.host as string | undefined) ?? null,
  };
  const out = process.stdout;
  let lineNo = 0;
  for await (const { lines, bytes, starts } of splitLines(input.chunks)) {
    let text = '';
    for (let i = 0; i < lines.length; i++) {
      lineNo++;
      const r = parseLine(lines[i], lineNo, opts, bytes, starts[i]);
      if (r === null) stats.skipped++;
      else if (isQuarantined(r)) {
        stats.quarantined++;
        process.stderr.write(`quarantined ${encodeQuarantine(r)}\n`);
      } else {
        stats.records++;
        text += `${encodeJsonLine(r)}\n`;
      }
    }
    if (text !== '' && !out.write(text)) await new Promise((r) => out.once('drain', r));
  }
  stats.lines = lineNo;
  process.stderr.write(`${summary(stats)}\n`);
  return 0;
}

async function ingestCommand(args: string[]): Promise<number> {
  const { values, positionals } = options(args);
  if (positionals.length === 0) throw new UsageError('ingest needs at least one FILE (or - for stdin)');
  const warehouse = (values.warehouse as string | undefined) ?? './warehouse';
  const referenceMs = referenceTime(values['reference-time']);
  let failed = 0;
  for (const path of positionals) {
    const started = performance.now();
    const progress = progressPrinter(path);
    try {
      const res = await ingestLocal(path, {
        warehouse,
        referenceMs,
        host: (values.host as string | undefined) ?? null,
        onProgress: progress.update,
      });
      progress.done();
      const secs = (performance.now() - started) / 1000;
      const s = res.stats;
      const rate = Math.round(s.lines / Math.max(secs, 1e-6));
      process.stdout.write(
        `${path}: ${summary(s)}; ${s.partitions} partitions` +
          `${s.firstTs !== null ? ` (${iso(s.firstTs)} .. ${iso(s.lastTs!)})` : ''}; ` +
          `${res.files.length} files under ${warehouse} as ${res.sourceId}-*; ${secs.toFixed(2)} s, ${rate} lines/s\n`,
      );
      if (res.droppedBytes > 0) {
        process.stdout.write(
          `${path}: ${res.droppedBytes} bytes of overlong lines were cut (see quarantine)\n`,
        );
      }
    } catch (e) {
      progress.done();
      process.stderr.write(`fwlake: ${path}: ${(e as Error).message}\n`);
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}

async function sqlCommand(args: string[]): Promise<number> {
  const { values, positionals } = options(args);
  if (positionals.length !== 1) throw new UsageError('sql takes one quoted SQL statement');
  const format = (values.format as string | undefined) ?? 'table';
  const formatter = FORMATS[format];
  if (formatter === undefined) throw new UsageError(`--format must be table, csv or json, not "${format}"`);
  // DuckDB is a native addon: load it only for the commands that query.
  const { queryLocalWarehouse } = await import('./adapters/duckdb-warehouse.ts');
  const res = await queryLocalWarehouse(
    (values.warehouse as string | undefined) ?? './warehouse',
    positionals[0],
  );
  process.stdout.write(`${formatter(res.columns, res.rows)}\n`);
  return 0;
}

const FORMATS: Record<string, (columns: string[], rows: unknown[][]) => string> = {
  table: formatTable,
  csv: formatCsv,
  json: formatJsonLines,
};

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A one-line progress display on a terminal, for inputs that take more than a moment. */
function progressPrinter(path: string) {
  const tty = process.stderr.isTTY === true;
  const start = performance.now();
  let last = start;
  let shown = false;
  return {
    update(s: IngestStats, bytes: number, size: number | null) {
      if (!tty) return;
      const now = performance.now();
      if (now - last < 250 || now - start < 1000) return;
      last = now;
      shown = true;
      const pct = size ? ` ${((100 * bytes) / size).toFixed(0)}%` : '';
      const rate = Math.round(s.lines / ((now - start) / 1000));
      process.stderr.write(`\r${path}:${pct} ${s.lines} lines, ${s.records} records, ${rate} lines/s   `);
    },
    done() {
      if (shown) process.stderr.write('\n');
    },
  };
}
