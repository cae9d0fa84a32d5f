/**
 * The alarm Lambda: on a schedule, runs one saved query in Athena and
 * publishes how many rows it returned as a CloudWatch metric
 * (`fwlake/SavedQueryRows`, dimension `Alarm`). A CloudWatch alarm on that
 * metric notifies SNS. Thin: the catalog and the Athena engine do the work.
 *
 * Event (from the EventBridge schedule): { "alarm": NAME, "query": QUERY, "params": { ... } }.
 * Environment: FWLAKE_WORKGROUP, FWLAKE_DATABASE (default fwlake).
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { AthenaEngine } from './adapters/athena-engine.ts';
import { loadCatalog, shippedQueryDir } from './adapters/catalog-files.ts';
import type { ArgValue } from './core/catalog.ts';
import { runSaved } from './core/run-saved.ts';

export const METRIC_NAMESPACE = 'fwlake';
export const METRIC_NAME = 'SavedQueryRows';

export interface AlarmEvent {
  alarm: string;
  query: string;
  params?: Record<string, ArgValue>;
}

const catalog = loadCatalog([shippedQueryDir(dirname(fileURLToPath(import.meta.url)))]);
const athena = new AthenaClient({});
const cloudwatch = new CloudWatchClient({});

export async function handler(
  event: AlarmEvent,
): Promise<{ alarm: string; rows: number; bytesScanned: number | null }> {
  const workGroup = process.env.FWLAKE_WORKGROUP;
  if (!workGroup) throw new Error('FWLAKE_WORKGROUP is not set');
  if (typeof event?.alarm !== 'string' || typeof event.query !== 'string') {
    throw new Error('the event needs "alarm" (the metric dimension) and "query" (a saved query name)');
  }
  const engine = new AthenaEngine({
    client: athena,
    workGroup,
    database: process.env.FWLAKE_DATABASE ?? 'fwlake',
  });
  // A failed query throws: the invocation fails, Lambda's error metric rises, and no metric is
  // published, so the alarm goes to INSUFFICIENT_DATA instead of reporting a false all-clear.
  const { result } = await runSaved(catalog, event.query, event.params ?? {}, engine, Date.now());
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: METRIC_NAMESPACE,
      MetricData: [
        {
          MetricName: METRIC_NAME,
          Dimensions: [{ Name: 'Alarm', Value: event.alarm }],
          Value: result.rows.length,
          Unit: 'Count',
        },
        {
          MetricName: 'SavedQueryBytesScanned',
          Dimensions: [{ Name: 'Alarm', Value: event.alarm }],
          Value: result.bytesScanned ?? 0,
          Unit: 'Bytes',
        },
      ],
    }),
  );
  console.log(
    JSON.stringify({ msg: 'alarm query', alarm: event.alarm, query: event.query, rows: result.rows.length }),
  );
  return { alarm: event.alarm, rows: result.rows.length, bytesScanned: result.bytesScanned };
}
