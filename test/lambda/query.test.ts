/**
 * The query Lambda's handler, with Athena mocked at the SDK boundary
 * (aws-sdk-client-mock). What this proves: the event is validated before
 * Athena is called, the saved query's SQL and typed ExecutionParameters are
 * what reaches StartQueryExecution, and rows and bytes scanned come back.
 * What it cannot prove: that Athena itself accepts the SQL (the catalog tests
 * parse every query with a Trino grammar and run it on DuckDB).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, before, describe, it } from 'node:test';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import '../support/fake-aws-env.ts';

const athena = mockClient(AthenaClient);
let handler: typeof import('../../functions/query.ts').handler;
before(async () => {
  ({ handler } = await import('../../functions/query.ts'));
});
afterEach(() => athena.reset());

const event = (name: string) => JSON.parse(readFileSync(`events/${name}.json`, 'utf8'));

describe('query Lambda', () => {
  it('runs a saved query in Athena with bound parameters and returns typed rows and bytes scanned', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: 'q-1',
        Status: { State: 'SUCCEEDED' },
        Statistics: { DataScannedInBytes: 12345, EngineExecutionTimeInMillis: 678 },
      },
    });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: {
          ColumnInfo: [
            { Name: 'src', Type: 'varchar' },
            { Name: 'packets', Type: 'bigint' },
          ],
        },
        Rows: [
          { Data: [{ VarCharValue: 'src' }, { VarCharValue: 'packets' }] },
          { Data: [{ VarCharValue: '69.89.31.130' }, { VarCharValue: '11' }] },
        ],
      },
    });
    const res = await handler(event('query-low-source-ports'));
    assert.equal(res.ok, true);
    if (!res.ok) return;
    assert.deepEqual(res.rows, [['69.89.31.130', 11]]);
    assert.equal(res.bytesScanned, 12345);
    const start = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input;
    assert.equal(start.WorkGroup, 'fwlake');
    assert.equal(start.QueryExecutionContext?.Database, 'fwlake');
    assert.match(start.QueryString ?? '', /spt < \?/);
    assert.ok(!(start.QueryString ?? '').includes('1024'), 'values are not pasted into the SQL');
    assert.ok(start.ExecutionParameters?.includes('1024'));
    assert.ok(start.ExecutionParameters?.includes("'2026-09-17'"));
  });

  it('rejects bad events and bad parameters without calling Athena', async () => {
    for (const [ev, re] of [
      [event('query-invalid'), /max_port: expected an integer/],
      [{ query: 'no-such-query' }, /no saved query "no-such-query"/],
      [{}, /"query"/],
      [{ query: 'flows', params: [1] }, /"params" must be an object/],
      [{ query: 'flows', params: { colour: 'red' } }, /unknown parameter "colour"/],
    ] as const) {
      const res = await handler(ev);
      assert.equal(res.ok, false);
      if (!res.ok) {
        assert.equal(res.error.kind, 'validation');
        assert.match(res.error.message, re);
      }
    }
    assert.equal(athena.commandCalls(StartQueryExecutionCommand).length, 0);
  });

  it('reports a failed Athena query with its reason', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: 'q-2',
        Status: { State: 'FAILED', StateChangeReason: 'TABLE_NOT_FOUND: firewall' },
      },
    });
    const res = await handler(event('query-ssh-attempts'));
    assert.equal(res.ok, false);
    if (!res.ok) {
      assert.equal(res.error.kind, 'query-failed');
      assert.match(res.error.message, /TABLE_NOT_FOUND/);
      assert.equal(res.error.executionId, 'q-2');
    }
  });
});
