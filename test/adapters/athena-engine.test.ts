/**
 * The Athena engine with Athena mocked at the SDK boundary (aws-sdk-client-mock),
 * a fake clock and a sleep that returns at once but records each delay.
 *
 * What these tests prove: the state machine (poll with growing, capped backoff;
 * FAILED / CANCELLED / timeout / abort / throttled polls), the exact SDK calls
 * and inputs (StartQueryExecution with ExecutionParameters, StopQueryExecution,
 * GetQueryResults paging), and the conversion of Athena's text cells to JS values.
 * What they cannot prove: Athena's SQL semantics, that Athena accepts these
 * ExecutionParameters for this SQL, or that real responses look exactly like the
 * canned ones here (those are written from the API reference and observed output).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  InvalidRequestException,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AthenaEngine,
  type AthenaEngineOptions,
  toExecutionParameter,
} from '../../functions/adapters/athena-engine.ts';
import { type BoundParam, type PreparedQuery, QueryFailedError } from '../../functions/core/query-types.ts';

const athena = mockClient(AthenaClient);
afterEach(() => athena.reset());

const ID = 'e3a1c2d4-0000-4000-8000-000000000001';

/** A clock that only moves when the engine sleeps, and a record of every delay asked for. */
function fakeTime() {
  let t = 1_000_000;
  const delays: number[] = [];
  return {
    delays,
    elapsed: () => t - 1_000_000,
    now: () => t,
    sleep: async (ms: number) => {
      delays.push(ms);
      t += ms;
    },
  };
}

function engine(options: Partial<AthenaEngineOptions> = {}, time = fakeTime()) {
  return new AthenaEngine({
    client: new AthenaClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    }),
    workGroup: 'fwlake',
    database: 'fwlake',
    sleep: time.sleep,
    now: time.now,
    ...options,
  });
}

function query(params: BoundParam[] = [], name = 'test-query'): PreparedQuery {
  return {
    name,
    sql: `SELECT * FROM firewall WHERE ${params.map(() => '?').join(' AND ') || 'TRUE'}`,
    params,
  };
}

function execution(State: QueryExecutionState, extra: object = {}): Partial<GetQueryExecutionCommandOutput> {
  return { QueryExecution: { QueryExecutionId: ID, Status: { State, ...extra } } };
}

function succeeded(DataScannedInBytes = 0, EngineExecutionTimeInMillis = 0) {
  return {
    QueryExecution: {
      QueryExecutionId: ID,
      Status: { State: 'SUCCEEDED' as const },
      Statistics: { DataScannedInBytes, EngineExecutionTimeInMillis },
    },
  };
}

const cells = (...values: (string | undefined)[]) => ({
  Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })),
});

/** One column, `n`, of type bigint; rows as given (the header row is the caller's business). */
function page(values: string[], NextToken?: string) {
  return {
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: [{ Name: 'n', Type: 'bigint' }] },
      Rows: values.map((v) => cells(v)),
    },
    ...(NextToken !== undefined ? { NextToken } : {}),
  };
}

describe('AthenaEngine', () => {
  it('starts the query with typed ExecutionParameters and returns typed rows, header skipped', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena.on(GetQueryExecutionCommand).resolves(succeeded(123_456_789, 4321));
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: {
          ColumnInfo: [
            { Name: 'src', Type: 'varchar' },
            { Name: 'packets', Type: 'bigint' },
            { Name: 'bytes', Type: 'BIGINT' },
            { Name: 'dpt', Type: 'integer' },
            { Name: 'ratio', Type: 'double' },
            { Name: 'syn', Type: 'boolean' },
            { Name: 'first_seen', Type: 'timestamp' },
            { Name: 'tcp_flags', Type: 'array' },
            { Name: 'dt', Type: 'date' },
          ],
        },
        Rows: [
          cells('src', 'packets', 'bytes', 'dpt', 'ratio', 'syn', 'first_seen', 'tcp_flags', 'dt'),
          cells(
            '69.89.31.130',
            '11',
            '9007199254740993',
            '22',
            '0.25',
            'true',
            '2026-09-17 22:26:23.000',
            '[SYN, ACK]',
            '2026-09-17',
          ),
          cells('', '-3', '42', '443', '1.0E10', 'false', '2026-09-17 22:26:23.123456', '[]', '2026-09-18'),
          cells(
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            '2026-09-17 22:26:23.5',
            undefined,
          ),
          cells('x', '0', '0', '0', '0', 'false', '2026-09-17 22:26:23', '[ECE]', undefined),
        ],
      },
    });
    const params: BoundParam[] = [
      { name: 'host', type: 'string', value: "O'Brien's fw" },
      { name: 'port', type: 'int', value: 22 },
      { name: 'since', type: 'timestamp', value: '2026-09-17 00:00:00.000' },
      { name: 'syn_only', type: 'boolean', value: true },
      { name: 'min_ratio', type: 'double', value: 0.5 },
    ];
    const q = query(params);

    const result = await engine({ outputLocation: 's3://results/fwlake/' }).run(q);

    assert.deepEqual(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input, {
      QueryString: q.sql,
      QueryExecutionContext: { Database: 'fwlake', Catalog: 'AwsDataCatalog' },
      WorkGroup: 'fwlake',
      ExecutionParameters: ["'O''Brien''s fw'", '22', "'2026-09-17 00:00:00.000'", 'TRUE', '0.5'],
      ResultConfiguration: { OutputLocation: 's3://results/fwlake/' },
    });
    assert.equal(result.engine, 'athena');
    assert.deepEqual(result.columns, [
      'src',
      'packets',
      'bytes',
      'dpt',
      'ratio',
      'syn',
      'first_seen',
      'tcp_flags',
      'dt',
    ]);
    assert.deepEqual(result.types, [
      'varchar',
      'bigint',
      'bigint',
      'integer',
      'double',
      'boolean',
      'timestamp',
      'array',
      'date',
    ]);
    assert.deepEqual(result.rows, [
      [
        '69.89.31.130',
        11,
        '9007199254740993',
        22,
        0.25,
        true,
        '2026-09-17 22:26:23.000',
        ['SYN', 'ACK'],
        '2026-09-17',
      ],
      ['', -3, 42, 443, 1e10, false, '2026-09-17 22:26:23.123', [], '2026-09-18'],
      [null, null, null, null, null, null, '2026-09-17 22:26:23.500', null, null],
      ['x', 0, 0, 0, 0, false, '2026-09-17 22:26:23.000', ['ECE'], null],
    ]);
    assert.equal(result.bytesScanned, 123_456_789);
    assert.equal(result.engineMs, 4321);
    assert.equal(result.executionId, ID);
    assert.deepEqual(athena.commandCalls(GetQueryResultsCommand)[0].args[0].input, {
      QueryExecutionId: ID,
      MaxResults: 1000,
    });
    assert.equal(athena.commandCalls(StopQueryExecutionCommand).length, 0);
  });

  it('sends no ExecutionParameters or ResultConfiguration when there are none, and honours the catalog', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena.on(GetQueryExecutionCommand).resolves(succeeded());
    athena.on(GetQueryResultsCommand).resolves(page(['n']));
    const q = query([]);

    const result = await engine({ catalog: 'other', workGroup: 'wg', database: 'db' }).run(q);

    assert.deepEqual(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input, {
      QueryString: q.sql,
      QueryExecutionContext: { Database: 'db', Catalog: 'other' },
      WorkGroup: 'wg',
    });
    assert.deepEqual(result.rows, []);
    assert.deepEqual(result.columns, ['n']);
  });

  it('pages through results by NextToken and skips the header row only on the first page', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena.on(GetQueryExecutionCommand).resolves(succeeded());
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce(page(['n', '1', '2'], 'token-2'))
      // A later page whose first row looks like the header is data, not a header.
      .resolvesOnce(page(['3', '4'], 'token-3'))
      .resolvesOnce(page(['5']));

    const result = await engine().run(query());

    assert.deepEqual(result.rows, [[1], [2], [3], [4], [5]]);
    assert.deepEqual(
      athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input),
      [
        { QueryExecutionId: ID, MaxResults: 1000 },
        { QueryExecutionId: ID, MaxResults: 1000, NextToken: 'token-2' },
        { QueryExecutionId: ID, MaxResults: 1000, NextToken: 'token-3' },
      ],
    );
  });

  it('polls QUEUED -> RUNNING -> SUCCEEDED with delays that grow by about 1.5x and stay capped', async (t) => {
    // The jitter is random; pin it at both extremes and also let it run free.
    for (const random of [() => 0, () => 0.999_999, Math.random]) {
      athena.reset();
      t.mock.method(Math, 'random', random);
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
      athena
        .on(GetQueryExecutionCommand)
        .resolvesOnce(execution('QUEUED'))
        .resolvesOnce(execution('QUEUED'))
        .resolvesOnce(execution('RUNNING'))
        .resolvesOnce(execution('RUNNING'))
        .resolvesOnce(execution('RUNNING'))
        .resolvesOnce(execution('RUNNING'))
        .resolvesOnce(execution('RUNNING'))
        .resolvesOnce(execution('RUNNING'))
        .resolvesOnce(execution('RUNNING'))
        .resolves(succeeded());
      athena.on(GetQueryResultsCommand).resolves(page(['n', '7']));
      const time = fakeTime();

      const result = await engine({ pollInitialMs: 200, pollMaxMs: 2000 }, time).run(query());

      assert.deepEqual(result.rows, [[7]]);
      assert.equal(athena.commandCalls(GetQueryExecutionCommand).length, 10);
      const { delays } = time;
      assert.equal(delays.length, 10, 'one sleep before each poll');
      assert.ok(delays[0] <= 200 && delays[0] >= 180, `first delay ${delays[0]}`);
      assert.ok(
        delays.every((d) => d <= 2000),
        `capped: ${delays}`,
      );
      // 200, 300, 450, 675, 1012.5, 1518.75, then the 2000 cap, each less up to 10% jitter.
      for (let i = 1; i < 6; i++) assert.ok(delays[i] > delays[i - 1], `grows: ${delays}`);
      assert.ok(
        delays.slice(6).every((d) => d >= 1800),
        `at the cap: ${delays}`,
      );
    }
  });

  it('throws QueryFailedError with Athena’s reason when the query FAILED', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('RUNNING'))
      .resolves(
        execution('FAILED', {
          StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
          AthenaError: {
            ErrorCategory: 2,
            ErrorType: 1006,
            ErrorMessage: 'Query planning failed (user error)',
          },
        }),
      );

    await assert.rejects(engine().run(query([], 'bad-query')), (e: unknown) => {
      assert.ok(e instanceof QueryFailedError);
      assert.equal(e.state, 'FAILED');
      assert.equal(e.executionId, ID);
      assert.match(e.message, /"bad-query" failed/);
      assert.match(e.message, /COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved/);
      assert.match(e.message, /Query planning failed \(user error\)/);
      return true;
    });
    assert.equal(athena.commandCalls(GetQueryResultsCommand).length, 0);
    assert.equal(athena.commandCalls(StopQueryExecutionCommand).length, 0);
  });

  it('throws QueryFailedError CANCELLED when someone else stopped the query', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena
      .on(GetQueryExecutionCommand)
      .resolves(execution('CANCELLED', { StateChangeReason: 'Query cancelled by user' }));

    await assert.rejects(engine().run(query()), (e: unknown) => {
      assert.ok(e instanceof QueryFailedError);
      assert.equal(e.state, 'CANCELLED');
      assert.equal(e.executionId, ID);
      assert.match(e.message, /cancelled: Query cancelled by user/);
      return true;
    });
    assert.equal(athena.commandCalls(GetQueryResultsCommand).length, 0);
  });

  it('stops the query and throws TIMEOUT when it runs past timeoutMs', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena.on(GetQueryExecutionCommand).resolves(execution('RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});
    const time = fakeTime();

    await assert.rejects(engine({ timeoutMs: 10_000 }, time).run(query()), (e: unknown) => {
      assert.ok(e instanceof QueryFailedError);
      assert.equal(e.state, 'TIMEOUT');
      assert.equal(e.executionId, ID);
      assert.match(e.message, /timed out after 10000 ms/);
      return true;
    });
    assert.deepEqual(
      athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input),
      [{ QueryExecutionId: ID }],
    );
    // The last sleep is cut short so the timeout is kept to the millisecond, not overshot by a poll delay.
    assert.equal(time.elapsed(), 10_000);
    assert.equal(athena.commandCalls(GetQueryResultsCommand).length, 0);
  });

  it('still throws TIMEOUT when the stop itself fails', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena.on(GetQueryExecutionCommand).resolves(execution('RUNNING'));
    athena.on(StopQueryExecutionCommand).rejects(new Error('AccessDenied'));

    await assert.rejects(engine({ timeoutMs: 1000 }).run(query()), {
      name: 'QueryFailedError',
      state: 'TIMEOUT',
    });
  });

  it('stops the query and rejects with the signal’s reason when aborted mid-poll', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena.on(GetQueryExecutionCommand).resolves(execution('RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});
    const controller = new AbortController();
    const reason = new Error('client went away');
    let sleeps = 0;
    const sleep = async () => {
      if (++sleeps === 3) controller.abort(reason);
    };

    await assert.rejects(engine({ sleep }).run(query(), { signal: controller.signal }), (e) => e === reason);
    assert.deepEqual(
      athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input),
      [{ QueryExecutionId: ID }],
    );
    assert.equal(athena.commandCalls(GetQueryExecutionCommand).length, 2);
    assert.equal(athena.commandCalls(GetQueryResultsCommand).length, 0);
  });

  it('aborts a real (default) sleep promptly with an AbortError', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena.on(GetQueryExecutionCommand).resolves(execution('RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});
    const controller = new AbortController();
    const client = new AthenaClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    // No injected sleep or clock: a 60 s poll delay that only the abort can cut short.
    const slow = new AthenaEngine({ client, workGroup: 'fwlake', database: 'fwlake', pollInitialMs: 60_000 });
    const started = performance.now();
    setTimeout(() => controller.abort(), 20);

    await assert.rejects(slow.run(query(), { signal: controller.signal }), { name: 'AbortError' });
    assert.ok(performance.now() - started < 5000, 'did not wait out the poll delay');
    assert.equal(athena.commandCalls(StopQueryExecutionCommand).length, 1);
  });

  it('does not start a query when the signal has already fired', async () => {
    const controller = new AbortController();
    controller.abort();

    await assert.rejects(engine().run(query(), { signal: controller.signal }), { name: 'AbortError' });
    assert.equal(athena.commandCalls(StartQueryExecutionCommand).length, 0);
  });

  it('retries a throttled poll after the next backoff delay', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena
      .on(GetQueryExecutionCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves(succeeded(99));
    athena.on(GetQueryResultsCommand).resolves(page(['n', '1']));
    const time = fakeTime();

    const result = await engine({}, time).run(query());

    assert.deepEqual(result.rows, [[1]]);
    assert.equal(result.bytesScanned, 99);
    assert.equal(athena.commandCalls(GetQueryExecutionCommand).length, 3);
    assert.equal(time.delays.length, 3);
    assert.ok(time.delays[2] > time.delays[1] && time.delays[1] > time.delays[0], `${time.delays}`);
  });

  it('gives up on throttled polls at the timeout', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena
      .on(GetQueryExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    athena.on(StopQueryExecutionCommand).resolves({});

    await assert.rejects(engine({ timeoutMs: 5000 }).run(query()), {
      name: 'QueryFailedError',
      state: 'TIMEOUT',
    });
    assert.equal(athena.commandCalls(StopQueryExecutionCommand).length, 1);
  });

  it('propagates a StartQueryExecution error with the SDK’s message', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new InvalidRequestException({ message: "line 1:15: mismatched input 'FORM'", $metadata: {} }));

    await assert.rejects(engine().run(query()), {
      name: 'InvalidRequestException',
      message: "line 1:15: mismatched input 'FORM'",
    });
    assert.equal(athena.commandCalls(GetQueryExecutionCommand).length, 0);
    assert.equal(athena.commandCalls(StopQueryExecutionCommand).length, 0);
  });

  it('propagates a poll error that is not throttling', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena
      .on(GetQueryExecutionCommand)
      .rejects(new InvalidRequestException({ message: 'QueryExecution x was not found', $metadata: {} }));

    await assert.rejects(engine().run(query()), { name: 'InvalidRequestException' });
    assert.equal(athena.commandCalls(GetQueryExecutionCommand).length, 1);
  });

  it('close() leaves the injected client usable', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena.on(GetQueryExecutionCommand).resolves(succeeded());
    athena.on(GetQueryResultsCommand).resolves(page(['n']));
    const e = engine();
    await e.close();
    assert.deepEqual((await e.run(query())).rows, []);
  });
});

describe('toExecutionParameter', () => {
  const p = (type: BoundParam['type'], value: BoundParam['value']): BoundParam => ({
    name: 'p',
    type,
    value,
  });

  it('quotes strings and doubles their quotes', () => {
    assert.equal(toExecutionParameter(p('string', 'eth0')), "'eth0'");
    assert.equal(toExecutionParameter(p('string', '')), "''");
    assert.equal(toExecutionParameter(p('string', "it's")), "'it''s'");
    assert.equal(toExecutionParameter(p('string', "''; DROP TABLE x; --")), "'''''; DROP TABLE x; --'");
    assert.equal(toExecutionParameter(p('string', 'back\\slash')), "'back\\slash'");
  });

  it('writes numbers as literals', () => {
    assert.equal(toExecutionParameter(p('int', 22)), '22');
    assert.equal(toExecutionParameter(p('int', -1)), '-1');
    assert.equal(toExecutionParameter(p('int', 0)), '0');
    assert.equal(toExecutionParameter(p('double', 0.5)), '0.5');
    assert.equal(toExecutionParameter(p('double', 1e21)), '1E+21');
    assert.equal(toExecutionParameter(p('double', 1e-7)), '1E-7');
  });

  it('writes booleans as TRUE / FALSE', () => {
    assert.equal(toExecutionParameter(p('boolean', true)), 'TRUE');
    assert.equal(toExecutionParameter(p('boolean', false)), 'FALSE');
  });

  it('quotes timestamps for the SQL to cast', () => {
    assert.equal(
      toExecutionParameter(p('timestamp', '2026-09-17 22:26:23.000')),
      "'2026-09-17 22:26:23.000'",
    );
  });

  it('throws on non-finite or mistyped values', () => {
    for (const bad of [
      p('int', Number.NaN),
      p('double', Number.POSITIVE_INFINITY),
      p('double', Number.NEGATIVE_INFINITY),
      p('int', 1.5),
      p('int', '22'),
      p('boolean', 'true'),
    ]) {
      assert.throws(() => toExecutionParameter(bad), TypeError, `${bad.type} ${String(bad.value)}`);
    }
  });
});
