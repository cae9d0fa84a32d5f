/**
 * Where Parquet ingest spends its time, stage by stage, without file I/O:
 * each stage runs the pipeline over FILE up to that point and prints its
 * time, so the difference between two lines is the cost of one stage.
 *
 *   split  bytes → lines (functions/core/lines.ts)
 *   parse  + parseLine per line (into one reused record, as ingest does)
 *   none   the ingest pipeline (ingestLines) into ParquetPartWriter with uncompressed pages
 *          (columns, encodings, footers; quarantined lines go nowhere)
 *   CODEC  + the same with that page codec (e.g. snappy, gzip:1, gzip:6, zstd:3)
 *   json   the ingest pipeline with format json: records written as JSON lines into the
 *          router's part buffers (json-bytes.ts), handed to a store that only counts them
 *          (no gzip: compare with the zlib figures of bench/gzip-levels.ts)
 *
 * Usage: node --import tsx bench/stages.ts FILE [CODEC ...]   (default codecs: none snappy gzip:1)
 * Pin it to one core (`taskset -c 0`) to compare with the one-core goals. Each line
 * also shows the stage's CPU seconds (user + system), steadier than wall time on a busy machine.
 */
import { createReadStream } from 'node:fs';
import { ingestLines } from '../functions/core/ingest.ts';
import { splitLines } from '../functions/core/lines.ts';
import { parseCodec } from '../functions/core/parquet/codec.ts';
import { ParquetPartWriter } from '../functions/core/parquet-parts.ts';
import { parseLine } from '../functions/core/parse-line.ts';
import { FirewallRecord } from '../functions/core/record.ts';
import { PartitionRouter } from '../functions/core/router.ts';

type Stage = 'split' | 'parse' | string;

async function run(
  file: string,
  stage: Stage,
): Promise<{ lines: number; seconds: number; cpu: number; bytes: number }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let bytes = 0;
  const opts = { referenceMs: Date.parse('2026-11-24T00:00:00Z'), sourceKey: 'bench', fallbackHost: null };
  const batches = splitLines(createReadStream(file, { highWaterMark: 1 << 20 }));
  let lineNo = 0;
  if (stage === 'split' || stage === 'parse') {
    const into = new FirewallRecord();
    for await (const batch of batches) {
      for (let i = 0; i < batch.lines.length; i++) {
        lineNo++;
        if (stage === 'parse') parseLine(batch.lines[i], lineNo, opts, batch.bytes, batch.starts[i], into);
      }
    }
  } else if (stage === 'json') {
    const router = new PartitionRouter({
      open: () => ({
        write: (b) => {
          bytes += b.length;
          return undefined;
        },
        end: async () => {},
      }),
    });
    lineNo = (await ingestLines(batches, opts, router)).lines;
  } else {
    // The ingest pipeline itself (functions/core/ingest.ts), parts counted instead of stored.
    const sink = new ParquetPartWriter(
      {
        async writePart(_t, _p, _i, _s, b) {
          bytes += b.length;
        },
      },
      'bench',
      { codec: parseCodec(stage) },
    );
    const router = new PartitionRouter({ open: () => ({ write: () => undefined, end: async () => {} }) });
    lineNo = (await ingestLines(batches, opts, router, { records: sink })).lines;
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    lines: lineNo,
    seconds: (performance.now() - t0) / 1000,
    cpu: (cpu.user + cpu.system) / 1e6,
    bytes,
  };
}

const [file, ...codecs] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node --import tsx bench/stages.ts FILE [CODEC ...]');
  process.exit(2);
}
for (const stage of ['split', 'parse', ...(codecs.length > 0 ? codecs : ['none', 'snappy', 'gzip:1'])]) {
  const r = await run(file, stage);
  const rate = Math.round(r.lines / r.seconds).toLocaleString('en-US');
  const what = stage === 'json' ? 'JSON lines' : 'Parquet';
  const size = stage === 'split' || stage === 'parse' ? '' : `  ${(r.bytes / 1e6).toFixed(1)} MB of ${what}`;
  // CPU seconds beside wall seconds: on a busy machine the CPU time is the steadier figure.
  const cpu = `(cpu ${r.cpu.toFixed(2)} s)`;
  console.log(
    `${stage.padEnd(8)} ${r.seconds.toFixed(2).padStart(6)} s ${cpu}  ${rate.padStart(10)} lines/s${size}`,
  );
}
