/** CDK assertions on the synthesized stack (offline, no credentials). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { COLUMNS, PARTITION_COLUMNS } from '../../functions/core/schema.ts';
import { FwlakeStack } from '../../infra/fwlake-stack.ts';

const template = Template.fromStack(new FwlakeStack(new App(), 'Test'));

describe('lake bucket', () => {
  it('is private, encrypted, kept on stack deletion, with lifecycle rules', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({
              Prefix: 'firewall/',
              Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
            }),
            Match.objectLike({ Prefix: 'quarantine/', ExpirationInDays: 90 }),
          ]),
        },
      },
    });
  });

  it('refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('Glue table', () => {
  const tables = template.findResources('AWS::Glue::Table');
  const input = Object.values(tables)[0].Properties.TableInput;

  it('has every schema column, in order, with its Athena type', () => {
    assert.deepEqual(
      input.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name),
      COLUMNS.map((c) => c.name),
    );
    const byName = Object.fromEntries(
      input.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => [c.Name, c.Type]),
    );
    assert.equal(byName.ts, 'timestamp');
    assert.equal(byName.tcp_flags, 'array<string>');
    assert.equal(byName.tcp_seq, 'bigint');
    assert.deepEqual(
      input.PartitionKeys.map((c: { Name: string }) => c.Name),
      PARTITION_COLUMNS.map((c) => c.name),
    );
  });

  it('reads JSON lines with partition projection over dt and hour', () => {
    assert.equal(
      input.StorageDescriptor.SerdeInfo.SerializationLibrary,
      'org.apache.hive.hcatalog.data.JsonSerDe',
    );
    assert.equal(input.Parameters['projection.enabled'], 'true');
    assert.equal(input.Parameters['projection.dt.type'], 'date');
    assert.equal(input.Parameters['projection.hour.digits'], '2');
    // Athena's own ${dt} and ${hour} placeholders, spelled without a JavaScript template look-alike.
    const placeholders = `/firewall/dt=${'$'}{dt}/hour=${'$'}{hour}/`;
    assert.ok(JSON.stringify(input.Parameters['storage.location.template']).includes(placeholders));
  });

  it('lives in the fwlake database', () => {
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'fwlake' } });
    assert.equal(Object.values(tables)[0].Properties.DatabaseName, 'fwlake');
  });
});
