/**
 * The fresh-hour registry in Glue (core/fresh-hours.ts): the partitions of
 * the table firewall_fresh_hours, created with BatchCreatePartition (100 per
 * call), removed with BatchDeletePartition (25 per call), listed with
 * GetPartitions.
 *
 * Errors: Glue's batch calls succeed as a whole and report each failed entry
 * in `Errors`. "Already exists" on create and "not found" on delete are the
 * outcome wanted, so they pass; any other entry error throws, as does a
 * failed call (a throttle, once the SDK's own retries are spent), so the
 * caller fails: an ingest invocation is then retried by SQS (re-ingest is
 * idempotent), a compaction hour is left fresh and redone by the next run.
 */
import {
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  GetPartitionsCommand,
  type GlueClient,
  type PartitionError,
} from '@aws-sdk/client-glue';
import type { Hour } from '../core/compaction-plan.ts';
import {
  batches,
  FRESH_HOURS_STORAGE,
  type FreshHourCatalog,
  partitionValues,
  sortHours,
} from '../core/fresh-hours.ts';
import { FRESH_HOURS_PREFIX, FRESH_HOURS_TABLE } from '../core/lake-layout.ts';

/** Glue's limits per call. */
export const CREATE_BATCH = 100;
export const DELETE_BATCH = 25;

export interface GlueFreshHoursOptions {
  client: GlueClient;
  database: string;
  /** The lake bucket: partition locations are under s3://<bucket>/firewall_fresh_hours/ (always empty). */
  lakeBucket: string;
  table?: string;
}

export class GlueFreshHours implements FreshHourCatalog {
  private readonly table: string;

  constructor(private readonly o: GlueFreshHoursOptions) {
    this.table = o.table ?? FRESH_HOURS_TABLE;
  }

  async register(hours: readonly Hour[]): Promise<void> {
    const s = FRESH_HOURS_STORAGE;
    for (const batch of batches(unique(hours), CREATE_BATCH)) {
      const out = await this.o.client.send(
        new BatchCreatePartitionCommand({
          DatabaseName: this.o.database,
          TableName: this.table,
          PartitionInputList: batch.map((h) => ({
            Values: partitionValues(h),
            // The table's own format, so the partition reads like the table (as nothing: the folder stays empty).
            StorageDescriptor: {
              Location: `s3://${this.o.lakeBucket}/${FRESH_HOURS_PREFIX}/dt=${h.dt}/hour=${h.hour}/`,
              Columns: [{ Name: s.column.name, Type: s.column.type }],
              InputFormat: s.inputFormat,
              OutputFormat: s.outputFormat,
              SerdeInfo: { SerializationLibrary: s.serializationLibrary },
            },
          })),
        }),
      );
      this.check('BatchCreatePartition', out.Errors, 'AlreadyExistsException');
    }
  }

  async deregister(hours: readonly Hour[]): Promise<void> {
    for (const batch of batches(unique(hours), DELETE_BATCH)) {
      const out = await this.o.client.send(
        new BatchDeletePartitionCommand({
          DatabaseName: this.o.database,
          TableName: this.table,
          PartitionsToDelete: batch.map((h) => ({ Values: partitionValues(h) })),
        }),
      );
      this.check('BatchDeletePartition', out.Errors, 'EntityNotFoundException');
    }
  }

  /** Every registered hour, oldest first; partitions whose values are not an hour are returned as they are (the planner reports them). */
  async list(): Promise<Hour[]> {
    const hours: Hour[] = [];
    let token: string | undefined;
    do {
      const page = await this.o.client.send(
        new GetPartitionsCommand({
          DatabaseName: this.o.database,
          TableName: this.table,
          ExcludeColumnSchema: true,
          NextToken: token,
        }),
      );
      for (const p of page.Partitions ?? []) {
        const [dt = '', hour = ''] = p.Values ?? [];
        hours.push({ dt, hour });
      }
      token = page.NextToken;
    } while (token);
    return sortHours(hours);
  }

  private check(call: string, errors: PartitionError[] | undefined, fine: string): void {
    const bad = (errors ?? []).filter((e) => e.ErrorDetail?.ErrorCode !== fine);
    if (bad.length === 0) return;
    const what = bad
      .map((e) =>
        `${(e.PartitionValues ?? []).join('/')}: ${e.ErrorDetail?.ErrorCode ?? 'error'} ${e.ErrorDetail?.ErrorMessage ?? ''}`.trim(),
      )
      .join('; ');
    throw new Error(
      `glue:${call} on ${this.o.database}.${this.table} failed for ${bad.length} hours: ${what}`,
    );
  }
}

/** Each hour once (a batch naming a partition twice is an error in Glue). */
function unique(hours: readonly Hour[]): Hour[] {
  return [...new Map(hours.map((h) => [`${h.dt} ${h.hour}`, h])).values()];
}
