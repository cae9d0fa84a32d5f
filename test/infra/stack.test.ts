/** CDK assertions on the synthesized stack (offline, no credentials; functions bundled by the local esbuild). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  JSON_PREFIX,
  JSON_TABLE,
  PARQUET_PREFIX,
  PARQUET_TABLE,
  RECORDS_VIEW,
} from '../../functions/core/lake-layout.ts';
import { COLUMNS, PARTITION_COLUMNS } from '../../functions/core/schema.ts';
import { FwlakeStack } from '../../infra/fwlake-stack.ts';
import { actionsOf, type Statement, synthesizeStack } from '../support/stack-template.ts';

const { template, statementsOf } = synthesizeStack();

describe('buckets', () => {
  it('are all private, encrypted and TLS-only', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    assert.ok(Object.keys(buckets).length >= 4, 'raw, lake, Athena results, access logs');
    for (const [id, b] of Object.entries(buckets)) {
      assert.deepEqual(
        b.Properties.PublicAccessBlockConfiguration,
        {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        id,
      );
      assert.ok(b.Properties.BucketEncryption, `${id} is encrypted`);
    }
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    assert.equal(policies.length, Object.keys(buckets).length, 'every bucket has a policy');
    for (const p of policies) {
      assert.ok(
        JSON.stringify(p.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'),
        'denies plain HTTP',
      );
    }
  });

  it('raw objects expire, lake records move to Standard-IA, quarantine expires, access logs are written', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'raw/', ExpirationInDays: 30 })]),
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'raw/' }),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          // Records of every format age into Standard-IA, not only the JSON ones.
          ...['firewall/', 'firewall_parquet/', 'firewall_compacted/'].map((Prefix) =>
            Match.objectLike({
              Prefix,
              Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
            }),
          ),
          Match.objectLike({ Prefix: 'quarantine/', ExpirationInDays: 90 }),
        ]),
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'lake/' }),
    });
    const noLogs = Template.fromStack(
      new FwlakeStack(new App(), 'NoLogs', { accessLogging: false, rawRetentionDays: 7 }),
    );
    assert.ok(!JSON.stringify(noLogs.toJSON()).includes('LoggingConfiguration'));
    noLogs.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'raw/', ExpirationInDays: 7 })]),
      },
    });
  });
});

describe('ingest', () => {
  it('raw ObjectCreated events under raw/ go to an encrypted queue with a dead-letter queue', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: [
          Match.objectLike({
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'raw/' }] } },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: Match.anyValue() },
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 3600,
    });
  });

  it('the function runs Node.js 24 on arm64 with partial batch responses', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Environment: { Variables: Match.objectLike({ LAKE_BUCKET: Match.anyValue(), FWLAKE_FORMAT: 'json' }) },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 5,
    });
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } });
    assert.equal(Object.keys(fns).length, 4, 'ingest, query, alarm, compaction');
  });

  it('may read raw objects and write, delete and list only the lake’s record and quarantine prefixes', () => {
    const s = statementsOf('IngestFunctionServiceRole');
    const put = s.find((x) => actionsOf(x).includes('s3:PutObject'))!;
    assert.deepEqual(actionsOf(put).sort(), ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:PutObject']);
    const objects = (put.Resource as { 'Fn::Join': [string, unknown[]] }[]).map((r) =>
      String(r['Fn::Join'][1].at(-1)),
    );
    assert.deepEqual(objects, ['/firewall/*', '/firewall_parquet/*', '/quarantine/*']);
    const list = s.find((x) => actionsOf(x).includes('s3:ListBucket'))!;
    assert.deepEqual(list.Condition, {
      StringLike: { 's3:prefix': ['firewall/*', 'firewall_parquet/*', 'quarantine/*'] },
    });
    const get = s.find((x) => actionsOf(x).includes('s3:GetObject'))!;
    assert.ok(JSON.stringify(get.Resource).includes('/raw/*'));
    assert.ok(!s.some((x) => actionsOf(x).some((a) => a === 's3:*' || a === '*')));
  });

  it('writes the format of the stack prop, else of the cdk context fwlake:format, and refuses others', () => {
    const formatOf = (t: Template) => {
      const fns = t.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { FWLAKE_FORMAT: Match.anyValue() } } },
      });
      assert.equal(Object.keys(fns).length, 1, 'only the ingest function has FWLAKE_FORMAT');
      return Object.values(fns)[0].Properties.Environment.Variables.FWLAKE_FORMAT;
    };
    const synth = (props: { format?: 'json' | 'parquet' }, context?: Record<string, string>) =>
      Template.fromStack(new FwlakeStack(new App({ context }), 'Fmt', { accessLogging: false, ...props }));
    assert.equal(formatOf(template), 'json');
    assert.equal(formatOf(synth({ format: 'parquet' })), 'parquet');
    assert.equal(formatOf(synth({}, { 'fwlake:format': 'parquet' })), 'parquet');
    assert.equal(formatOf(synth({ format: 'json' }, { 'fwlake:format': 'parquet' })), 'json');
    assert.throws(
      () => synth({}, { 'fwlake:format': 'csv' }),
      /context fwlake:format must be json or parquet, not "csv"/,
    );
  });
});

describe('Glue tables', () => {
  const tables = Object.values(template.findResources('AWS::Glue::Table')).map(
    (t) => t.Properties.TableInput,
  );
  const byName = (name: string) => {
    const t = tables.find((x) => x.Name === name);
    assert.ok(t, `table ${name}`);
    return t;
  };
  const locationOf = (input: { StorageDescriptor: { Location: unknown } }) =>
    JSON.stringify(input.StorageDescriptor.Location);

  it('a table per part format, and no table named firewall (that name is the view)', () => {
    assert.deepEqual(
      tables
        .filter((t) => t.TableType !== 'VIRTUAL_VIEW') // the view itself: test/infra/compaction.test.ts
        .map((t) => t.Name)
        .filter((n) => n === JSON_TABLE || n === PARQUET_TABLE || n === RECORDS_VIEW)
        .sort(),
      [JSON_TABLE, PARQUET_TABLE],
    );
  });

  for (const name of [JSON_TABLE, PARQUET_TABLE]) {
    it(`${name} has every schema column, in order, with its Athena type, and partition projection over dt and hour`, () => {
      const input = byName(name);
      assert.equal(input.TableType, 'EXTERNAL_TABLE');
      assert.deepEqual(
        input.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name),
        COLUMNS.map((c) => c.name),
      );
      const types = Object.fromEntries(
        input.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => [c.Name, c.Type]),
      );
      assert.equal(types.ts, 'timestamp');
      assert.equal(types.tcp_flags, 'array<string>');
      assert.deepEqual(
        input.PartitionKeys.map((c: { Name: string }) => c.Name),
        PARTITION_COLUMNS.map((c) => c.name),
      );
      assert.equal(input.Parameters['projection.enabled'], 'true');
      assert.equal(input.Parameters['projection.dt.type'], 'date');
      assert.equal(input.Parameters['projection.hour.digits'], '2');
    });
  }

  it('firewall_json reads gzip JSON lines under firewall/', () => {
    const input = byName(JSON_TABLE);
    assert.equal(
      input.StorageDescriptor.SerdeInfo.SerializationLibrary,
      'org.apache.hive.hcatalog.data.JsonSerDe',
    );
    assert.equal(input.StorageDescriptor.InputFormat, 'org.apache.hadoop.mapred.TextInputFormat');
    assert.equal(input.Parameters.classification, 'json');
    assert.match(locationOf(input), new RegExp(`"/${JSON_PREFIX}/"`));
    // Athena's own ${dt} and ${hour} placeholders, spelled without a JavaScript template look-alike.
    const placeholders = `/${JSON_PREFIX}/dt=${'$'}{dt}/hour=${'$'}{hour}/`;
    assert.ok(JSON.stringify(input.Parameters['storage.location.template']).includes(placeholders));
  });

  it('firewall_parquet reads Parquet under firewall_parquet/', () => {
    const input = byName(PARQUET_TABLE);
    assert.deepEqual(input.StorageDescriptor.SerdeInfo, {
      SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      Parameters: { 'serialization.format': '1' },
    });
    assert.equal(
      input.StorageDescriptor.InputFormat,
      'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    );
    assert.equal(
      input.StorageDescriptor.OutputFormat,
      'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    );
    assert.equal(input.Parameters.classification, 'parquet');
    assert.match(locationOf(input), new RegExp(`"/${PARQUET_PREFIX}/"`));
    const placeholders = `/${PARQUET_PREFIX}/dt=${'$'}{dt}/hour=${'$'}{hour}/`;
    assert.ok(JSON.stringify(input.Parameters['storage.location.template']).includes(placeholders));
  });
});

describe('queries', () => {
  it('the Athena workgroup enforces encrypted results and a bytes-scanned cutoff', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'fwlake',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 10_000_000_000,
        ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } }),
      }),
    });
  });

  it('the query function may use the workgroup and read the table and the records, nothing broader', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { FWLAKE_WORKGROUP: 'fwlake', FWLAKE_DATABASE: 'fwlake' } },
    });
    const s = statementsOf('QueryFunctionServiceRole');
    const athena = s.find((x) => actionsOf(x).includes('athena:StartQueryExecution'))!;
    assert.match(JSON.stringify(athena.Resource), /workgroup\/fwlake/);
    const glue = s.find((x) => actionsOf(x).includes('glue:GetTable'))!;
    assert.match(JSON.stringify(glue.Resource), /table\/fwlake\/firewall/);
  });

  it('no function policy uses a * resource, except where the action has no resource (metrics, X-Ray)', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    for (const p of Object.values(policies)) {
      for (const s of p.Properties.PolicyDocument.Statement as Statement[]) {
        if (s.Resource === '*') {
          for (const a of actionsOf(s)) assert.match(a, /^(cloudwatch:PutMetricData|xray:.*)$/, `${a} on *`);
        }
      }
    }
  });
});

describe('alarms', () => {
  it('each shipped alarm is a schedule running the alarm function with its query, and an alarm to SNS', () => {
    for (const name of ['new-low-port-sources', 'silent-hosts']) {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 hour)',
        Targets: [Match.objectLike({ Input: Match.stringLikeRegexp(`"alarm":"${name}"`) })],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'SavedQueryRows',
        Namespace: 'fwlake',
        Dimensions: [{ Name: 'Alarm', Value: name }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('AlarmsTopic') })],
      });
    }
    const inputs = Object.values(template.findResources('AWS::Events::Rule')).map(
      (r) => JSON.parse(r.Properties.Targets[0].Input) as { query: string; params: Record<string, unknown> },
    );
    assert.deepEqual(inputs.find((i) => i.query === 'new-sources')?.params, {
      since: '1h',
      baseline_since: '25h',
      max_port: 1024,
    });
  });

  it('there is a dashboard with ingest volume, quarantine, errors, durations and the alarm metrics', () => {
    const body = JSON.stringify(
      Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody,
    );
    for (const s of [
      'Ingest volume',
      'Quarantine rate',
      'Errors',
      'Duration',
      'Dead letters',
      'SavedQueryRows',
    ]) {
      assert.ok(body.includes(s), s);
    }
  });
});

describe('shipping', () => {
  it('a host may put objects only under raw/<its own fwlake-host tag>/', () => {
    const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0];
    const [s] = policy.Properties.PolicyDocument.Statement as Statement[];
    assert.equal(s.Action, 's3:PutObject');
    assert.match(JSON.stringify(s.Resource), /\/raw\/\$\{aws:PrincipalTag\/fwlake-host\}\/\*/);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Condition: { StringLike: { 'aws:RequestTag/fwlake-host': '?*' } },
          }),
        ]),
      },
    });
  });
});
