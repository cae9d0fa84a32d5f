/**
 * The fwlake stack. Today: the lake bucket and the Glue table over it, whose
 * columns come from the record schema. The S3-triggered ingest, the Athena
 * workgroup, the saved-query alarms and the shipping role join it as their
 * issues land.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LakeBucket } from './lake-bucket.ts';
import { LakeCatalog } from './lake-catalog.ts';

export class FwlakeStack extends Stack {
  readonly lake: LakeBucket;
  readonly catalog: LakeCatalog;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.lake = new LakeBucket(this, 'Lake');
    this.catalog = new LakeCatalog(this, 'Catalog', { bucket: this.lake.bucket });
  }
}
