/**
 * `fwlake ingest` for one local file or stdin: wires the local input, the core
 * pipeline and the local warehouse together.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { emptyStats, type IngestStats, ingestLines } from '../core/ingest.ts';
import { JSON_PREFIX, PARQUET_PREFIX, QUARANTINE_PREFIX } from '../core/lake-layout.ts';
import { splitLines } from '../core/lines.ts';
import { ParquetPartWriter } from '../core/parquet-parts.ts';
import type { PartFormat } from '../core/part-format.ts';
import { PartitionRouter, type RouterOptions } from '../core/router.ts';
import { openLocalInput } from './input.ts';
import { LocalWarehouse } from './local-warehouse.ts';

/**
 * At most 8 JSON parts open at once, as in S3: each open part holds a gzip stream with up to
 * 1 MiB queued plus up to 256 KiB of lines, so 48 (the router's default) let a stream with
 * out-of-order stragglers in many hours push the 1M-line run past 300 MB.
 */
export const LOCAL_ROUTER_OPTIONS: RouterOptions = { maxOpen: 8 };

export interface LocalIngestOptions {
  warehouse: string;
  /** Where stamps without a year are placed, and the time of lines with none. Default: the file's mtime, or now. */
  referenceMs?: number;
  /** Host for lines whose header names none. */
  host?: string | null;
  /** How records are stored: gzip JSON lines (default) or Parquet. Quarantine is JSON lines either way. */
  format?: PartFormat;
  onProgress?: (stats: IngestStats, bytesRead: number, size: number | null) => void;
}

export interface LocalIngestResult {
  stats: IngestStats;
  sourceId: string;
  bytesRead: number;
  files: string[];
  droppedBytes: number;
}

export async function ingestLocal(path: string, opts: LocalIngestOptions): Promise<LocalIngestResult> {
  const input = await openLocalInput(path);
  const referenceMs = opts.referenceMs ?? (path === '-' ? Date.now() : (await stat(path)).mtimeMs);
  const store = new LocalWarehouse(opts.warehouse);
  const router = new PartitionRouter(store, LOCAL_ROUTER_OPTIONS);
  // Parquet parts have a folder of their own (lake-layout.ts); JSON lines keep firewall/.
  const records = opts.format === 'parquet' ? new ParquetPartWriter(store, PARQUET_PREFIX) : undefined;
  const lineStats = { droppedBytes: 0 };
  let stats = emptyStats();
  try {
    stats = await ingestLines(
      splitLines(input.chunks, lineStats),
      { referenceMs, sourceKey: path === '-' ? 'stdin' : basename(path), fallbackHost: opts.host ?? null },
      router,
      { onBatch: (s) => opts.onProgress?.(s, input.bytesRead(), input.size), records },
    );
  } catch (e) {
    await router.close().catch(() => {});
    await store.abort();
    throw e;
  }
  const sourceId = input.digest().slice(0, 20);
  // Both record folders: re-ingesting a source in the other format removes its parts in the first.
  const files = await store.commit(sourceId, [JSON_PREFIX, PARQUET_PREFIX, QUARANTINE_PREFIX]);
  return { stats, sourceId, bytesRead: input.bytesRead(), files, droppedBytes: lineStats.droppedBytes };
}
