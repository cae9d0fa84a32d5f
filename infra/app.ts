#!/usr/bin/env node
/**
 * The CDK app: `npx cdk synth` (offline, no credentials needed) or `npx cdk deploy`.
 * Settings come from context: `npx cdk deploy -c rawRetentionDays=14 -c ingestReservedConcurrency=10`.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FwlakeStack } from './fwlake-stack.ts';

const app = new App();
const num = (key: string) => {
  const v = app.node.tryGetContext(key);
  return v === undefined ? undefined : Number(v);
};
new FwlakeStack(app, 'Fwlake', {
  description: 'fwlake: Linux firewall kernel logs as a queryable lake (ingest, Glue, Athena, alarms)',
  rawRetentionDays: num('rawRetentionDays'),
  ingestReservedConcurrency: num('ingestReservedConcurrency'),
  bytesScannedCutoffPerQuery: num('bytesScannedCutoffPerQuery'),
  accessLogging: app.node.tryGetContext('accessLogging') !== 'false',
});
// AWS Solutions checks run on every synth; every exception is acknowledged, with its reason, where it arises.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
