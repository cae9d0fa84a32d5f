/**
 * What the ingest Lambda reports per object, behind a small interface so
 * tests can capture it: CloudWatch metrics through Powertools (embedded
 * metric format: one JSON blob on stdout per object, no API calls) and one
 * structured log line per object.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { IngestStats } from '../core/ingest.ts';

export interface IngestReport {
  bucket: string;
  key: string;
  sourceId: string;
  /** Compressed bytes read from S3. */
  bytesRead: number;
  compression: string;
  stats: IngestStats;
  /** Lake objects written. */
  parts: number;
  /** Multipart upload parts over those objects (0 when each went as one PUT). */
  uploadParts: number;
  /** Objects of an earlier attempt deleted as stale. */
  staleDeleted: number;
  durationMs: number;
}

export interface IngestFailure {
  bucket: string;
  key: string;
  messageId: string;
  error: string;
}

export interface IngestMetrics {
  ingested(report: IngestReport): void;
  failed(failure: IngestFailure): void;
}

/** Namespace `fwlake`, service `ingest`: Lines, Records, Skipped, Quarantined (Count) and BytesRead (Bytes). */
export class PowertoolsIngestMetrics implements IngestMetrics {
  constructor(
    private readonly metrics = new Metrics({ namespace: 'fwlake', serviceName: 'ingest' }),
    private readonly log: (line: string) => void = console.log,
  ) {}

  ingested(r: IngestReport): void {
    const { stats } = r;
    this.metrics.addMetric('Lines', MetricUnit.Count, stats.lines);
    this.metrics.addMetric('Records', MetricUnit.Count, stats.records);
    this.metrics.addMetric('Skipped', MetricUnit.Count, stats.skipped);
    this.metrics.addMetric('Quarantined', MetricUnit.Count, stats.quarantined);
    this.metrics.addMetric('BytesRead', MetricUnit.Bytes, r.bytesRead);
    this.metrics.addMetadata('key', `s3://${r.bucket}/${r.key}`);
    this.metrics.publishStoredMetrics();
    this.log(JSON.stringify(ingestedLogLine(r)));
  }

  failed(f: IngestFailure): void {
    this.metrics.addMetric('Failed', MetricUnit.Count, 1);
    this.metrics.addMetadata('key', `s3://${f.bucket}/${f.key}`);
    this.metrics.publishStoredMetrics();
    this.log(JSON.stringify({ msg: 'ingest failed', ...f }));
  }
}

/** The structured log line of one ingested object. */
export function ingestedLogLine(r: IngestReport): Record<string, unknown> {
  const { stats, ...rest } = r;
  return {
    msg: 'ingested',
    ...rest,
    ...stats,
    firstTs: stats.firstTs === null ? null : new Date(stats.firstTs).toISOString(),
    lastTs: stats.lastTs === null ? null : new Date(stats.lastTs).toISOString(),
  };
}
