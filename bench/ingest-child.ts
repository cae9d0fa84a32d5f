/**
 * The end-to-end measurement, run by bench/run.ts in a process of its own so
 * that the peak RSS it reports is the ingest's alone (not the runner's, which
 * holds the whole file in memory for the parse-only figures).
 *
 *   node --import tsx bench/ingest-child.ts FILE WAREHOUSE REFERENCE_MS
 *
 * It calls ingestLocal, the function `fwlake ingest FILE` calls, and prints one
 * JSON line on stdout. It uses no /usr/bin/time, which is not on every machine.
 */
import { ingestLocal } from '../functions/adapters/local-ingest.ts';
import { GZIP_LEVEL } from '../functions/adapters/local-warehouse.ts';

const [path, warehouse, ref] = process.argv.slice(2);
if (path === undefined || warehouse === undefined || !Number.isFinite(Number(ref))) {
  process.stderr.write('usage: ingest-child.ts FILE WAREHOUSE REFERENCE_MS\n');
  process.exit(2);
}

// Timed from here, so node's and tsx's start-up are left out; the runner also reports the wall time.
const started = performance.now();
const res = await ingestLocal(path, { warehouse, referenceMs: Number(ref) });
const ms = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({
    ms,
    stats: res.stats,
    bytesRead: res.bytesRead,
    files: res.files.length,
    gzipLevel: GZIP_LEVEL,
    // ru_maxrss: the process's peak resident set, in KiB on Linux.
    maxRssKiB: process.resourceUsage().maxRSS,
  })}\n`,
);
