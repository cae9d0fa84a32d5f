/** `fwlake parse` and `fwlake ingest`: local files or stdin in, records out. */
import { openLocalInput } from '../adapters/input.ts';
import { ingestLocal } from '../adapters/local-ingest.ts';
import { emptyStats, encodeQuarantine, type IngestStats } from '../core/ingest.ts';
import { encodeJsonLine } from '../core/json-lines.ts';
import { splitLines } from '../core/lines.ts';
import { isQuarantined, parseLine } from '../core/parse-line.ts';
import { options, referenceTime, UsageError } from './args.ts';
import { progressPrinter } from './progress.ts';

function summary(s: IngestStats): string {
  return `${s.lines} lines: ${s.records} records, ${s.skipped} skipped (not netfilter), ${s.quarantined} quarantined`;
}

export async function parseCommand(args: string[]): Promise<number> {
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

export async function ingestCommand(args: string[]): Promise<number> {
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

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
