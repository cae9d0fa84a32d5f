#!/usr/bin/env node
/** The CDK app: `npx cdk synth` (offline, no credentials needed) or `npx cdk deploy`. */
import { App } from 'aws-cdk-lib';
import { FwlakeStack } from './fwlake-stack.ts';

const app = new App();
new FwlakeStack(app, 'Fwlake', {
  description:
    'fwlake: netfilter kernel logs as a queryable lake (lake bucket, Glue table with partition projection)',
});
app.synth();
