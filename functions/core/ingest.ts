/**
 * The ingest pipeline, free of I/O: lines → parse → partition → encode → router.
 * Adapters supply the lines (from a file, stdin or an S3 object) and the
 * PartStore (a local folder or S3); the handlers and the CLI only wire them.
 *
 * Every line is accounted for: records + skipped + quarantined === lines.
 */
import { LINE_SYMBOLS } from './line-symbols.ts';
import type { LineBatch } from './lines.ts';
import { isQuarantined, type ParseOptions, parseLine } from './parse-line.ts';
import { partitionOf } from './partition.ts';
import { FirewallRecord, type Quarantined } from './record.ts';
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

/**
 * Takes records as records, for formats that encode many at once (Parquet)
 * rather than one JSON line each. `partition` is the records' `dt=/hour=` path.
 */
export interface RecordSink {
  /**
   * Returns a promise only when the caller must wait (it wrote a part: backpressure).
   * The record is lent: ingest reuses the object for the next line, so copy what you keep.
   * `symbols` are the line's symbols (line-symbols.ts), valid during this call only.
   * `rawBytes`, when not null, holds the record's raw line as ASCII bytes at `rawStart`
   * (record.raw.length of them): a sink may copy them instead of encoding `raw` again.
   */
  add(
    partition: string,
    record: FirewallRecord,
    rawBytes?: Uint8Array | null,
    rawStart?: number,
    symbols?: Float64Array | null,
  ): Promise<void> | undefined;
  /** Writes out everything still buffered. */
  close(): Promise<void>;
}

export interface IngestHooks {
  /** Called after each batch, for progress displays. */
  onBatch?: (stats: IngestStats) => void;
  /**
   * When set, records go here instead of through the router as JSON lines
   * (quarantined lines still go through the router, as JSON lines).
   */
  records?: RecordSink;
}

export async function ingestLines(
  batches: AsyncIterable<LineBatch>,
  opts: ParseOptions,
  router: PartitionRouter,
  hooks: IngestHooks = {},
): Promise<IngestStats> {
  const stats = emptyStats();
  const seen = new Set<string>();
  let lastPartition = '';
  const sink = hooks.records;
  let lineNo = 0;
  const scratch = new FirewallRecord();
  for await (const { lines, bytes, starts, ascii } of batches) {
    for (let i = 0; i < lines.length; i++) {
      lineNo++;
      // One record object for every line: each is encoded or copied into columns before the next.
      const res = parseLine(lines[i], lineNo, opts, bytes, starts[i], scratch);
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
        // partitionOf returns the same string while the hour stays the same: count each once, cheaply.
        if (partition !== lastPartition) {
          seen.add(partition);
          lastPartition = partition;
        }
        if (stats.firstTs === null || res.ts < stats.firstTs) stats.firstTs = res.ts;
        if (stats.lastTs === null || res.ts > stats.lastTs) stats.lastTs = res.ts;
        const rawBytes = ascii && starts[i] >= 0 ? bytes : null;
        pending =
          sink === undefined
            ? router.addRecord(RECORDS_TABLE, partition, res, rawBytes, starts[i])
            : sink.add(partition, res, rawBytes, starts[i], LINE_SYMBOLS);
      }
      if (pending !== undefined) await pending;
    }
    stats.lines = lineNo;
    stats.partitions = seen.size;
    hooks.onBatch?.(stats);
  }
  await sink?.close();
  await router.close();
  stats.lines = lineNo;
  stats.partitions = seen.size;
  return stats;
}
