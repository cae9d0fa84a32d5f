/**
 * Compaction of the lake bucket with Athena: list the lake, plan (core/
 * compaction-plan.ts), then for each finished hour to (re)compact:
 *
 *   1. delete the hour's old markers          (from here a dead run is redone by the next)
 *   2. ALTER TABLE DROP PARTITION              (only when the hour was compacted before, even half:
 *                                               the view reads the fresh tables for it from here)
 *   3. delete every object under firewall_compacted/dt=D/hour=HH/ (listed again now)
 *   4. INSERT INTO firewall_compacted ... WHERE dt = ? AND hour = ?
 *                                              (Athena writes the files, then adds the Glue partition:
 *                                               the view reads the compacted hour from then on)
 *   5. put the marker named by the inputs' digest
 *
 * The view tells compacted hours by their Glue partition, so it sees each
 * hour exactly once at every step. A Lambda that dies anywhere leaves no
 * marker, so the next run starts the hour over at step 1; step 3 then clears
 * whatever a failed INSERT wrote, and a re-run never adds rows twice.
 *
 * One hour's statements run one after another; hours run in sequence (the
 * function's concurrency is 1, so two runs never work on the same hour). An
 * hour is only started when the time left covers its statements, so the
 * Lambda is not stopped in the middle of an INSERT that would go on writing.
 */
import {
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  type CompactionPlan,
  type HourPlan,
  hourPath,
  type ListedObject,
  markerKey,
  planCompaction,
} from '../core/compaction-plan.ts';
import { athenaDropPartition, athenaInsertHour } from '../core/compaction-sql.ts';
import { COMPACTED_PREFIX, JSON_PREFIX, MARKER_PREFIX, PARQUET_PREFIX } from '../core/lake-layout.ts';
import { PARQUET_SUFFIX } from '../core/part-format.ts';
import type { QueryEngine } from '../core/query-types.ts';

export interface LakeCompactionOptions {
  s3: S3Client;
  bucket: string;
  /** Runs the statements (the AthenaEngine in the Lambda; the engine's own timeout stops a stuck query). */
  engine: QueryEngine;
  database: string;
  nowMs: number;
  graceMs?: number;
  /** Time left before the caller must return (the Lambda's remaining time); default: unlimited. */
  remainingMs?: () => number;
  /** Time an hour may need (its statements at their timeout, and margin); default 10 minutes. */
  hourBudgetMs?: number;
  log?: (line: string) => void;
}

export interface LakeCompactionReport {
  compacted: { dt: string; hour: string; inputs: number; executionId?: string }[];
  removed: { dt: string; hour: string }[];
  failed: { dt: string; hour: string; error: string }[];
  /** Hours planned but not started for lack of time: the next run takes them. */
  deferred: number;
  upToDate: number;
  open: number;
  unrecognised: string[];
}

const DEFAULT_HOUR_BUDGET_MS = 10 * 60_000;

export async function compactLake(o: LakeCompactionOptions): Promise<LakeCompactionReport> {
  const log = o.log ?? (() => {});
  const fresh: ListedObject[] = [];
  const unrecognised: string[] = [];
  const suffixOf: Record<string, string> = { [JSON_PREFIX]: '.json.gz', [PARQUET_PREFIX]: PARQUET_SUFFIX };
  for (const folder of [JSON_PREFIX, PARQUET_PREFIX]) {
    for (const obj of await listPrefix(o.s3, o.bucket, `${folder}/`)) {
      if (obj.key.endsWith(suffixOf[folder])) fresh.push(obj);
      else unrecognised.push(obj.key);
    }
  }
  const plan: CompactionPlan = planCompaction({
    fresh,
    compacted: await listPrefix(o.s3, o.bucket, `${COMPACTED_PREFIX}/`),
    markers: await listPrefix(o.s3, o.bucket, `${MARKER_PREFIX}/`),
    nowMs: o.nowMs,
    graceMs: o.graceMs,
  });
  const report: LakeCompactionReport = {
    compacted: [],
    removed: [],
    failed: [],
    deferred: 0,
    upToDate: plan.upToDate,
    open: plan.open,
    unrecognised: [...unrecognised, ...plan.unrecognised],
  };
  const budget = o.hourBudgetMs ?? DEFAULT_HOUR_BUDGET_MS;
  const work = [
    ...plan.remove.map((h) => ({ h, remove: true })),
    ...plan.compact.map((h) => ({ h, remove: false })),
  ];
  for (const [i, { h, remove }] of work.entries()) {
    if (o.remainingMs !== undefined && o.remainingMs() < budget) {
      report.deferred = work.length - i;
      log(`compaction: ${report.deferred} hours left for the next run (time)`);
      break;
    }
    try {
      if (remove) {
        await uncompact(o, h);
        report.removed.push({ dt: h.dt, hour: h.hour });
        log(`compaction: ${hourPath(h)} removed (no fresh parts left)`);
      } else {
        const executionId = await compactHour(o, h);
        report.compacted.push({ dt: h.dt, hour: h.hour, inputs: h.inputs.length, executionId });
        log(`compaction: ${hourPath(h)} compacted from ${h.inputs.length} parts`);
      }
    } catch (e) {
      // The hour keeps no marker: the view reads it fresh, and the next run starts it over.
      const error = e instanceof Error ? e.message : String(e);
      report.failed.push({ dt: h.dt, hour: h.hour, error });
      log(`compaction: ${hourPath(h)} failed: ${error}`);
    }
  }
  return report;
}

/** Steps 1-3: the hour back to fresh, its compacted objects gone. */
async function uncompact(o: LakeCompactionOptions, h: HourPlan): Promise<void> {
  for (const key of h.staleMarkers) await deleteObject(o, key);
  if (h.staleMarkers.length > 0 || h.staleOutputs.length > 0)
    await o.engine.run(athenaDropPartition(o.database, h));
  // Listed again: a failed INSERT since the plan's listing may have left files.
  for (const obj of await listPrefix(o.s3, o.bucket, `${COMPACTED_PREFIX}/${hourPath(h)}/`)) {
    await deleteObject(o, obj.key);
  }
}

async function compactHour(o: LakeCompactionOptions, h: HourPlan): Promise<string | undefined> {
  await uncompact(o, h);
  const result = await o.engine.run(athenaInsertHour(o.database, h));
  const body = {
    digest: h.digest,
    inputs: h.inputs.map((i) => ({ key: i.key, etag: i.version })),
    executionId: result.executionId ?? null,
    compactedAt: new Date(o.nowMs).toISOString(),
  };
  await o.s3.send(
    new PutObjectCommand({
      Bucket: o.bucket,
      Key: markerKey(h, h.digest),
      Body: `${JSON.stringify(body)}\n`,
      ContentType: 'application/json',
    }),
  );
  return result.executionId;
}

async function deleteObject(o: LakeCompactionOptions, key: string): Promise<void> {
  await o.s3.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: key }));
}

/** Every object under a prefix, with its ETag as version. */
async function listPrefix(s3: S3Client, bucket: string, prefix: string): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const c of page.Contents ?? []) {
      if (c.Key === undefined || c.Key.endsWith('/')) continue; // folder placeholders of consoles
      out.push({ key: c.Key, version: c.ETag ?? '', size: c.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}
