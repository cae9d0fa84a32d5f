/**
 * The registry of fresh hours in Glue (GlueFreshHours) with Glue mocked at the
 * SDK boundary (aws-sdk-client-mock), and the pure helpers of core/fresh-hours.ts.
 *
 * What these tests prove: the exact calls and inputs (database, table, the
 * partition values in key order, locations under firewall_fresh_hours/,
 * batches of 100 creates and 25 deletes, each hour once), that "already
 * exists" on create and "not found" on delete pass while any other entry
 * error or a failed call (a throttle) throws, and that the listing follows
 * NextToken. What they cannot prove: Glue's own behaviour (that it reports
 * those error codes so, its limits, IAM), or what Athena makes of the
 * partitions; the responses are written from the Glue API reference.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  GetPartitionsCommand,
  GlueClient,
  ThrottlingException,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { GlueFreshHours } from '../../functions/adapters/glue-fresh-hours.ts';
import { batches, hoursOfPartitions } from '../../functions/core/fresh-hours.ts';

const glue = mockClient(GlueClient);
afterEach(() => glue.reset());

const registry = () =>
  new GlueFreshHours({
    client: new GlueClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }),
    database: 'fwlake',
    lakeBucket: 'lake',
  });
const h = (dt: string, hour: string) => ({ dt, hour });
/** `n` consecutive hours from 2026-09-01 00:00 UTC. */
const hoursFrom = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const t = new Date(Date.UTC(2026, 8, 1) + i * 3_600_000).toISOString();
    return h(t.slice(0, 10), t.slice(11, 13));
  });

describe('core/fresh-hours', () => {
  it('the hours of partition paths, each once, oldest first; anything else throws', () => {
    assert.deepEqual(
      hoursOfPartitions(['dt=2026-09-18/hour=00', 'dt=2026-09-17/hour=22', 'dt=2026-09-18/hour=00']),
      [h('2026-09-17', '22'), h('2026-09-18', '00')],
    );
    assert.deepEqual(hoursOfPartitions([]), []);
    for (const bad of ['', 'dt=2026-09-17', 'dt=2026-09-17/hour=24', 'x/dt=2026-09-17/hour=01'])
      assert.throws(() => hoursOfPartitions([bad]), /not an hour partition/, bad);
  });

  it('batches slice a list into runs of at most n', () => {
    assert.deepEqual(batches([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
    assert.deepEqual(batches([], 25), []);
  });
});

describe('GlueFreshHours.register', () => {
  it('creates one partition per hour, values (dt, hour), location under firewall_fresh_hours/', async () => {
    glue.on(BatchCreatePartitionCommand).resolves({});
    await registry().register([h('2026-09-17', '22'), h('2026-09-17', '22'), h('2026-09-18', '00')]);
    const calls = glue.commandCalls(BatchCreatePartitionCommand);
    assert.equal(calls.length, 1);
    const input = calls[0].args[0].input;
    assert.equal(input.DatabaseName, 'fwlake');
    assert.equal(input.TableName, 'firewall_fresh_hours');
    assert.deepEqual(
      input.PartitionInputList?.map((p) => [p.Values, p.StorageDescriptor?.Location]),
      [
        [['2026-09-17', '22'], 's3://lake/firewall_fresh_hours/dt=2026-09-17/hour=22/'],
        [['2026-09-18', '00'], 's3://lake/firewall_fresh_hours/dt=2026-09-18/hour=00/'],
      ],
    );
  });

  it('sends nothing for no hours, and 100 hours a call', async () => {
    glue.on(BatchCreatePartitionCommand).resolves({});
    await registry().register([]);
    assert.equal(glue.commandCalls(BatchCreatePartitionCommand).length, 0);
    await registry().register(hoursFrom(201));
    assert.deepEqual(
      glue.commandCalls(BatchCreatePartitionCommand).map((c) => c.args[0].input.PartitionInputList?.length),
      [100, 100, 1],
    );
  });

  it('an hour registered already is success', async () => {
    glue.on(BatchCreatePartitionCommand).resolves({
      Errors: [
        {
          PartitionValues: ['2026-09-17', '22'],
          ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'Partition already exists.' },
        },
      ],
    });
    await registry().register([h('2026-09-17', '22')]);
  });

  it('any other entry error throws, naming the hour and the code', async () => {
    glue.on(BatchCreatePartitionCommand).resolves({
      Errors: [
        {
          PartitionValues: ['2026-09-17', '22'],
          ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'exists' },
        },
        {
          PartitionValues: ['2026-09-17', '23'],
          ErrorDetail: { ErrorCode: 'ResourceNumberLimitExceededException', ErrorMessage: 'too many' },
        },
      ],
    });
    await assert.rejects(
      registry().register([h('2026-09-17', '22'), h('2026-09-17', '23')]),
      /BatchCreatePartition on fwlake\.firewall_fresh_hours failed for 1 hours: 2026-09-17\/23: ResourceNumberLimitExceededException too many/,
    );
  });

  it('a throttled call throws', async () => {
    glue
      .on(BatchCreatePartitionCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    await assert.rejects(registry().register([h('2026-09-17', '22')]), /Rate exceeded/);
  });

  it('refuses a value that is not an hour before calling Glue', async () => {
    await assert.rejects(registry().register([h('2026-09-17', '24')]), /not a UTC hour/);
    assert.equal(glue.commandCalls(BatchCreatePartitionCommand).length, 0);
  });
});

describe('GlueFreshHours.deregister', () => {
  it('deletes 25 hours a call; an hour not registered is success, another error throws', async () => {
    glue.on(BatchDeletePartitionCommand).resolves({
      Errors: [
        {
          PartitionValues: ['2026-09-01', '00'],
          ErrorDetail: { ErrorCode: 'EntityNotFoundException', ErrorMessage: 'not found' },
        },
      ],
    });
    await registry().deregister(hoursFrom(26));
    const calls = glue.commandCalls(BatchDeletePartitionCommand);
    assert.deepEqual(
      calls.map((c) => c.args[0].input.PartitionsToDelete?.length),
      [25, 1],
    );
    assert.deepEqual(calls[0].args[0].input.PartitionsToDelete?.[0], { Values: ['2026-09-01', '00'] });
    assert.equal(calls[0].args[0].input.TableName, 'firewall_fresh_hours');

    glue.reset();
    glue.on(BatchDeletePartitionCommand).resolves({
      Errors: [
        {
          PartitionValues: ['2026-09-01', '00'],
          ErrorDetail: { ErrorCode: 'InternalServiceException', ErrorMessage: 'oops' },
        },
      ],
    });
    await assert.rejects(registry().deregister(hoursFrom(1)), /InternalServiceException/);
  });
});

describe('GlueFreshHours.list', () => {
  it('every registered hour over all pages, oldest first, without the column schema', async () => {
    glue
      .on(GetPartitionsCommand)
      .resolvesOnce({ Partitions: [{ Values: ['2026-09-18', '00'] }], NextToken: 't1' })
      .resolvesOnce({ Partitions: [{ Values: ['2026-09-17', '22'] }] });
    assert.deepEqual(await registry().list(), [h('2026-09-17', '22'), h('2026-09-18', '00')]);
    const calls = glue.commandCalls(GetPartitionsCommand).map((c) => c.args[0].input);
    assert.deepEqual(
      calls.map((i) => [i.TableName, i.NextToken, i.ExcludeColumnSchema]),
      [
        ['firewall_fresh_hours', undefined, true],
        ['firewall_fresh_hours', 't1', true],
      ],
    );
  });
});
