/**
 * The `fwlake` command. Thin: argument handling and printing; the work is in
 * core/ (pure) and adapters/ (files, stdin).
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCatalog, shippedQueryDir } from './adapters/catalog-files.ts';
import { openLocalInput } from './adapters/input.ts';
import { ingestLocal } from './adapters/local-ingest.ts';
import { CatalogError } from './core/catalog.ts';
import { emptyStats, encodeQuarantine, type IngestStats } from './core/ingest.ts';
import { encodeJsonLine } from './core/json-lines.ts';
import { splitLines } from './core/lines.ts';
import { isQuarantined, parseLine } from './core/parse-line.ts';
import type { QueryEngine } from './core/query-types.ts';
import { prepareSaved, runSaved } from './core/run-saved.ts';
import { formatCsv, formatJsonLines, formatTable } from './core/table-format.ts';

const USAGE = `fwlake — Linux firewall (netfilter) kernel logs into a queryable lake

Usage:
  fwlake parse [FILE|-] [--reference-time ISO] [--host H]
      Print one JSON record per netfilter line on stdout; quarantined lines and
      a summary (lines, records, skipped, quarantined) on stderr.
  fwlake ingest FILE...|- [--warehouse DIR] [--reference-time ISO] [--host H]
                [--format json|parquet]
      Parse and write Hive-partitioned gzip JSON lines (or, with --format
      parquet, snappy Parquet files) under DIR/firewall/ (dt=yyyy-MM-dd/hour=HH)
      and quarantined lines under DIR/quarantine/. Default DIR: ./warehouse.
      Re-ingesting the same input replaces its output, in either format.

  fwlake queries [--queries DIR]
      List the saved queries (the shipped catalog, plus .sql files in DIR) with
      what they answer and their parameters.
  fwlake query NAME [--since 24h|ISO] [--until now|ISO] [--host H] [--param k=v ...]
               [--engine duckdb|athena] [--warehouse DIR] [--format table|csv|json]
               [--queries DIR] [--workgroup W] [--database D] [--region R]
      Run a saved query. duckdb (default) reads the local warehouse; athena runs
      in the workgroup (or $FWLAKE_WORKGROUP) on the database (or
      $FWLAKE_DATABASE, default fwlake) in the region (or $AWS_REGION).
  fwlake dev [--port 4569] [--dir .fwlake-dev]
      The AWS flow on this machine: an S3-compatible server with buckets raw and
      lake; every object put under raw/<host>/ is ingested by the real ingest
      Lambda handler into lake. Stop with Ctrl-C.
  fwlake sql "SELECT ..." [--warehouse DIR] [--format table|csv|json]
      Run SQL (Athena's Trino dialect, through the same DuckDB layer as the
      saved queries) over the warehouse's \`firewall\` view.

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
    if (command === 'queries') return queriesCommand(rest);
    if (command === 'dev') return await devCommand(rest);
    if (command === 'query') return await queryCommand(rest);
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    if (e instanceof CatalogError) {
      process.stderr.write(`fwlake: ${e.message}\n`);
      return 2;
    }
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
  const format = (values.format as string | undefined) ?? 'json';
  if (format !== 'json' && format !== 'parquet') {
    throw new UsageError(`--format must be json or parquet for ingest, not "${format}"`);
  }
  let failed = 0;
  for (const path of positionals) {
    const started = performance.now();
    const progress = progressPrinter(path);
    try {
      const res = await ingestLocal(path, {
        warehouse,
        referenceMs,
        host: (values.host as string | undefined) ?? null,
        format,
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
  // The same engine and dialect layer as the saved queries: Trino SQL, UTC, Trino's integer division.
  const { DuckDbEngine } = await import('./adapters/duckdb-engine.ts');
  const engine = await DuckDbEngine.open((values.warehouse as string | undefined) ?? './warehouse');
  try {
    const res = await engine.run({ name: 'sql', sql: positionals[0], params: [] });
    process.stdout.write(`${formatter([...res.columns], res.rows as unknown[][])}\n`);
  } finally {
    await engine.close();
  }
  return 0;
}

const FORMATS: Record<string, (columns: string[], rows: unknown[][]) => string> = {
  table: formatTable,
  csv: formatCsv,
  json: formatJsonLines,
};

/** The shipped catalog next to this entry point, plus the user's folder. */
function catalogFor(values: { queries?: string }) {
  const dirs = [shippedQueryDir(dirname(fileURLToPath(import.meta.url)))];
  if (values.queries !== undefined) dirs.push(values.queries);
  return loadCatalog(dirs);
}

function queriesCommand(args: string[]): number {
  const { values, positionals } = options(args);
  if (positionals.length > 0) throw new UsageError('queries takes no arguments');
  const catalog = catalogFor(values as { queries?: string });
  const out: string[] = [
    'Parameters: --since, --until and --host as flags; the others as --param name=value.',
    '',
  ];
  for (const q of [...catalog.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    out.push(q.name, `  ${q.description}`);
    for (const p of q.params) {
      const def = p.defaultText === undefined ? ' (required)' : ` = ${p.defaultText}`;
      out.push(`    ${`${p.name} ${p.type}${def}`.padEnd(34)} ${p.doc}`);
    }
    out.push('');
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

async function queryCommand(args: string[]): Promise<number> {
  const { values, positionals } = options(args);
  if (positionals.length !== 1) throw new UsageError('query takes one NAME (see "fwlake queries")');
  const v = values as Record<string, string | string[] | undefined>;
  const format = (v.format as string | undefined) ?? 'table';
  const formatter = FORMATS[format];
  if (formatter === undefined) throw new UsageError(`--format must be table, csv or json, not "${format}"`);
  const queryArgs: Record<string, string> = {};
  for (const kv of (v.param as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param wants name=value, not "${kv}"`);
    queryArgs[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  for (const k of ['since', 'until', 'host'] as const)
    if (typeof v[k] === 'string') queryArgs[k] = v[k] as string;
  const catalog = catalogFor(v as { queries?: string });
  // Check the query and its arguments before opening any engine.
  prepareSaved(catalog, positionals[0], queryArgs, Date.now());
  const engineName = (v.engine as string | undefined) ?? 'duckdb';
  const engine = await openEngine(engineName, v);
  try {
    const started = performance.now();
    const { result } = await runSaved(catalog, positionals[0], queryArgs, engine, Date.now());
    process.stdout.write(`${formatter([...result.columns], result.rows as unknown[][])}\n`);
    if (process.stderr.isTTY === true || format === 'table') {
      const scanned =
        result.bytesScanned === null ? '' : `, ${(result.bytesScanned / 1e6).toFixed(2)} MB scanned`;
      const secs = ((performance.now() - started) / 1000).toFixed(2);
      process.stderr.write(`${result.rows.length} rows (${engineName}${scanned}, ${secs} s)\n`);
    }
  } finally {
    await engine.close();
  }
  return 0;
}

async function devCommand(args: string[]): Promise<number> {
  const { values, positionals } = options(args);
  if (positionals.length > 0) throw new UsageError('dev takes no arguments');
  const v = values as Record<string, string | undefined>;
  const port = Number(v.port ?? 4569);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port: not a port: "${v.port}"`);
  const dir = v.dir ?? '.fwlake-dev';
  const { startDevLoop } = await import('./adapters/dev-loop.ts');
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const loop = await startDevLoop({ dir, port, print });
  print(`fwlake dev: S3 at ${loop.endpoint} (buckets raw, lake; data in ${dir}). Try:`);
  print(
    `  AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER aws --endpoint-url ${loop.endpoint} s3 cp kern.log.gz s3://raw/raw/fw1/2026/09/17/kern.log.gz`,
  );
  print(`  then: aws --endpoint-url ${loop.endpoint} s3 ls --recursive s3://lake/`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await loop.stop();
  return 0;
}

async function openEngine(
  name: string,
  v: Record<string, string | string[] | undefined>,
): Promise<QueryEngine> {
  if (name === 'duckdb') {
    // DuckDB is a native addon: load it only when a command queries locally.
    const { DuckDbEngine } = await import('./adapters/duckdb-engine.ts');
    return DuckDbEngine.open((v.warehouse as string | undefined) ?? './warehouse');
  }
  if (name === 'athena') {
    const workGroup = (v.workgroup as string | undefined) ?? process.env.FWLAKE_WORKGROUP;
    if (!workGroup) throw new UsageError('--engine athena needs --workgroup (or FWLAKE_WORKGROUP)');
    const region =
      (v.region as string | undefined) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    const { AthenaClient } = await import('@aws-sdk/client-athena');
    const { AthenaEngine } = await import('./adapters/athena-engine.ts');
    return new AthenaEngine({
      client: new AthenaClient(region ? { region } : {}),
      workGroup,
      database: (v.database as string | undefined) ?? process.env.FWLAKE_DATABASE ?? 'fwlake',
    });
  }
  throw new UsageError(`--engine must be duckdb or athena, not "${name}"`);
}

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
