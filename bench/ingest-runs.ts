/**
 * End-to-end ingest: `fwlake ingest FILE --warehouse TMP --format F` in a child
 * process (bench/fwlake-child.ts), the bytes of the parts it wrote, and its peak RSS.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { JSON_PREFIX } from '../functions/core/lake-layout.ts';
import { PARQUET_SUFFIX, type PartFormat } from '../functions/core/part-format.ts';
import { runFwlake } from './fwlake-child.ts';

const JSON_SUFFIX = '.json.gz';

export interface IngestRun {
  format: PartFormat;
  oneCore: boolean;
  /** The ingest's own time, as `fwlake ingest` prints it (from opening the input to the last part written). */
  secs: number;
  /** Spawn to exit: node's start-up and the bundle's import included. */
  wallSecs: number;
  linesPerS: number;
  mbPerS: number;
  peakRssMB: number;
  lines: number;
  records: number;
  skipped: number;
  quarantined: number;
  partitions: number;
  files: number;
  /** The ingest's first and last record time (ISO), as printed; null with no records. */
  firstTs: string | null;
  lastTs: string | null;
  /** Bytes of the record parts in this format (quarantine left out). */
  partBytes: number;
  partFiles: number;
  partBytesPer1MLines: number;
}

// `FILE: 1000 lines: 990 records, 10 skipped (not netfilter), 0 quarantined; 3 partitions (A .. B); 3 files under W as X-*; 0.52 s, 1923 lines/s`
const SUMMARY =
  /: (\d+) lines: (\d+) records, (\d+) skipped[^,;]*, (\d+) quarantined; (\d+) partitions(?: \((\S+) \.\. (\S+)\))?; (\d+) files .*; ([\d.]+) s, \d+ lines\/s$/m;

/** Parts of one format under a warehouse: JSON parts under firewall/, Parquet parts anywhere (their folder has moved). */
export async function partBytes(
  warehouse: string,
  format: PartFormat,
): Promise<{ bytes: number; files: number }> {
  const dir = format === 'json' ? join(warehouse, JSON_PREFIX) : warehouse;
  const suffix = format === 'json' ? JSON_SUFFIX : PARQUET_SUFFIX;
  let bytes = 0;
  let files = 0;
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { bytes, files };
    throw e;
  }
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith(suffix)) continue;
    bytes += (await stat(join(e.parentPath, e.name))).size;
    files++;
  }
  return { bytes, files };
}

/** One `fwlake ingest` of FILE into WAREHOUSE (which should be empty) in FORMAT. */
export async function ingestRun(
  file: string,
  inputBytes: number,
  referenceMs: number,
  warehouse: string,
  format: PartFormat,
  oneCore: boolean,
): Promise<IngestRun> {
  const run = await runFwlake(
    [
      'ingest',
      file,
      '--warehouse',
      warehouse,
      '--format',
      format,
      '--reference-time',
      new Date(referenceMs).toISOString(),
    ],
    { oneCore },
  );
  const m = SUMMARY.exec(run.stdout);
  if (m === null) {
    throw new Error(`cannot read the summary line of fwlake ingest; it printed:\n${run.stdout}`);
  }
  const [lines, records, skipped, quarantined, partitions] = m.slice(1, 6).map(Number);
  const secs = Number(m[9]);
  const parts = await partBytes(warehouse, format);
  return {
    format,
    oneCore,
    secs,
    wallSecs: run.wallSecs,
    linesPerS: lines / secs,
    mbPerS: inputBytes / 1e6 / secs,
    peakRssMB: (run.report.maxRssKiB * 1024) / 1e6,
    lines,
    records,
    skipped,
    quarantined,
    partitions,
    files: Number(m[8]),
    firstTs: m[6] ?? null,
    lastTs: m[7] ?? null,
    partBytes: parts.bytes,
    partFiles: parts.files,
    partBytesPer1MLines: (parts.bytes / lines) * 1e6,
  };
}
