/** CDK assertions on the compaction part of the synthesized stack (offline, no credentials). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { COMPACTED_ZSTD_LEVEL } from '../../functions/core/compaction-format.ts';
import {
  COMPACTED_PREFIX,
  COMPACTED_TABLE,
  FRESH_HOURS_TABLE,
  JSON_TABLE,
  MARKER_PREFIX,
  PARQUET_TABLE,
  RECORDS_VIEW,
} from '../../functions/core/lake-layout.ts';
import { COLUMNS, PARTITION_COLUMNS } from '../../functions/core/schema.ts';
import { prestoViewText } from '../../functions/core/table-sql.ts';
import { actionsOf, resourcesOf, synthesizeStack } from '../support/stack-template.ts';

const { template, statementsOf } = synthesizeStack();

const tables = Object.values(template.findResources('AWS::Glue::Table')).map((t) => t.Properties.TableInput);
const byName = (name: string) => {
  const t = tables.find((x) => x.Name === name);
  assert.ok(t, `table ${name}`);
  return t;
};

describe('firewall_compacted', () => {
  it('is a Parquet table under firewall_compacted/ with every schema column and Glue partitions (no projection)', () => {
    const t = byName(COMPACTED_TABLE);
    assert.equal(t.TableType, 'EXTERNAL_TABLE');
    assert.deepEqual(
      t.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name),
      COLUMNS.map((c) => c.name),
    );
    assert.deepEqual(
      t.PartitionKeys.map((c: { Name: string }) => c.Name),
      PARTITION_COLUMNS.map((c) => c.name),
    );
    assert.equal(
      t.StorageDescriptor.SerdeInfo.SerializationLibrary,
      'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    );
    assert.match(JSON.stringify(t.StorageDescriptor.Location), new RegExp(`/${COMPACTED_PREFIX}/`));
    assert.equal(
      t.Parameters['projection.enabled'],
      undefined,
      'the Glue partitions say which hours are compacted',
    );
    assert.equal(t.Parameters['parquet.compression'], 'ZSTD');
    // INSERT INTO writes at the table's zstd level: the one `fwlake compact` uses.
    assert.equal(t.Parameters.compression_level, String(COMPACTED_ZSTD_LEVEL));
  });
});

describe('the firewall view', () => {
  it('is a Glue VIRTUAL_VIEW holding the Presto view text of the view SQL, with the schema columns', () => {
    const v = byName(RECORDS_VIEW);
    assert.equal(v.TableType, 'VIRTUAL_VIEW');
    assert.equal(v.ViewOriginalText, prestoViewText('fwlake'));
    assert.equal(v.ViewExpandedText, '/* Presto View */');
    assert.equal(v.Parameters.presto_view, 'true');
    assert.deepEqual(
      v.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name),
      [...COLUMNS, ...PARTITION_COLUMNS].map((c) => c.name),
    );
    assert.equal(tables.filter((t) => t.Name === RECORDS_VIEW).length, 1, 'one object named firewall');
  });
});

describe('the compaction function', () => {
  it('runs the compact entry for up to 15 minutes, one at a time, with the lake, workgroup and database', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('compact'),
      Timeout: 900,
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({
          LAKE_BUCKET: Match.anyValue(),
          FWLAKE_WORKGROUP: 'fwlake',
          FWLAKE_DATABASE: 'fwlake',
          FWLAKE_COMPACT_GRACE_MINUTES: '15',
        }),
      },
    });
  });

  it('is run every hour at :20 by EventBridge', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(20 * * * ? *)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CompactionFunction'), 'Arn'] } }),
      ],
    });
  });

  const statements = statementsOf('CompactionFunctionServiceRole');

  it('writes and deletes only under firewall_compacted/ and the markers', () => {
    const writes = statements.filter((s) =>
      actionsOf(s).some((a) => a === 's3:PutObject' || a === 's3:DeleteObject'),
    );
    const lakeWrites = writes.filter((s) => !resourcesOf(s).includes('AthenaResults'));
    assert.equal(lakeWrites.length, 1);
    const res = resourcesOf(lakeWrites[0]);
    assert.match(res, new RegExp(`/${COMPACTED_PREFIX}/\\*`));
    assert.match(res, new RegExp(`/${MARKER_PREFIX}/\\*`));
    assert.doesNotMatch(res, /\/firewall\/\*|\/firewall_parquet\/\*/);
    const deletes = writes.filter((s) => actionsOf(s).includes('s3:DeleteObject'));
    assert.deepEqual(deletes, lakeWrites);
  });

  it('changes partitions of firewall_compacted only, and no table at all', () => {
    const all = statements.flatMap(actionsOf);
    for (const a of [
      'glue:CreateTable',
      'glue:UpdateTable',
      'glue:DeleteTable',
      'glue:*',
      's3:*',
      'athena:*',
    ])
      assert.ok(!all.includes(a), a);
    // Two tables get partitions: firewall_compacted (INSERT INTO, DROP PARTITION) and the registry of fresh hours.
    const partitionWrites = statements.filter((s) => actionsOf(s).includes('glue:BatchCreatePartition'));
    assert.equal(partitionWrites.length, 2);
    const res = partitionWrites.map(resourcesOf);
    assert.match(res[0], new RegExp(`table/fwlake/${COMPACTED_TABLE}"`));
    assert.match(res[1], new RegExp(`table/fwlake/${FRESH_HOURS_TABLE}"`));
    for (const r of res) assert.doesNotMatch(r, new RegExp(`${JSON_TABLE}|${PARQUET_TABLE}`));
  });
});

describe('saved queries may read what the view reads', () => {
  for (const role of ['QueryFunctionServiceRole', 'AlarmsFunctionServiceRole']) {
    it(`${role}: the view, its three tables and the registry of fresh hours, and the three prefixes`, () => {
      const statements = statementsOf(role);
      const getTable = statements.find((s) => actionsOf(s).includes('glue:GetTable'));
      assert.ok(getTable);
      assert.ok(
        actionsOf(getTable).includes('glue:GetPartitions'),
        "the view reads the registry's $partitions",
      );
      for (const t of [RECORDS_VIEW, JSON_TABLE, PARQUET_TABLE, COMPACTED_TABLE, FRESH_HOURS_TABLE])
        assert.match(resourcesOf(getTable), new RegExp(`table/fwlake/${t}"`), t);
      const reads = statements
        .filter((s) => actionsOf(s).includes('s3:GetObject') && !resourcesOf(s).includes('AthenaResults'))
        .map(resourcesOf)
        .join(' ');
      for (const p of ['firewall', 'firewall_parquet', COMPACTED_PREFIX])
        assert.match(reads, new RegExp(`/${p}/\\*`), p);
      assert.doesNotMatch(reads, new RegExp(MARKER_PREFIX));
    });
  }
});
