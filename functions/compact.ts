/**
 * The compaction Lambda, run hourly by EventBridge: every finished hour of
 * the lake whose fresh parts changed since it was compacted is rewritten into
 * firewall_compacted with Athena (see adapters/compaction-athena.ts), and
 * the registry of hours the view reads fresh (the Glue partitions of
 * firewall_fresh_hours) follows. Thin: the plan and the statements live in
 * core/, the steps in adapters/.
 *
 * Environment: LAKE_BUCKET, FWLAKE_WORKGROUP (required), FWLAKE_DATABASE
 * (default fwlake), FWLAKE_COMPACT_GRACE_MINUTES (default 15).
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { AthenaEngine } from './adapters/athena-engine.ts';
import { compactLake, type LakeCompactionReport } from './adapters/compaction-athena.ts';
import { GlueFreshHours } from './adapters/glue-fresh-hours.ts';

/** One statement may run this long before the engine stops it; an hour has two, plus S3 and Glue calls. */
export const STATEMENT_TIMEOUT_MS = 4 * 60_000;
const HOUR_BUDGET_MS = 2 * STATEMENT_TIMEOUT_MS + 60_000;

const athena = new AthenaClient({});
const s3 = new S3Client({});
const glue = new GlueClient({});

export async function handler(
  _event: unknown,
  context?: { getRemainingTimeInMillis(): number },
): Promise<LakeCompactionReport> {
  const bucket = process.env.LAKE_BUCKET;
  const workGroup = process.env.FWLAKE_WORKGROUP;
  if (!bucket) throw new Error('LAKE_BUCKET is not set');
  if (!workGroup) throw new Error('FWLAKE_WORKGROUP is not set');
  const graceMinutes = Number(process.env.FWLAKE_COMPACT_GRACE_MINUTES ?? 15);
  if (!Number.isFinite(graceMinutes) || graceMinutes < 0) {
    throw new Error(
      `FWLAKE_COMPACT_GRACE_MINUTES must be a number of minutes, not "${process.env.FWLAKE_COMPACT_GRACE_MINUTES}"`,
    );
  }
  const database = process.env.FWLAKE_DATABASE ?? 'fwlake';
  const engine = new AthenaEngine({ client: athena, workGroup, database, timeoutMs: STATEMENT_TIMEOUT_MS });
  const report = await compactLake({
    s3,
    bucket,
    engine,
    database,
    freshHours: new GlueFreshHours({ client: glue, database, lakeBucket: bucket }),
    nowMs: Date.now(),
    graceMs: graceMinutes * 60_000,
    remainingMs: context ? () => context.getRemainingTimeInMillis() : undefined,
    hourBudgetMs: HOUR_BUDGET_MS,
    log: (line) => console.log(line),
  });
  console.log(
    JSON.stringify({
      compacted: report.compacted.length,
      removed: report.removed.length,
      registered: report.registered.length,
      deregistered: report.deregistered.length,
      failed: report.failed.length,
      deferred: report.deferred,
      upToDate: report.upToDate,
      open: report.open,
      unrecognised: report.unrecognised.length,
    }),
  );
  // A failed hour fails the invocation, so the function's error alarm sees it; the next run retries it.
  if (report.failed.length > 0) {
    throw new Error(
      `compaction failed for ${report.failed.map((f) => `${f.dt} ${f.hour}: ${f.error}`).join('; ')}`,
    );
  }
  return report;
}
