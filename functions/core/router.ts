/**
 * Routes JSON lines to one output per partition, in bounded memory.
 *
 * Each open partition buffers up to `flushBytes` of lines, as UTF-8 bytes,
 * before handing them to its PartOutput (which compresses and stores them).
 * Records are written into that buffer directly (json-bytes.ts), with no
 * string per line. At most `maxOpen` outputs
 * are open at once: when another partition is needed, the least recently used
 * one is closed, and if that partition shows up again it continues in a new
 * part (`index` + 1). The same input therefore always yields the same parts,
 * which keeps re-ingestion idempotent.
 */
import { JsonBytes, writeJsonLine } from './json-bytes.ts';
import type { FirewallRecord } from './record.ts';

/** One output object being written: lines' bytes in, compressed and stored by the adapter. */
export interface PartOutput {
  /** `bytes` are the output's from now on. Returns a promise only when the caller must wait (backpressure). */
  write(bytes: Uint8Array): Promise<void> | undefined;
  end(): Promise<void>;
}

/** Where parts go: the local warehouse, or S3. `partition` is '' for an unpartitioned table. */
export interface PartStore {
  open(table: string, partition: string, index: number): PartOutput;
}

interface OpenPart {
  readonly out: PartOutput;
  readonly buf: JsonBytes;
}

export interface RouterOptions {
  maxOpen?: number;
  /** Bytes of lines an open part gathers before they go to its output. */
  flushBytes?: number;
}

export class PartitionRouter {
  private readonly open = new Map<string, OpenPart>();
  private readonly nextIndex = new Map<string, number>();
  private readonly maxOpen: number;
  private readonly flushBytes: number;
  /** Every table/partition/index opened, in order: what this run wrote. */
  readonly parts: { table: string; partition: string; index: number }[] = [];

  constructor(
    private readonly store: PartStore,
    opts: RouterOptions = {},
  ) {
    this.maxOpen = opts.maxOpen ?? 48;
    this.flushBytes = opts.flushBytes ?? 1 << 18;
  }

  /** Adds one line of JSON text (no newline). Returns a promise only when it had to write (await it: backpressure). */
  add(table: string, partition: string, line: string): Promise<void> | undefined {
    const part = this.partFor(table, partition);
    part.buf.text(line);
    part.buf.byte(10);
    return this.afterAdd(part);
  }

  /**
   * Adds one record as a JSON line, written as bytes into its part's buffer (`rawBytes`,
   * `rawStart` as RecordSink.add describes). Returns a promise only when it had to write.
   */
  addRecord(
    table: string,
    partition: string,
    record: FirewallRecord,
    rawBytes: Uint8Array | null,
    rawStart: number,
  ): Promise<void> | undefined {
    const part = this.partFor(table, partition);
    writeJsonLine(part.buf, record, rawBytes, rawStart);
    return this.afterAdd(part);
  }

  private partFor(table: string, partition: string): OpenPart {
    // Consecutive lines nearly always go to the same part (logs are in time order): that part is
    // already the most recently used, so no id to build and no Map to touch.
    if (table === this.lastTable && partition === this.lastPartition && this.lastPart !== undefined) {
      return this.lastPart;
    }
    const part = this.lookup(table, partition);
    this.lastTable = table;
    this.lastPartition = partition;
    this.lastPart = part;
    return part;
  }

  /** Flushes a full part; hands over the wait for an evicted part's end, if any. */
  private afterAdd(part: OpenPart): Promise<void> | undefined {
    let pending = this.pendingEviction;
    this.pendingEviction = undefined;
    if (part.buf.length >= this.flushBytes) {
      const w = this.flush(part);
      if (w !== undefined) pending = pending ? pending.then(() => w) : w;
    }
    return pending;
  }

  private lastTable: string | null = null;
  private lastPartition: string | null = null;
  private lastPart: OpenPart | undefined;
  private pendingEviction: Promise<void> | undefined;

  /** The open part of a table/partition (opening one, and evicting the least recently used, as needed). */
  private lookup(table: string, partition: string): OpenPart {
    const id = `${table}/${partition}`;
    let part = this.open.get(id);
    if (part === undefined) {
      this.pendingEviction = this.evictIfFull();
      const index = this.nextIndex.get(id) ?? 0;
      this.nextIndex.set(id, index + 1);
      part = { out: this.store.open(table, partition, index), buf: new JsonBytes(this.flushBytes + 4096) };
      this.parts.push({ table, partition, index });
      this.open.set(id, part);
    } else if (this.open.size > 1) {
      // Keep Map order = recency, so the first key is the least recently used.
      this.open.delete(id);
      this.open.set(id, part);
    }
    return part;
  }

  /** Writes out and closes every open part. */
  async close(): Promise<void> {
    this.lastPart = undefined;
    const parts = [...this.open.values()];
    this.open.clear();
    for (const part of parts) {
      await this.flush(part);
      await part.out.end();
    }
  }

  private flush(part: OpenPart): Promise<void> | undefined {
    if (part.buf.length === 0) return undefined;
    return part.out.write(part.buf.take());
  }

  private evictIfFull(): Promise<void> | undefined {
    if (this.open.size < this.maxOpen) return undefined;
    const [id, lru] = this.open.entries().next().value as [string, OpenPart];
    this.open.delete(id);
    return Promise.resolve(this.flush(lru)).then(() => lru.out.end());
  }
}
