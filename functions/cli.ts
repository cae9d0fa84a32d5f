/**
 * The `fwlake` command: usage and dispatch. Each command lives in cli/; the
 * work is in core/ (pure) and adapters/ (files, stdin, engines, S3).
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './cli/args.ts';
import { compactCommand } from './cli/compact-command.ts';
import { devCommand } from './cli/dev-command.ts';
import { ingestCommand, parseCommand } from './cli/ingest-commands.ts';
import { queriesCommand, queryCommand, sqlCommand } from './cli/query-commands.ts';
import { CatalogError } from './core/catalog.ts';
import { COMPACTED_ZSTD_LEVEL } from './core/compaction-format.ts';

/** The folder of this entry point: the shipped query catalog sits beside it (functions/ or dist/). */
const ENTRY_DIR = dirname(fileURLToPath(import.meta.url));

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

  fwlake compact [--warehouse DIR] [--now ISO] [--grace 15m] [--level 1-22]
      Rewrite every finished hour (ended more than the grace period before
      now) whose fresh parts changed since it was last compacted as zstd
      Parquet, one file per direction of the hour, more for a big one (--level:
      zstd level, default ${COMPACTED_ZSTD_LEVEL}) under
      DIR/firewall_compacted/. The firewall view reads a
      compacted hour from there and every other hour from the fresh parts.
      Re-running with nothing new does nothing.

  fwlake queries [--queries DIR]
      List the saved queries (the shipped catalog, plus .sql files in DIR) with
      what they answer and their parameters.
  fwlake query NAME [--since 24h|ISO] [--until now|ISO] [--host H] [--param k=v ...]
               [--engine duckdb|athena] [--warehouse DIR] [--format table|csv|json]
               [--queries DIR] [--workgroup W] [--database D] [--region R]
      Run a saved query. duckdb (default) reads the local warehouse; athena runs
      in the workgroup (or $FWLAKE_WORKGROUP) on the database (or
      $FWLAKE_DATABASE, default fwlake) in the region (or $AWS_REGION).
  fwlake dev [--port 4569] [--dir .fwlake-dev] [--format json|parquet]
      The AWS flow on this machine: an S3-compatible server with buckets raw and
      lake; every object put under raw/<host>/ is ingested by the real ingest
      Lambda handler into lake (records as gzip JSON lines under firewall/, or
      Parquet under firewall_parquet/, as FWLAKE_FORMAT chooses). Stop with Ctrl-C.
  fwlake sql "SELECT ..." [--warehouse DIR] [--format table|csv|json]
      Run SQL (Athena's Trino dialect, through the same DuckDB layer as the
      saved queries) over the warehouse's \`firewall\` view.

Options:
  --reference-time ISO  Syslog stamps have no year: place them in the year that
                        puts them nearest this time (default: the file's mtime,
                        or now for stdin). Also the time of lines with no stamp.
  --host H              Host for lines whose header names none.
  -h, --help            This text.

Environment (ingest, dev):
  FWLAKE_GZIP_LEVEL     gzip level of JSON-lines parts, 0-9 (default 6; 1 is
                        ~2.3x faster for ~41% more bytes).
  FWLAKE_PARQUET_CODEC  page codec of Parquet parts: auto (default: zstd 3
                        where Node has zstd, else snappy), snappy, gzip[:N],
                        zstd[:N], none.
`;

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
    if (command === 'queries') return queriesCommand(rest, ENTRY_DIR);
    if (command === 'dev') return await devCommand(rest);
    if (command === 'compact') return await compactCommand(rest);
    if (command === 'query') return await queryCommand(rest, ENTRY_DIR);
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
