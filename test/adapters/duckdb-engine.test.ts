/**
 * DuckDbEngine over a tiny warehouse written here by hand (gzip JSON lines in
 * the dt=/hour= layout): parameters bound by type (never pasted), values in
 * the contract's JS form, the Trino shims reachable, and the errors.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DuckDbEngine } from '../../functions/adapters/duckdb-engine.ts';
import type { BoundParam, PreparedQuery } from '../../functions/core/query-types.ts';
import { QueryFailedError } from '../../functions/core/query-types.ts';

const RECORDS: Record<string, unknown>[] = [
  {
    ts: '2026-09-17 22:26:23.000',
    host: 'fw1',
    direction: 'in',
    proto: 'TCP',
    src: '52.84.17.45',
    spt: 443,
    dst: '10.0.0.1',
    dpt: 51000,
    tcp_flags: ['RST'],
    len: 40,
    tcp_seq: 4294967295,
    truncated: false,
    kernel_uptime: 1234.5,
    raw: 'a',
    line_no: 1,
  },
  {
    ts: '2026-09-17 22:40:01.250',
    host: 'fw1',
    direction: 'in',
    proto: 'TCP',
    src: '69.89.31.130',
    spt: 993,
    dst: '10.0.0.1',
    dpt: 51001,
    tcp_flags: ['ACK', 'PSH'],
    len: 52,
    truncated: false,
    kernel_uptime: 2000.25,
    raw: 'b',
    line_no: 2,
  },
  {
    ts: '2026-09-17 23:05:00.000',
    host: "fw'2",
    direction: 'in',
    proto: 'UDP',
    src: '192.0.2.7',
    spt: 53,
    dst: '10.0.0.2',
    dpt: 40000,
    len: 80,
    truncated: true,
    raw: 'c',
    line_no: 1,
  },
];

let warehouse: string;
let engine: DuckDbEngine;

function writePart(dir: string, records: Record<string, unknown>[]) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'x.json.gz'), gzipSync(records.map((r) => `${JSON.stringify(r)}\n`).join('')));
}

before(async () => {
  warehouse = await mkdtemp(join(tmpdir(), 'fwlake-duckdb-engine-'));
  writePart(join(warehouse, 'firewall/dt=2026-09-17/hour=22'), RECORDS.slice(0, 2));
  writePart(join(warehouse, 'firewall/dt=2026-09-17/hour=23'), RECORDS.slice(2));
  engine = await DuckDbEngine.open(warehouse);
});
after(async () => {
  await engine.close();
  await rm(warehouse, { recursive: true, force: true });
});

const query = (sql: string, params: BoundParam[] = []): PreparedQuery => ({ name: 'test', sql, params });

describe('DuckDbEngine.run', () => {
  test('binds one parameter of each type and returns typed values', async () => {
    const r = await engine.run(
      query(
        `SELECT ts, host, src, spt, tcp_flags, kernel_uptime, truncated, line_no, tcp_seq, dt, hour
         FROM firewall
         WHERE host = ? AND spt < ? AND kernel_uptime > ? AND truncated = ? AND ts >= CAST(? AS timestamp)
         ORDER BY ts`,
        [
          { name: 'host', type: 'string', value: 'fw1' },
          { name: 'max_port', type: 'int', value: 1024 },
          { name: 'uptime', type: 'double', value: 1000.5 },
          { name: 'truncated', type: 'boolean', value: false },
          { name: 'since', type: 'timestamp', value: '2026-09-17 22:00:00.000' },
        ],
      ),
    );
    assert.equal(r.engine, 'duckdb');
    assert.deepEqual(r.columns, [
      'ts',
      'host',
      'src',
      'spt',
      'tcp_flags',
      'kernel_uptime',
      'truncated',
      'line_no',
      'tcp_seq',
      'dt',
      'hour',
    ]);
    assert.deepEqual(r.types, [
      'timestamp',
      'varchar',
      'varchar',
      'integer',
      'varchar[]',
      'double',
      'boolean',
      'bigint',
      'bigint',
      'varchar',
      'varchar',
    ]);
    assert.deepEqual(r.rows, [
      [
        '2026-09-17 22:26:23.000',
        'fw1',
        '52.84.17.45',
        443,
        ['RST'],
        1234.5,
        false,
        1,
        4294967295,
        '2026-09-17',
        '22',
      ],
      [
        '2026-09-17 22:40:01.250',
        'fw1',
        '69.89.31.130',
        993,
        ['ACK', 'PSH'],
        2000.25,
        false,
        2,
        null,
        '2026-09-17',
        '22',
      ],
    ]);
    assert.equal(r.bytesScanned, null);
    assert.ok(typeof r.engineMs === 'number' && r.engineMs >= 0);
  });

  test('a quote in a parameter is bound as a value, not pasted into the SQL', async () => {
    const byHost = (value: string) =>
      engine.run(
        query('SELECT count(*) AS n FROM firewall WHERE host = ?', [{ name: 'host', type: 'string', value }]),
      );
    assert.deepEqual((await byHost("x' OR '1'='1")).rows, [[0]]);
    assert.deepEqual((await byHost("fw1' --")).rows, [[0]]);
    assert.deepEqual((await byHost("fw'2")).rows, [[1]]);
  });

  test('the same parameter may be used twice, and in LIMIT', async () => {
    const r = await engine.run(
      query("SELECT src FROM firewall WHERE (? = '' OR host = ?) ORDER BY ts LIMIT ?", [
        { name: 'host', type: 'string', value: '' },
        { name: 'host', type: 'string', value: '' },
        { name: 'limit', type: 'int', value: 2 },
      ]),
    );
    assert.deepEqual(r.rows, [['52.84.17.45'], ['69.89.31.130']]);
  });

  test('Trino functions run through the dialect layer', async () => {
    const r = await engine.run(
      query(
        `SELECT src, array_join(tcp_flags, ' ') AS flags, contains(tcp_flags, 'RST') AS rst,
                format('%s:%d', src, spt) AS endpoint, date_format(ts, '%H:%i') AS hhmm,
                to_unixtime(ts) AS unixtime, cardinality(tcp_flags) AS n
         FROM firewall WHERE proto = 'TCP' ORDER BY ts`,
      ),
    );
    assert.deepEqual(r.rows, [
      ['52.84.17.45', 'RST', true, '52.84.17.45:443', '22:26', 1789683983, 1],
      ['69.89.31.130', 'ACK PSH', false, '69.89.31.130:993', '22:40', 1789684801.25, 2],
    ]);
  });

  test('aggregates, big integers, decimals, dates and timestamps in the contract form', async () => {
    const r = await engine.run(
      query(
        `SELECT count(*) AS packets, sum(len) AS bytes, count_if(truncated) AS truncated,
                min(ts) AS first_seen, max(ts) AS last_seen, array_agg(src ORDER BY ts) AS sources,
                CAST(9007199254740993 AS bigint) AS big, CAST(-9007199254740993 AS bigint) AS small,
                CAST(12.50 AS decimal(10, 2)) AS price, DATE '2026-09-17' AS day,
                from_iso8601_timestamp('2026-09-17T22:26:23.456+02:00') AS utc,
                CAST(NULL AS varchar) AS nothing, 7 / 2 AS half
         FROM firewall`,
      ),
    );
    assert.deepEqual(r.rows, [
      [
        3,
        172,
        1,
        '2026-09-17 22:26:23.000',
        '2026-09-17 23:05:00.000',
        ['52.84.17.45', '69.89.31.130', '192.0.2.7'],
        '9007199254740993',
        '-9007199254740993',
        12.5,
        '2026-09-17',
        '2026-09-17 20:26:23.456',
        null,
        3,
      ],
    ]);
    assert.deepEqual(r.types.slice(0, 3), ['bigint', 'hugeint', 'hugeint']);
  });

  test('column names come back lower case, as Trino names them', async () => {
    const r = await engine.run(
      query('SELECT count(*) AS Packets, src AS "Source" FROM firewall GROUP BY src LIMIT 1'),
    );
    assert.deepEqual(r.columns, ['packets', 'source']);
  });

  test('a failing query is a QueryFailedError naming the query', async () => {
    await assert.rejects(
      engine.run(query('SELECT no_such_column FROM firewall')),
      (e: unknown) =>
        e instanceof QueryFailedError && e.state === 'FAILED' && /^test: .*no_such_column/s.test(e.message),
    );
  });

  test('placeholders and parameters must agree in number', async () => {
    await assert.rejects(
      engine.run(
        query('SELECT * FROM firewall WHERE host = ? AND spt < ?', [
          { name: 'host', type: 'string', value: 'x' },
        ]),
      ),
      /2 placeholders but 1 parameters/,
    );
  });

  test('a value of the wrong type for its parameter is refused', async () => {
    await assert.rejects(
      engine.run(query('SELECT * FROM firewall LIMIT ?', [{ name: 'limit', type: 'int', value: 1.5 }])),
      /parameter limit: int expected/,
    );
  });

  test('an aborted signal cancels', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      engine.run(query('SELECT 1'), { signal: controller.signal }),
      (e: unknown) => e instanceof QueryFailedError && e.state === 'CANCELLED',
    );
    // The engine is still usable afterwards.
    assert.deepEqual((await engine.run(query('SELECT 1 AS one'))).rows, [[1]]);
  });

  test('runs issued together all complete', async () => {
    const results = await Promise.all(
      [1, 2, 3].map((n) => engine.run(query('SELECT ? AS n', [{ name: 'n', type: 'int', value: n }]))),
    );
    assert.deepEqual(
      results.map((r) => r.rows[0][0]),
      [1, 2, 3],
    );
  });
});

describe('DuckDbEngine.open', () => {
  test('a warehouse without a firewall/ folder says to ingest first', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'fwlake-duckdb-empty-'));
    try {
      await assert.rejects(DuckDbEngine.open(empty), /no firewall\/ folder.*fwlake ingest/);
      await assert.rejects(DuckDbEngine.open(join(empty, 'missing')), /fwlake ingest/);
      // A firewall/ folder with no parts yet: also a clear error.
      mkdirSync(join(empty, 'firewall'));
      await assert.rejects(DuckDbEngine.open(empty), /cannot read the warehouse.*fwlake ingest/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  test('close is idempotent and a closed engine refuses to run', async () => {
    const e = await DuckDbEngine.open(warehouse);
    await e.close();
    await e.close();
    await assert.rejects(e.run(query('SELECT 1')), /closed/);
  });
});
