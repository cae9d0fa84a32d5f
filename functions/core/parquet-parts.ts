/**
 * Records → Parquet parts, in bounded memory: the RecordSink of ingest with
 * format parquet.
 *
 * Records are buffered per partition, column by column (RecordColumns). A
 * partition's buffer is written as its own part (one file, one row group)
 * when it reaches `rowsPerPart`; and when all buffers together reach
 * `maxBufferedRows`, one is written out, so memory stays bounded however the
 * input interleaves its hours: the one that has gone longest without a row if
 * that is more than `staleRows` rows ago (its hour is over), else the largest.
 * Everything left is written at `close()`. Part numbers count up per
 * partition from 0 and every decision depends only on the input's order, so
 * the same input always yields the same parts (re-ingestion replaces them).
 */
import { ByteWriter } from 'hyparquet-writer';
import type { RecordSink } from './ingest.ts';
import type { Codec } from './parquet/codec.ts';
import { RecordColumns } from './parquet/record-columns.ts';
import { defaultCodec, ROW_GROUP_ROWS } from './parquet-encoder.ts';
import { PARQUET_SUFFIX } from './part-format.ts';
import type { FirewallRecord } from './record.ts';

/** Where whole part files go: the local warehouse or S3. */
export interface PartFileStore {
  /** `bytes` are lent until the promise settles (the writer reuses them for its next part): a store that keeps them must copy. */
  writePart(
    table: string,
    partition: string,
    index: number,
    suffix: string,
    bytes: Uint8Array,
  ): Promise<void>;
}

/**
 * Rows buffered over all partitions before the largest is written out. A full buffer
 * costs ~450 bytes a row in column arrays (the raw line's bytes, 4-9 bytes a numeric
 * column that has values), and V8 returns freed array memory to the OS late: at 131,072
 * rows the 10M-line run peaked at 861 MB. Measured on 10M generator lines, one core:
 * 32,768 rows → 298 MB peak, 501 parts, 47.4 s; 28,672 → 242 MB, 361 parts (an hour's
 * ~133,000 lines split into 5 even parts instead of 4 full ones plus stragglers), 46.6 s;
 * 24,576 → 257 MB, 850 parts, 50.9 s. Compaction rewrites an hour's parts as one big file.
 */
export const MAX_BUFFERED_ROWS = 28_672;

/**
 * Emptied buffers kept for reuse. Two, not one: around an hour boundary a log interleaves two
 * hours (hosts' clocks differ), so two buffers are in use while a third is written out. With
 * one spare, each hour of a big input made a buffer new: 73 in a 3M-line ingest of 72 hours,
 * each one's arrays grown and first touched again and the old ones left to the collector.
 * With two: 7 made (2 since finished hours go first, see toWriteOut); 3M lines in 12.0-12.9 s
 * instead of 13.5-14.3 (one core, 3 alternated runs each), peak 201 MB instead of 223-232. On
 * 10M lines 2 made instead of 73, peak 169 MB instead of 186 (one run each; times within
 * noise). A spare holds the arrays of at most MAX_BUFFERED_ROWS rows (~15-25 MB).
 */
export const MAX_SPARES = 2;

export interface ParquetPartsOptions {
  rowsPerPart?: number;
  maxBufferedRows?: number;
  /** Rows without one for a partition after which its buffer is written first (default: maxBufferedRows / 4). */
  staleRows?: number;
  /** Page compression; default FWLAKE_PARQUET_CODEC or auto (see parquet-encoder.ts). */
  codec?: Codec;
}

export class ParquetPartWriter implements RecordSink {
  private readonly buffers = new Map<string, RecordColumns>();
  /**
   * Emptied buffers kept for reuse (their typed arrays have already grown), at most MAX_SPARES.
   * A pool without a bound is what made the peak grow with the input (797 MB on 10M lines).
   */
  private readonly spares: RecordColumns[] = [];
  private made = 0;
  private readonly nextIndex = new Map<string, number>();
  private buffered = 0;
  /** Records added so far: the clock of `RecordColumns.lastAdded`. */
  private added = 0;
  private lastPartition = '';
  private lastBuffer: RecordColumns | undefined;
  private readonly rowsPerPart: number;
  private readonly maxBufferedRows: number;
  private readonly staleRows: number;
  private readonly codec: Codec;
  /**
   * One output buffer for every part: a part is written out (writePart awaited) before the
   * next is encoded, so the bytes handed to the store are never overwritten while in use.
   */
  private readonly out = new ByteWriter(1 << 20);
  /** Every partition/index written, in order: what this run wrote. */
  readonly parts: { partition: string; index: number; rows: number }[] = [];

  constructor(
    private readonly store: PartFileStore,
    private readonly table: string,
    opts: ParquetPartsOptions = {},
  ) {
    this.rowsPerPart = opts.rowsPerPart ?? ROW_GROUP_ROWS;
    this.maxBufferedRows = opts.maxBufferedRows ?? MAX_BUFFERED_ROWS;
    this.staleRows = opts.staleRows ?? Math.max(1, Math.floor(this.maxBufferedRows / 4));
    this.codec = opts.codec ?? defaultCodec();
  }

  add(
    partition: string,
    record: FirewallRecord,
    rawBytes: Uint8Array | null = null,
    rawStart = 0,
    symbols: Float64Array | null = null,
  ): Promise<void> | undefined {
    // Consecutive records nearly always share their hour (partitionOf returns the same string): skip the Map.
    let buf = partition === this.lastPartition ? this.lastBuffer : this.buffers.get(partition);
    if (buf === undefined) {
      buf = this.spares.pop();
      if (buf === undefined) {
        buf = new RecordColumns();
        this.made++;
      }
      this.buffers.set(partition, buf);
    }
    this.lastPartition = partition;
    this.lastBuffer = buf;
    buf.add(record, rawBytes, rawStart, symbols);
    buf.lastAdded = this.added++;
    this.buffered++;
    if (buf.rows >= this.rowsPerPart) return this.flush(partition);
    if (this.buffered >= this.maxBufferedRows) return this.flush(this.toWriteOut());
    return undefined;
  }

  /** Buffers made new rather than taken from the spares: a figure for tests and benchmarks. */
  get buffersMade(): number {
    return this.made;
  }

  async close(): Promise<void> {
    for (const partition of [...this.buffers.keys()]) await this.flush(partition);
  }

  private keepSpare(buf: RecordColumns): void {
    if (this.spares.length < MAX_SPARES) this.spares.push(buf);
  }

  /**
   * The partition to write out when the buffers are full: the one that has gone longest without
   * a row, when that is more than staleRows rows ago, else the largest. Logs run in time order,
   * so a partition that gets no rows has most likely had its last: written out, it makes room
   * for the hour that is going on. Writing only the largest (before 2026-12-07) wrote the
   * current hour's buffer again and again while each past hour's last rows sat in theirs until
   * the end of the input: on 3M generator lines, 284 parts of 72 hours instead of 145, up to 7
   * buffers at a time instead of 2, and 2.7% more bytes (smaller parts compress less well).
   */
  private toWriteOut(): string {
    let stalest = '';
    let oldest = Number.POSITIVE_INFINITY;
    for (const [partition, buf] of this.buffers) {
      if (buf.lastAdded < oldest) {
        stalest = partition;
        oldest = buf.lastAdded;
      }
    }
    return this.added - 1 - oldest > this.staleRows ? stalest : this.largest();
  }

  /** The partition with the most buffered rows (the first one on ties: Map order is deterministic). */
  private largest(): string {
    let best = '';
    let most = -1;
    for (const [partition, buf] of this.buffers) {
      if (buf.rows > most) {
        best = partition;
        most = buf.rows;
      }
    }
    return best;
  }

  private flush(partition: string): Promise<void> {
    const buf = this.buffers.get(partition);
    this.buffers.delete(partition);
    if (partition === this.lastPartition) this.lastBuffer = undefined;
    if (buf === undefined) return Promise.resolve();
    const rows = buf.rows;
    if (rows === 0) {
      this.keepSpare(buf);
      return Promise.resolve();
    }
    this.buffered -= rows;
    const index = this.nextIndex.get(partition) ?? 0;
    this.nextIndex.set(partition, index + 1);
    this.parts.push({ partition, index, rows });
    const bytes = buf.toParquet({ codec: this.codec }, this.out);
    buf.reset();
    this.keepSpare(buf);
    return this.store.writePart(this.table, partition, index, PARQUET_SUFFIX, bytes);
  }
}
