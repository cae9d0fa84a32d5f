/**
 * The local warehouse: the lake's layout in a folder, so DuckDB can read it
 * exactly as Athena reads the lake bucket.
 *
 *   DIR/firewall/dt=2026-09-17/hour=22/<source-id>-<n>.json.gz   (or .parquet)
 *   DIR/quarantine/<source-id>-<n>.json.gz
 *
 * Parts are written to hidden temporary files and renamed into place only
 * when the whole input has been read, so a crash leaves no half data where
 * readers look, and a re-run replaces the same names.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGzip, type ZlibOptions } from 'node:zlib';
import type { PartFileStore } from '../core/parquet-parts.ts';
import { PARQUET_SUFFIX } from '../core/part-format.ts';
import type { PartOutput, PartStore } from '../core/router.ts';

export const JSON_SUFFIX = '.json.gz';
/** Every suffix a part may have: re-ingesting in one format removes the source's parts in the other. */
const PART_SUFFIXES = [JSON_SUFFIX, PARQUET_SUFFIX];
/**
 * zlib level for JSON parts, FWLAKE_GZIP_LEVEL (0-9, default 6). Measured on 1M generator lines
 * (bench/gzip-levels.ts): level 1 compresses 2.3x faster than 6 for 41% more bytes. 6 by
 * default since the parts are kept (README, "Parquet or JSON lines").
 */
export const GZIP_LEVEL = gzipLevel(process.env.FWLAKE_GZIP_LEVEL);

function gzipLevel(setting: string | undefined): number {
  if (setting === undefined || setting === '') return 6;
  const level = Number(setting);
  if (!Number.isInteger(level) || level < 0 || level > 9)
    throw new Error(`FWLAKE_GZIP_LEVEL must be a whole number from 0 to 9, not "${setting}"`);
  return level;
}

interface Pending {
  dir: string;
  tmp: string;
  index: number;
  suffix: string;
}

export class LocalWarehouse implements PartStore, PartFileStore {
  private readonly run = randomBytes(6).toString('hex');
  private readonly pending: Pending[] = [];

  constructor(readonly root: string) {}

  open(table: string, partition: string, index: number): PartOutput {
    const dir = partition === '' ? join(this.root, table) : join(this.root, table, partition);
    const tmp = join(dir, `.tmp-${this.run}-${index}${JSON_SUFFIX}`);
    this.pending.push({ dir, tmp, index, suffix: JSON_SUFFIX });
    // A deep write buffer lets zlib (on libuv's thread pool) compress while this thread parses.
    const gzip = createGzip({ level: GZIP_LEVEL, writableHighWaterMark: 1 << 20 } as ZlibOptions);
    let file: ReturnType<typeof createWriteStream> | null = null;
    let failed: Error | null = null;
    const ready = mkdir(dir, { recursive: true }).then(() => {
      file = createWriteStream(tmp);
      file.on('error', (e) => {
        failed = e;
      });
      gzip.pipe(file);
    });
    return {
      write(bytes: Uint8Array) {
        if (failed) return Promise.reject(failed);
        if (file === null) return ready.then(() => void gzip.write(bytes));
        if (gzip.write(bytes)) return undefined;
        return new Promise<void>((r) => gzip.once('drain', r));
      },
      async end() {
        await ready;
        await new Promise<void>((resolve, reject) => {
          file!.once('close', () => (failed ? reject(failed) : resolve()));
          file!.once('error', reject);
          gzip.end();
        });
      },
    };
  }

  /** Writes one whole part (a Parquet file) to a temporary file, moved into place by commit(). */
  async writePart(table: string, partition: string, index: number, suffix: string, bytes: Uint8Array) {
    const dir = partition === '' ? join(this.root, table) : join(this.root, table, partition);
    const tmp = join(dir, `.tmp-${this.run}-${index}${suffix}`);
    this.pending.push({ dir, tmp, index, suffix });
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, bytes);
  }

  /**
   * Moves this run's parts into place as `<sourceId>-<n>.json.gz` (or `.parquet`), then deletes
   * any other output of the same source in the tables (an earlier run may have
   * put lines in partitions this one does not, e.g. with another reference
   * year). Returns the final paths.
   */
  async commit(sourceId: string, tables: readonly string[]): Promise<string[]> {
    const done: string[] = [];
    for (const p of this.pending) {
      const path = join(p.dir, `${sourceId}-${p.index}${p.suffix}`);
      await rename(p.tmp, path);
      done.push(path);
    }
    this.pending.length = 0;
    const keep = new Set(done);
    for (const table of tables) await removeStale(join(this.root, table), `${sourceId}-`, keep);
    return done;
  }

  /** Removes this run's temporary files (after a failure). */
  async abort(): Promise<void> {
    for (const p of this.pending) await rm(p.tmp, { force: true });
    this.pending.length = 0;
  }
}

async function removeStale(dir: string, namePrefix: string, keep: Set<string>): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const ent of entries) {
    const path = join(dir, ent.name);
    if (ent.isDirectory()) await removeStale(path, namePrefix, keep);
    else if (
      ent.name.startsWith(namePrefix) &&
      PART_SUFFIXES.some((s) => ent.name.endsWith(s)) &&
      !keep.has(path)
    ) {
      await rm(path, { force: true });
    }
  }
}
