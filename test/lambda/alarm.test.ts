/**
 * The alarm Lambda with Athena and CloudWatch mocked at the SDK boundary. It
 * proves the saved query runs with the scheduled parameters and its row count
 * is published as the alarm's metric; not that Athena or CloudWatch behave so.
 */
import assert from 'node:assert/strict';
import { afterEach, before, describe, it } from 'node:test';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import '../support/fake-aws-env.ts';

const athena = mockClient(AthenaClient);
const cloudwatch = mockClient(CloudWatchClient);
let handler: typeof import('../../functions/alarm.ts').handler;
before(async () => {
  ({ handler } = await import('../../functions/alarm.ts'));
});
afterEach(() => {
  athena.reset();
  cloudwatch.reset();
});

function athenaReturns(rows: string[][]) {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'a-1' });
  athena.on(GetQueryExecutionCommand).resolves({
    QueryExecution: {
      QueryExecutionId: 'a-1',
      Status: { State: 'SUCCEEDED' },
      Statistics: { DataScannedInBytes: 99 },
    },
  });
  athena.on(GetQueryResultsCommand).resolves({
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: [{ Name: 'src', Type: 'varchar' }] },
      Rows: [
        { Data: [{ VarCharValue: 'src' }] },
        ...rows.map((r) => ({ Data: r.map((v) => ({ VarCharValue: v })) })),
      ],
    },
  });
}

describe('alarm Lambda', () => {
  it('publishes the row count of the saved query as the alarm metric', async () => {
    athenaReturns([['198.51.100.7'], ['203.0.113.9']]);
    const res = await handler({
      alarm: 'new-low-port-sources',
      query: 'new-sources',
      params: { max_port: 1024 },
    });
    assert.equal(res.rows, 2);
    const put = cloudwatch.commandCalls(PutMetricDataCommand)[0].args[0].input;
    assert.equal(put.Namespace, 'fwlake');
    assert.deepEqual(put.MetricData?.[0], {
      MetricName: 'SavedQueryRows',
      Dimensions: [{ Name: 'Alarm', Value: 'new-low-port-sources' }],
      Value: 2,
      Unit: 'Count',
    });
    const start = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input;
    assert.ok(start.ExecutionParameters?.includes('1024'));
  });

  it('publishes nothing when the query fails, and fails the invocation', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'a-2' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { QueryExecutionId: 'a-2', Status: { State: 'FAILED', StateChangeReason: 'boom' } },
    });
    await assert.rejects(handler({ alarm: 'x', query: 'silent-hosts' }), /boom/);
    assert.equal(cloudwatch.commandCalls(PutMetricDataCommand).length, 0);
  });

  it('refuses an event without an alarm name or with bad parameters, before Athena', async () => {
    await assert.rejects(handler({ query: 'flows' } as never), /"alarm"/);
    await assert.rejects(
      handler({ alarm: 'x', query: 'flows', params: { limit: 'lots' } }),
      /limit: expected an integer/,
    );
    assert.equal(athena.commandCalls(StartQueryExecutionCommand).length, 0);
  });
});
