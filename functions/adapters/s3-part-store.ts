/**
 * The lake in S3, with the local warehouse's layout (core/lake-layout.ts):
 *
 *   firewall/dt=2026-09-17/hour=22/<sourceId>-<n>.json.gz
 *   firewall_parquet/dt=2026-09-17/hour=22/<sourceId>-<n>.parquet
 *   quarantine/<sourceId>-<n>.json.gz
 *
 * JSON-lines parts (open/write/end, the router's PartStore) are gzipped on the
 * fly and streamed to their final key with lib-storage's Upload (one PutObject
 * when it stays under a part, multipart above). Whole parts (writePart, the
 * Parquet writer's PartFileStore) are already encoded in memory, a few MB
 * each, and go as one PutObject.
 *
 * Names are final from the start: they derive from the source object's
 * identity, so a retried or duplicated event overwrites the same objects
 * (S3 has no rename, and a PUT only becomes visible once complete, so readers
 * never see half an object). `removeStale` then deletes what an earlier
 * attempt wrote beyond this one's parts.
 *
 * Memory stays bounded whatever the object's size: write() resolves only when
 * the gzip stream drains, and the stream drains only as fast as Upload sends
 * parts. Each open part holds at most one part being filled plus `queueSize`
 * in flight, i.e. (1 + queueSize) × partSize: 24 MiB with the defaults, so the
 * router's `maxOpen` (see S3_ROUTER_OPTIONS) bounds the total. A whole part is
 * one encoded file in flight: the Parquet writer waits for writePart before
 * it takes more records.
 */
import { once } from 'node:events';
import { createGzip, type Gzip, type ZlibOptions } from 'node:zlib';
import {
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { PartFileStore } from '../core/parquet-parts.ts';
import { PARQUET_SUFFIX } from '../core/part-format.ts';
import type { PartOutput, PartStore, RouterOptions } from '../core/router.ts';
import { GZIP_LEVEL, JSON_SUFFIX } from './local-warehouse.ts';

export const PART_SIZE = 8 * 1024 * 1024;
export const QUEUE_SIZE = 2;
/** At most 8 parts open at once: 8 × 24 MiB worst case, well inside a 512 MB function. */
export const S3_ROUTER_OPTIONS: RouterOptions = { maxOpen: 8 };
/** Every suffix a part of a source may have: stale-part cleanup recognises both formats. */
const PART_SUFFIXES = [JSON_SUFFIX, PARQUET_SUFFIX];
/** Content types by suffix (a .json.gz object is a gzip file: no Content-Encoding, see open()). */
const CONTENT_TYPE: Record<string, string> = {
  [JSON_SUFFIX]: 'application/json',
  [PARQUET_SUFFIX]: 'application/vnd.apache.parquet',
};

export interface S3PartStoreOptions {
  client: S3Client;
  bucket: string;
  /** Names every object of this source: `sourceId(bucket, key, versionOrEtag)`. */
  sourceId: string;
  partSize?: number;
  queueSize?: number;
}

export interface WrittenPart {
  table: string;
  partition: string;
  index: number;
  key: string;
  /** Compressed bytes stored. */
  bytes: number;
  /** Multipart upload parts (0 when it went as one PutObject). */
  uploadParts: number;
}

interface Open {
  table: string;
  partition: string;
  index: number;
  key: string;
  gzip: Gzip;
  upload: Upload;
}

export class S3PartStore implements PartStore, PartFileStore {
  private readonly open_ = new Set<Open>();
  /** Parts completed, in the order they were closed. */
  readonly written: WrittenPart[] = [];

  constructor(private readonly opts: S3PartStoreOptions) {}

  /** The object key of one part. */
  keyOf(table: string, partition: string, index: number, suffix = JSON_SUFFIX): string {
    return `${prefixOf(table, partition)}${this.opts.sourceId}-${index}${suffix}`;
  }

  /**
   * One whole, already encoded part (a Parquet file) as one PutObject to its
   * final key. Resolves when S3 has it, which is the Parquet writer's backpressure.
   */
  async writePart(table: string, partition: string, index: number, suffix: string, bytes: Uint8Array) {
    const key = this.keyOf(table, partition, index, suffix);
    await this.opts.client.send(
      new PutObjectCommand({
        Bucket: this.opts.bucket,
        Key: key,
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: CONTENT_TYPE[suffix] ?? 'application/octet-stream',
      }),
    );
    this.written.push({ table, partition, index, key, bytes: bytes.length, uploadParts: 0 });
  }

  open(table: string, partition: string, index: number): PartOutput {
    const key = this.keyOf(table, partition, index);
    const gzip = createGzip({ level: GZIP_LEVEL, writableHighWaterMark: 1 << 20 } as ZlibOptions);
    const upload = new Upload({
      client: this.opts.client,
      partSize: this.opts.partSize ?? PART_SIZE,
      queueSize: this.opts.queueSize ?? QUEUE_SIZE,
      // The object IS a .gz file (Athena and DuckDB pick the codec from the extension): no Content-Encoding,
      // which would make HTTP clients gunzip it on download.
      params: { Bucket: this.opts.bucket, Key: key, Body: gzip, ContentType: CONTENT_TYPE[JSON_SUFFIX] },
    });
    let bytes = 0;
    const partsSeen = new Set<number>();
    upload.on('httpUploadProgress', (p) => {
      if (p.loaded !== undefined) bytes = Math.max(bytes, p.loaded);
      if (p.part !== undefined) partsSeen.add(p.part);
    });
    const entry: Open = { table, partition, index, key, gzip, upload };
    this.open_.add(entry);
    // done() is what starts reading the stream, so it runs from the start; a failure destroys
    // the gzip stream, which rejects a write() waiting for 'drain' instead of leaving it hanging.
    const done = upload.done();
    let failure: Error | null = null;
    // Errors surface through `done` (and so write/end); without a listener a destroyed stream's 'error' would crash.
    gzip.on('error', () => {});
    done.catch((e: Error) => {
      failure = e;
      gzip.destroy(e);
    });
    const written = this.written;
    const openSet = this.open_;
    return {
      write(bytes: Uint8Array) {
        if (failure || gzip.destroyed) return Promise.reject(failure ?? new Error(`${key}: part aborted`));
        if (gzip.write(bytes)) return undefined;
        return once(gzip, 'drain').then(() => undefined);
      },
      async end() {
        if (failure || gzip.destroyed) throw failure ?? new Error(`${key}: part aborted`);
        gzip.end();
        await done;
        openSet.delete(entry);
        written.push({
          table,
          partition,
          index,
          key,
          bytes,
          uploadParts: upload.uploadId === undefined ? 0 : partsSeen.size,
        });
      },
    };
  }

  /**
   * Abandons the parts still open after a failure: in-flight multipart uploads
   * are aborted, and an upload that had not reached its single PUT never
   * makes one. Parts already completed stay (see the module comment of s3-ingest).
   */
  async abort(): Promise<void> {
    const open = [...this.open_];
    this.open_.clear();
    for (const o of open) {
      await o.upload.abort();
      o.gzip.destroy();
    }
  }

  /**
   * Deletes `<sourceId>-<n>.json.gz` and `.parquet` objects this run did not
   * write, in every folder it wrote to plus `extraPrefixes`: what an earlier
   * attempt left when it produced more parts (or wrote the other format).
   * Returns the deleted keys. Run it only after every part is complete.
   */
  async removeStale(extraPrefixes: readonly string[] = []): Promise<string[]> {
    const keep = new Set(this.written.map((w) => w.key));
    const prefixes = new Set([...this.written.map((w) => prefixOf(w.table, w.partition)), ...extraPrefixes]);
    const deleted: string[] = [];
    const suffixes = PART_SUFFIXES.map((x) => x.replaceAll('.', '\\.')).join('|');
    const name = new RegExp(`^${this.opts.sourceId}-\\d+(?:${suffixes})$`);
    for (const prefix of prefixes) {
      let token: string | undefined;
      do {
        // Prefix only, no delimiter: the sourceId prefix already keeps the listing to this source.
        const page = await this.opts.client.send(
          new ListObjectsV2Command({
            Bucket: this.opts.bucket,
            Prefix: `${prefix}${this.opts.sourceId}-`,
            ContinuationToken: token,
          }),
        );
        for (const obj of page.Contents ?? []) {
          const key = obj.Key!;
          if (keep.has(key) || !name.test(key.slice(prefix.length))) continue;
          await this.opts.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: key }));
          deleted.push(key);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
    return deleted;
  }
}

/** `firewall/dt=…/hour=…/`, `firewall_parquet/dt=…/hour=…/` or `quarantine/`. */
export function prefixOf(table: string, partition: string): string {
  return partition === '' ? `${table}/` : `${table}/${partition}/`;
}
