/**
 * What gzip alone costs the JSON-lines format: the records of FILE are written
 * as JSON lines, per hourly partition, exactly as `fwlake ingest --format json`
 * writes them (the ingest pipeline with a store that keeps the bytes), then
 * each partition's text is gzipped in one call per level, on this thread, and
 * only that call is timed. It prints MB/s of JSON text, the seconds for the
 * whole input, and the compressed size (and as a share of level 6's).
 *
 * This is the floor under `ingest --format json` on one core: parsing and
 * writing the lines come on top of it (`bench/stages.ts FILE json`).
 *
 * Usage: taskset -c 0 node --import tsx bench/gzip-levels.ts FILE [LEVEL ...]   (default 1 2 3 4 6 9)
 * Holds the JSON text of FILE in memory (~660 MB per 1M generator lines).
 */
import { createReadStream } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ingestLines } from '../functions/core/ingest.ts';
import { splitLines } from '../functions/core/lines.ts';
import { PartitionRouter } from '../functions/core/router.ts';

const [file, ...levelArgs] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node --import tsx bench/gzip-levels.ts FILE [LEVEL ...]');
  process.exit(2);
}
const levels = levelArgs.length > 0 ? levelArgs.map(Number) : [1, 2, 3, 4, 6, 9];

// Each part's chunks, as the router hands them to the store.
const parts: Uint8Array[][] = [];
const router = new PartitionRouter({
  open() {
    const chunks: Uint8Array[] = [];
    parts.push(chunks);
    return {
      write(b) {
        chunks.push(b);
        return undefined;
      },
      async end() {},
    };
  },
});
const opts = { referenceMs: Date.parse('2026-11-24T00:00:00Z'), sourceKey: 'bench', fallbackHost: null };
const stats = await ingestLines(splitLines(createReadStream(file, { highWaterMark: 1 << 20 })), opts, router);
const texts = parts.map((chunks) => Buffer.concat(chunks));
const total = texts.reduce((n, t) => n + t.length, 0);
console.log(
  `${stats.lines.toLocaleString('en-US')} lines -> ${(total / 1e6).toFixed(1)} MB of JSON lines in ${texts.length} parts`,
);

const results = new Map<number, number>();
for (const level of levels) {
  let bytes = 0;
  const t0 = performance.now();
  for (const t of texts) bytes += gzipSync(t, { level }).length;
  const secs = (performance.now() - t0) / 1000;
  results.set(level, bytes);
  const vs6 = results.has(6) ? `  ${((100 * bytes) / results.get(6)!).toFixed(1)}% of level 6` : '';
  console.log(
    `gzip level ${level}: ${(total / 1e6 / secs).toFixed(1).padStart(6)} MB/s  ${secs.toFixed(2).padStart(6)} s  ` +
      `${(bytes / 1e6).toFixed(1).padStart(6)} MB (${((100 * bytes) / total).toFixed(1)}% of the text)${vs6}`,
  );
}
