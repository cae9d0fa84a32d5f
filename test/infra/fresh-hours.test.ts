/**
 * CDK assertions on the registry of fresh hours in the synthesized stack
 * (offline, no credentials): the Glue table firewall_fresh_hours, the view's
 * dependency on it, and who may change its partitions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { FRESH_HOURS_STORAGE } from '../../functions/core/fresh-hours.ts';
import {
  COMPACTED_TABLE,
  FRESH_HOURS_PREFIX,
  FRESH_HOURS_TABLE,
  JSON_TABLE,
  PARQUET_TABLE,
  RECORDS_VIEW,
} from '../../functions/core/lake-layout.ts';
import { PARTITION_COLUMNS } from '../../functions/core/schema.ts';
import { actionsOf, resourcesOf, synthesizeStack } from '../support/stack-template.ts';

const { template, statementsOf } = synthesizeStack();

const glueTables = template.findResources('AWS::Glue::Table');
const logicalIdOf = (name: string) => {
  const id = Object.keys(glueTables).find((k) => glueTables[k].Properties.TableInput.Name === name);
  assert.ok(id, `table ${name}`);
  return id;
};

describe('firewall_fresh_hours', () => {
  const t = glueTables[logicalIdOf(FRESH_HOURS_TABLE)].Properties.TableInput;

  it('is a table with one unused column, partitioned by dt and hour, Glue partitions (no projection), under an empty prefix', () => {
    assert.equal(t.TableType, 'EXTERNAL_TABLE');
    assert.deepEqual(
      t.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => [c.Name, c.Type]),
      [[FRESH_HOURS_STORAGE.column.name, 'string']],
    );
    assert.deepEqual(
      t.PartitionKeys.map((c: { Name: string; Type: string }) => [c.Name, c.Type]),
      PARTITION_COLUMNS.map((c) => [c.name, 'string']),
    );
    assert.equal(
      Object.keys(t.Parameters).filter((k) => k.startsWith('projection.') || k.startsWith('storage.')).length,
      0,
      'its Glue partitions are the registry',
    );
    assert.match(JSON.stringify(t.StorageDescriptor.Location), new RegExp(`/${FRESH_HOURS_PREFIX}/"`));
  });

  it('exists before the view that reads its $partitions', () => {
    const view = Object.values(glueTables).find((r) => r.Properties.TableInput.Name === RECORDS_VIEW)!;
    assert.ok((view.DependsOn as string[]).includes(logicalIdOf(FRESH_HOURS_TABLE)));
  });
});

describe('who may change the registry', () => {
  const tableArn = new RegExp(`table/fwlake/${FRESH_HOURS_TABLE}"`);
  const otherTables = new RegExp(`table/fwlake/(${[JSON_TABLE, PARQUET_TABLE, COMPACTED_TABLE].join('|')})"`);

  it('ingest: BatchCreatePartition (and GetTable) on firewall_fresh_hours only, and no other Glue action; the database in its environment', () => {
    const glue = statementsOf('IngestFunctionServiceRole').filter((s) =>
      actionsOf(s).some((a) => a.startsWith('glue:')),
    );
    assert.equal(glue.length, 1);
    assert.deepEqual(actionsOf(glue[0]), ['glue:BatchCreatePartition', 'glue:GetTable']);
    assert.match(resourcesOf(glue[0]), tableArn);
    assert.doesNotMatch(resourcesOf(glue[0]), otherTables);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ FWLAKE_FORMAT: 'json', FWLAKE_DATABASE: 'fwlake' }),
      },
    });
  });

  it('compaction: lists, adds and removes its partitions', () => {
    const st = statementsOf('CompactionFunctionServiceRole').find(
      (s) => actionsOf(s).includes('glue:BatchDeletePartition') && tableArn.test(resourcesOf(s)),
    );
    assert.ok(st);
    assert.deepEqual(actionsOf(st).sort(), [
      'glue:BatchCreatePartition',
      'glue:BatchDeletePartition',
      'glue:GetPartitions',
      'glue:GetTable',
    ]);
    assert.doesNotMatch(resourcesOf(st), otherTables);
  });

  it('the saved-query functions only read it', () => {
    for (const role of ['QueryFunctionServiceRole', 'AlarmsFunctionServiceRole']) {
      const writes = statementsOf(role).filter(
        (s) =>
          tableArn.test(resourcesOf(s)) &&
          actionsOf(s).some((a) => /^glue:(Batch)?(Create|Delete|Update)/.test(a)),
      );
      assert.deepEqual(writes, [], role);
    }
  });
});
