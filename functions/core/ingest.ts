/**
 * The ingest pipeline, free of I/O: lines → parse → partition → encode → router.
 * Adapters supply the lines (from a file, stdin or an S3 object) and the
 * PartStore (a local folder or S3); the handlers and the CLI only wire them.
 *
 * Every line is accounted for: records + skipped + quarantined === lines.
 */
import { encodeJsonLine } from './json-lines.ts';
import type { LineBatch } from './lines.ts';
import { isQuarantined, type ParseOptions, parseLine } from './parse-line.ts';
import { partitionOf } from './partition.ts';
import type { Quarantined } from './record.ts';
import type { PartitionRouter } from './router.ts';

export const RECORDS_TABLE = 'firewall';
export const QUARANTINE_TABLE = 'quarantine';

export interface IngestStats {
  lines: number;
  records: number;
  skipped: number;
  quarantined: number;
  /** Distinct partitions that received records. */
  partitions: number;
  /** Epoch ms of the earliest and latest record, or null when there were none. */
  firstTs: number | null;
  lastTs: number | null;
}

export function emptyStats(): IngestStats {
  return { lines: 0, records: 0, skipped: 0, quarantined: 0, partitions: 0, firstTs: null, lastTs: null };
}

/** A quarantine entry as one JSON line: the line, why, and where it came from. */
export function encodeQuarantine(q: Quarantined): string {
  return JSON.stringify({ reason: q.reason, source_key: q.source_key, line_no: q.line_no, raw: q.raw });
}

export interface IngestHooks {
  /** Called after each batch, for progress displays. */
  onBatch?: (stats: IngestStats) => void;
}

export async function ingestLines(
  batches: AsyncIterable<LineBatch>,
  opts: ParseOptions,
  router: PartitionRouter,
  hooks: IngestHooks = {},
): Promise<IngestStats> {
  const stats = emptyStats();
  const seen = new Set<string>();
  let lineNo = 0;
  for await (const { lines, bytes, starts } of batches) {
    for (let i = 0; i < lines.length; i++) {
      lineNo++;
      const res = parseLine(lines[i], lineNo, opts, bytes, starts[i]);
      let pending: Promise<void> | undefined;
      if (res === null) {
        stats.skipped++;
        continue;
      }
      if (isQuarantined(res)) {
        stats.quarantined++;
        pending = router.add(QUARANTINE_TABLE, '', encodeQuarantine(res));
      } else {
        stats.records++;
        const partition = partitionOf(res.ts);
        if (!seen.has(partition)) seen.add(partition);
        if (stats.firstTs === null || res.ts < stats.firstTs) stats.firstTs = res.ts;
        if (stats.lastTs === null || res.ts > stats.lastTs) stats.lastTs = res.ts;
        pending = router.add(RECORDS_TABLE, partition, encodeJsonLine(res));
      }
      if (pending !== undefined) await pending;
    }
    stats.lines = lineNo;
    stats.partitions = seen.size;
    hooks.onBatch?.(stats);
  }
  await router.close();
  stats.lines = lineNo;
  stats.partitions = seen.size;
  return stats;
}
