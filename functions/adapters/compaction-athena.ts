/**
 * Compaction of the lake bucket with Athena: read the registry of fresh
 * hours (firewall_fresh_hours, core/fresh-hours.ts), list the lake, plan
 * (core/compaction-plan.ts), then:
 *
 *   0. register every hour to (re)compact that is not registered yet, in one
 *      BatchCreatePartition per 100 hours (the view reads those hours fresh
 *      from here: their fresh parts are complete whatever happens next); also
 *      open hours with parts that lack a registration;
 *      de-register the hours that are up to date but still registered;
 *
 * then for each finished hour to (re)compact, one after another:
 *
 *   1. delete the hour's old markers          (from here a dead run is redone by the next)
 *   2. ALTER TABLE DROP PARTITION              (only when the hour was compacted before, even half)
 *   3. delete every object under firewall_compacted/dt=D/hour=HH/ (listed again now)
 *   4. INSERT INTO firewall_compacted ... WHERE dt = ? AND hour = ?
 *                                              (Athena writes the files, then adds the Glue partition)
 *   5. put the marker named by the inputs' digest
 *   6. de-register the hour                   (the view reads it compacted from here, in one step)
 *
 * and for each finished hour with compacted data but no fresh part left:
 * steps 1-3, then 6 if it was registered.
 *
 * The view reads a registered hour fresh and any other hour compacted, so
 * each hour is read exactly once at every step: while steps 1-5 run, the
 * hour is registered and its compacted partition is not read. A Lambda that
 * dies anywhere leaves the hour registered (read fresh) or, after step 6,
 * done; without a marker the next run starts it over at step 0 (a no-op
 * then), and step 3 clears whatever a failed INSERT wrote, so a re-run never
 * adds rows twice. A run that dies between 5 and 6 leaves an up-to-date hour
 * registered: the next run de-registers it.
 *
 * One hour's statements run one after another; hours run in sequence (the
 * function's concurrency is 1, so two runs never work on the same hour, and
 * a registration this run saw stays: only compaction removes one). An hour
 * is only started when the time left covers its statements, so the Lambda is
 * not stopped in the middle of an INSERT that would go on writing.
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
import type { FreshHourCatalog } from '../core/fresh-hours.ts';
import { COMPACTED_PREFIX, JSON_PREFIX, MARKER_PREFIX, PARQUET_PREFIX } from '../core/lake-layout.ts';
import { PARQUET_SUFFIX } from '../core/part-format.ts';
import type { QueryEngine } from '../core/query-types.ts';

export interface LakeCompactionOptions {
  s3: S3Client;
  bucket: string;
  /** Runs the statements (the AthenaEngine in the Lambda; the engine's own timeout stops a stuck query). */
  engine: QueryEngine;
  database: string;
  /** The registry of hours the view reads fresh (GlueFreshHours in the Lambda). */
  freshHours: FreshHourCatalog;
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
  /** Hours registered as fresh up front (step 0 of the hours to compact, and open hours that lacked it). */
  registered: { dt: string; hour: string }[];
  /** Up-to-date (or empty) hours whose leftover registration was removed. */
  deregistered: { dt: string; hour: string }[];
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
  // The registry first, the lake after: ingest writes its parts before it registers their hour, so
  // every registration read here has its parts in the listings below. An up-to-date hour found
  // registered is then really up to date (a part behind its registration would change the digest).
  const registered = await o.freshHours.list();
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
    registered,
    nowMs: o.nowMs,
    graceMs: o.graceMs,
  });
  const report: LakeCompactionReport = {
    compacted: [],
    removed: [],
    registered: [],
    deregistered: [],
    failed: [],
    deferred: 0,
    upToDate: plan.upToDate,
    open: plan.open,
    unrecognised: [...unrecognised, ...plan.unrecognised],
  };
  // Step 0 for every hour at once. If it fails nothing else may run: dropping the compacted
  // partition of an unregistered hour would hide it, so the error fails the run.
  await o.freshHours.register(plan.register);
  report.registered = plan.register.map(({ dt, hour }) => ({ dt, hour }));
  if (plan.register.length > 0) log(`compaction: ${plan.register.length} hours registered as fresh`);
  try {
    await o.freshHours.deregister(plan.deregister);
    report.deregistered = plan.deregister.map(({ dt, hour }) => ({ dt, hour }));
    if (plan.deregister.length > 0)
      log(`compaction: ${plan.deregister.length} up-to-date hours no longer read fresh`);
  } catch (e) {
    // Harmless to leave (the view reads those hours fresh, complete); the next run tries again.
    const error = e instanceof Error ? e.message : String(e);
    for (const h of plan.deregister) report.failed.push({ dt: h.dt, hour: h.hour, error });
    log(`compaction: de-registering ${plan.deregister.length} up-to-date hours failed: ${error}`);
  }
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
        // Registered (a part's registration outlived the part): nothing to read either way now.
        if (h.registered) await o.freshHours.deregister([h]);
        report.removed.push({ dt: h.dt, hour: h.hour });
        log(`compaction: ${hourPath(h)} removed (no fresh parts left)`);
      } else {
        const executionId = await compactHour(o, h);
        report.compacted.push({ dt: h.dt, hour: h.hour, inputs: h.inputs.length, executionId });
        log(`compaction: ${hourPath(h)} compacted from ${h.inputs.length} parts`);
      }
    } catch (e) {
      // The hour keeps its registration (the view reads it fresh) and, before step 6, no marker: the next
      // run starts it over. After step 5 it is up to date, and the next run only de-registers it.
      const error = e instanceof Error ? e.message : String(e);
      report.failed.push({ dt: h.dt, hour: h.hour, error });
      log(`compaction: ${hourPath(h)} failed: ${error}`);
    }
  }
  return report;
}

/** Steps 1-3: the hour's compacted partition and objects gone (an hour being recompacted is registered: read fresh meanwhile). */
async function uncompact(o: LakeCompactionOptions, h: HourPlan): Promise<void> {
  for (const key of h.staleMarkers) await deleteObject(o, key);
  if (h.staleMarkers.length > 0 || h.staleOutputs.length > 0)
    await o.engine.run(athenaDropPartition(o.database, h));
  // Listed again: a failed INSERT since the plan's listing may have left files.
  for (const obj of await listPrefix(o.s3, o.bucket, `${COMPACTED_PREFIX}/${hourPath(h)}/`)) {
    await deleteObject(o, obj.key);
  }
}

/** Steps 1-6 (step 0, the registration, was done for every hour before). */
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
  // Step 6: the compacted partition now holds exactly the listed parts; the view switches to it.
  await o.freshHours.deregister([h]);
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
