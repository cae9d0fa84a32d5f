/**
 * The dialect layer on a real DuckDB: every shim, rewrite and function of
 * TRINO_FUNCTIONS_OK run as Trino SQL (through DUCKDB_SETTINGS, DUCKDB_MACROS
 * and toDuckDb) against the answer Trino gives, written next to each query.
 * Plus the SQL scanning: functionsUsed, uncoveredFunctions, the rewrites'
 * respect for strings, quoted identifiers and comments; and the Trino syntax
 * check (trino-check.ts).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { toJs } from '../../functions/adapters/duckdb-engine.ts';
import { parseSavedQuery, placeholders } from '../../functions/core/catalog.ts';
import {
  COVERED_FUNCTIONS,
  DUCKDB_MACROS,
  DUCKDB_SETTINGS,
  functionsUsed,
  REWRITTEN_FUNCTIONS,
  SHIMMED_FUNCTIONS,
  TRINO_FUNCTIONS_OK,
  toDuckDb,
  uncoveredFunctions,
} from '../../functions/core/dialect.ts';
import { trinoSyntaxErrors } from '../support/trino-check.ts';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  for (const sql of [...DUCKDB_SETTINGS, ...DUCKDB_MACROS]) await conn.run(sql);
});
after(() => {
  conn.closeSync();
  instance.closeSync();
});

/** Runs Trino SQL on DuckDB the way the engine does; rows in the contract's JS form. */
async function trino(sql: string): Promise<unknown[][]> {
  const reader = await conn.runAndReadAll(toDuckDb(sql));
  return reader.getRows().map((row) => row.map(toJs));
}

/** Every Trino query checked on DuckDB below: the coverage test reads their functions. */
const verified: string[] = [];

/**
 * `[Trino SQL, what Trino returns]`: a SELECT of one value (the first column
 * of the first row), or a whole result as rows when the answer is `{ rows }`.
 */
type Case = readonly [sql: string, trinoAnswer: unknown];

function check(title: string, cases: readonly Case[]) {
  describe(title, () => {
    for (const [sql, answer] of cases) {
      verified.push(sql);
      test(`${sql}  →  ${JSON.stringify(answer)}`, async () => {
        const rows = await trino(sql);
        if (answer !== null && typeof answer === 'object' && 'rows' in answer) {
          assert.deepEqual(rows, (answer as { rows: unknown[][] }).rows);
        } else {
          assert.deepEqual(rows[0][0], answer);
        }
      });
    }
  });
}

/** `[Trino SQL, a part of Trino's error message]`: Trino fails, and so must DuckDB. */
function checkFails(title: string, cases: readonly (readonly [string, RegExp])[]) {
  describe(title, () => {
    for (const [sql, message] of cases) {
      verified.push(sql);
      test(`${sql}  →  error ${message}`, async () => {
        await assert.rejects(trino(sql), message);
      });
    }
  });
}

const TS = "TIMESTAMP '2026-09-17 22:26:23.456'"; // a Thursday, day 260, ISO week 38

check('shims: macros named like the Trino function', [
  // HyperLogLog is exact at this size: Trino says 2.
  ["SELECT approx_distinct(x) FROM (VALUES ('a'), ('a'), ('b'), (CAST(NULL AS varchar))) AS t(x)", 2],
  ["SELECT approx_distinct(x, 0.01) FROM (VALUES ('a'), ('b')) AS t(x)", 2],
  // Trino's arbitrary never picks the NULL; DuckDB's own arbitrary (first) would.
  ["SELECT arbitrary(x) FROM (VALUES (CAST(NULL AS varchar)), ('b')) AS t(x)", 'b'],
  // Trino docs: regexp_like('1a 2b 14m', '\d+b') is true (a match anywhere).
  ["SELECT regexp_like('1a 2b 14m', '\\d+b')", true],
  ["SELECT regexp_like('abc', '^b')", false],
  ["SELECT cardinality(ARRAY['a', 'b', 'c'])", 3],
  ["SELECT cardinality(split('', ','))", 1],
  ['SELECT element_at(ARRAY[1, 2, 3], 1)', 1],
  ['SELECT element_at(ARRAY[1, 2, 3], -1)', 3],
  ['SELECT element_at(ARRAY[1, 2, 3], 5)', null],
  ['SELECT element_at(ARRAY[1, 2, 3], -5)', null],
  ["SELECT array_join(ARRAY['a', NULL, 'b'], ',')", 'a,b'],
  ["SELECT array_join(ARRAY['a', NULL, 'b'], ',', 'N')", 'a,N,b'],
  ["SELECT array_join(ARRAY[1, 2], '-')", '1-2'],
  // Trino: 2026-09-17 22:26:23.456 UTC (a timestamp with time zone); locally the UTC TIMESTAMP.
  ["SELECT from_iso8601_timestamp('2026-09-17T22:26:23.456Z')", '2026-09-17 22:26:23.456'],
  ["SELECT from_iso8601_timestamp('2026-09-17T22:26:23.456+00:00')", '2026-09-17 22:26:23.456'],
  // Offsets are honoured: the same instant as 20:26:23 UTC (Trino compares instants: true).
  ["SELECT from_iso8601_timestamp('2026-09-17T22:26:23+02:00') = TIMESTAMP '2026-09-17 20:26:23'", true],
  // No offset: the session zone, UTC on Athena.
  ["SELECT from_iso8601_timestamp('2026-09-17T22:26:23')", '2026-09-17 22:26:23.000'],
  ["SELECT from_iso8601_timestamp('2026-09-17')", '2026-09-17 00:00:00.000'],
  ["SELECT from_iso8601_date('2026-09-17')", '2026-09-17'],
  // Trino: 1.789683983456E9 (a DOUBLE, milliseconds in the fraction).
  [`SELECT to_unixtime(${TS})`, 1789683983.456],
  [`SELECT date_format(${TS}, '%Y-%m-%d %H:%i:%s.%f')`, '2026-09-17 22:26:23.456000'],
  [`SELECT date_format(${TS}, '%W %M %e, %Y %r')`, 'Thursday September 17, 2026 10:26:23 PM'],
  [
    `SELECT date_format(${TS}, '%a %b %c %d %h %I %j %k %l %m %p %S %T %v %x %y')`,
    'Thu Sep 9 17 10 10 260 22 10 09 PM 23 22:26:23 38 2026 26',
  ],
  // %% is a literal percent sign, also before a letter that is a specifier.
  [`SELECT date_format(${TS}, '100%% at %%i %H')`, '100% at %i 22'],
  [`SELECT date_add('minute', 90, ${TS})`, '2026-09-17 23:56:23.456'],
  [`SELECT date_add('hour', -23, ${TS})`, '2026-09-16 23:26:23.456'],
  [`SELECT date_add('millisecond', 544, ${TS})`, '2026-09-17 22:26:24.000'],
  [`SELECT date_add('week', 1, ${TS})`, '2026-09-24 22:26:23.456'],
  // Month ends are clamped in Trino: Jan 31 + 1 month is Feb 28.
  ["SELECT date_add('month', 1, TIMESTAMP '2026-01-31 00:00:00')", '2026-02-28 00:00:00.000'],
  ["SELECT date_add('quarter', -1, TIMESTAMP '2026-09-17 00:00:00')", '2026-06-17 00:00:00.000'],
  ["SELECT date_add('year', 1, TIMESTAMP '2028-02-29 00:00:00')", '2029-02-28 00:00:00.000'],
  [`SELECT day_of_week(${TS})`, 4],
  ["SELECT dow(DATE '2026-09-20')", 7], // a Sunday
  [`SELECT day_of_year(${TS})`, 260],
  ["SELECT doy(DATE '2026-12-31')", 365],
  ["SELECT substr('hello', 2)", 'ello'],
  ["SELECT substr('hello', 2, 2)", 'el'],
  ["SELECT substr('hello', -3)", 'llo'],
  ["SELECT substr('hello', -3, 2)", 'll'],
  // Where DuckDB's substring clamps, Trino gives an empty string.
  ["SELECT substr('hello', 0)", ''],
  ["SELECT substr('hello', 0, 2)", ''],
  ["SELECT substr('hello', -10)", ''],
  ["SELECT substr('hello', 9)", ''],
  ["SELECT substr('hello', 2, 0)", ''],
  ['SELECT substr(CAST(NULL AS varchar), 2)', null],
]);

checkFails('shims: where Trino fails, DuckDB fails too', [
  ['SELECT element_at(ARRAY[1, 2, 3], 0)', /SQL array indices start at 1/],
  // Trino rejects %D %U %u %V %w %X; DuckDB's strftime would give its own meaning.
  [`SELECT date_format(${TS}, '%V')`, /not supported/],
  [`SELECT date_format(${TS}, '%u')`, /not supported/],
  [`SELECT date_add('fortnight', 1, ${TS})`, /unsupported unit/],
]);

check('rewrites: calls toDuckDb renames', [
  // Trino's format is printf-style; DuckDB's format would return '%s:%d' as it is.
  ["SELECT format('%s:%d', 'a', 22)", 'a:22'],
  ["SELECT format('%.2f|%05d|%x', 3.14159, 42, 255)", '3.14|00042|ff'],
  ["SELECT format('%s', 'format(')", 'format('],
  // Trino's contains(array, x) is membership.
  ["SELECT contains(ARRAY['ACK', 'SYN'], 'SYN')", true],
  ["SELECT contains(ARRAY['ACK', 'PSH'], 'SYN')", false],
  ["SELECT contains(ARRAY['ACK', 'PSH'], 'AC')", false],
  // Trino counts whole units elapsed: 1 second apart is 0 minutes (DuckDB's date_diff says 1).
  ["SELECT date_diff('minute', TIMESTAMP '2026-09-17 22:00:59', TIMESTAMP '2026-09-17 22:01:00')", 0],
  ["SELECT date_diff('minute', TIMESTAMP '2026-09-17 22:00:00', TIMESTAMP '2026-09-17 22:45:59.999')", 45],
  ["SELECT date_diff('minute', TIMESTAMP '2026-09-17 22:02:00', TIMESTAMP '2026-09-17 22:00:59')", -1],
  ["SELECT date_diff('second', TIMESTAMP '2026-09-17 22:00:00.900', TIMESTAMP '2026-09-17 22:00:01.100')", 0],
  ["SELECT date_diff('day', TIMESTAMP '2026-09-17 12:00:00', TIMESTAMP '2026-09-19 11:59:59')", 1],
  ["SELECT date_diff('hour', TIMESTAMP '2026-09-17 12:00:00', TIMESTAMP '2026-09-17 14:59:59.999')", 2],
  ["SELECT regexp_extract('SRC=1.2.3.4 DST=5.6.7.8', 'DST=(\\S+)', 1)", '5.6.7.8'],
  ["SELECT regexp_extract('SRC=1.2.3.4 DST=5.6.7.8', 'DST=\\S+')", 'DST=5.6.7.8'],
  // No match: Trino returns NULL (DuckDB's regexp_extract returns '').
  ["SELECT regexp_extract('SRC=1.2.3.4', 'DST=(\\S+)', 1)", null],
  // Trino replaces every match and writes groups as $1.
  ["SELECT regexp_replace('a1b22', '\\d+', '#')", 'a#b#'],
  ["SELECT regexp_replace('a1b22', '(\\d+)', '<$1>')", 'a<1>b<22>'],
  ["SELECT regexp_replace('a1b22', '\\d')", 'ab'],
  ['SELECT transform(ARRAY[1, 2], x -> x * 2)', [2, 4]],
  // Trino's two-argument if: NULL when false.
  ['SELECT if(1 > 2, 1)', null],
  ["SELECT if(1 < 2, 'yes')", 'yes'],
]);

check('settings: operators as in Trino', [
  // Integer division truncates toward zero in Trino.
  ['SELECT 7 / 2', 3],
  ['SELECT -7 / 2', -3],
  ['SELECT 7.0 / 2', 3.5],
  ['SELECT 7e0 / 2', 3.5],
  // Text without an offset is read in the session zone: UTC.
  [
    "SELECT CAST(CAST('2026-09-17 22:26:23' AS TIMESTAMP WITH TIME ZONE) AS TIMESTAMP)",
    '2026-09-17 22:26:23.000',
  ],
]);

const GROUPS = "(VALUES (1, 'a'), (2, 'b'), (3, 'c'), (CAST(NULL AS integer), 'd')) AS t(x, y)";
check('TRINO_FUNCTIONS_OK: the same on DuckDB as they are', [
  [
    `SELECT count(*), count(x), count_if(x > 1), sum(x), min(x), max(x), avg(x) FROM ${GROUPS}`,
    { rows: [[4, 3, 2, 6, 1, 3, 2]] },
  ],
  [`SELECT min_by(y, x), max_by(y, x) FROM ${GROUPS}`, { rows: [['a', 'c']] }],
  [`SELECT array_agg(x ORDER BY y) FROM ${GROUPS}`, [1, 2, 3, null]],
  [`SELECT count(*) FILTER (WHERE x >= 2) FROM ${GROUPS}`, 2],
  [
    "SELECT x, row_number() OVER (ORDER BY x), rank() OVER (ORDER BY x), dense_rank() OVER (ORDER BY x), lag(x) OVER (ORDER BY x), lead(x, 1, 'z') OVER (ORDER BY x) FROM (VALUES ('a'), ('a'), ('b')) AS t(x) ORDER BY 2",
    {
      rows: [
        ['a', 1, 1, 1, null, 'a'],
        ['a', 2, 1, 1, 'a', 'b'],
        ['b', 3, 3, 2, 'a', 'z'],
      ],
    },
  ],
  ["SELECT coalesce(NULL, 'x')", 'x'],
  ["SELECT nullif('a', 'a')", null],
  ["SELECT if(1 > 2, 'a', 'b')", 'b'],
  ["SELECT lower('ÄB'), upper('äb'), length('héllo')", 'äb'],
  ["SELECT upper('äb')", 'ÄB'],
  ["SELECT length('héllo')", 5],
  ["SELECT replace('aXbX', 'X', '-')", 'a-b-'],
  ["SELECT strpos('hello', 'l')", 3],
  ["SELECT strpos('hello', 'z')", 0],
  ["SELECT starts_with('abc', 'a')", true],
  ["SELECT split('a,,b', ',')", ['a', '', 'b']],
  ["SELECT split('', ',')", ['']],
  ['SELECT filter(ARRAY[1, 2, 3], x -> x > 1)', [2, 3]],
  [
    "SELECT flag FROM (VALUES (ARRAY['ACK', 'SYN'])) AS t(f) CROSS JOIN UNNEST(f) AS u(flag) ORDER BY flag",
    { rows: [['ACK'], ['SYN']] },
  ],
  ['SELECT abs(-3)', 3],
  ['SELECT round(2.5)', 3],
  ['SELECT round(-2.5)', -3],
  ['SELECT round(-2.5e0)', -3],
  ['SELECT round(1.234e0, 2)', 1.23],
  ['SELECT round(2.345, 2)', 2.35],
  ['SELECT round(15, -1)', 20],
  ['SELECT floor(-2.5e0)', -3],
  ['SELECT floor(2.7e0)', 2],
  ['SELECT ceil(2.2e0)', 3],
  [`SELECT date_trunc('hour', ${TS})`, '2026-09-17 22:00:00.000'],
  [`SELECT date_trunc('day', ${TS})`, '2026-09-17 00:00:00.000'],
  [`SELECT date_trunc('week', ${TS})`, '2026-09-14 00:00:00.000'], // Monday
  [`SELECT extract(hour FROM ${TS})`, 22],
  [
    `SELECT year(${TS}), quarter(${TS}), month(${TS}), week(${TS}), day(${TS}), hour(${TS}), minute(${TS}), second(${TS})`,
    { rows: [[2026, 3, 9, 38, 17, 22, 26, 23]] },
  ],
]);

describe('coverage', () => {
  test('every function said to be covered is run in a test above', () => {
    const run = new Set(verified.flatMap(functionsUsed));
    const unverified = [...COVERED_FUNCTIONS].filter((f) => !run.has(f));
    assert.deepEqual(unverified, []);
  });

  test('the three groups do not overlap', () => {
    for (const f of Object.keys(REWRITTEN_FUNCTIONS)) {
      assert.ok(!TRINO_FUNCTIONS_OK.has(f) && !SHIMMED_FUNCTIONS.has(f), f);
    }
    for (const f of SHIMMED_FUNCTIONS) assert.ok(!TRINO_FUNCTIONS_OK.has(f), f);
  });

  test('functions that differ are not covered: DuckDB would answer differently', async () => {
    // Trino: concat('a', NULL) is NULL, greatest(1, NULL) is NULL, trim removes the tab.
    assert.deepEqual(await trino("SELECT concat('a', NULL), greatest(1, NULL), trim(chr(9) || 'a')"), [
      ['a', 1, '\ta'],
    ]);
    assert.deepEqual(uncoveredFunctions('SELECT concat(a, b), greatest(1, 2), least(1, 2), trim(x) FROM t'), [
      'concat',
      'greatest',
      'least',
      'trim',
    ]);
  });

  test('every shipped saved query uses covered functions only', () => {
    const dir = 'functions/queries';
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.sql'))) {
      const q = parseSavedQuery(readFileSync(join(dir, f), 'utf8'), f);
      assert.deepEqual(uncoveredFunctions(placeholders(q.sql).sql), [], f);
    }
  });
});

describe('toDuckDb', () => {
  test('renames format and contains calls, nothing else', () => {
    const sql = [
      "SELECT format('%s/%d', proto, dpt), 'format(' AS a, \"format\" AS b, -- format(x)",
      "  contains(tcp_flags, 'SYN') /* contains( */, 'contains(tcp_flags' AS c, \"contains\"",
      'FROM firewall WHERE NOT contains (tcp_flags, ?)',
    ].join('\n');
    assert.equal(
      toDuckDb(sql),
      [
        "SELECT printf('%s/%d', proto, dpt), 'format(' AS a, \"format\" AS b, -- format(x)",
        "  list_contains(tcp_flags, 'SYN') /* contains( */, 'contains(tcp_flags' AS c, \"contains\"",
        'FROM firewall WHERE NOT list_contains (tcp_flags, ?)',
      ].join('\n'),
    );
  });

  test('a quote doubled inside a string does not end it', () => {
    const sql = "SELECT 'it''s format(' || format('%s', x) FROM t";
    assert.equal(toDuckDb(sql), "SELECT 'it''s format(' || printf('%s', x) FROM t");
  });

  test('case does not matter; the other rewrites and the two-argument if', () => {
    assert.equal(
      toDuckDb("SELECT FORMAT('%s', x), Date_Diff('minute', a, b), if(c, if(d, 1), 2), IF(e, f, g) FROM t"),
      "SELECT printf('%s', x), date_sub('minute', a, b), if(c, if(d, 1, NULL), 2), IF(e, f, g) FROM t",
    );
    assert.equal(
      toDuckDb("SELECT regexp_extract(raw, 'x'), regexp_replace(raw, 'y'), transform(a, x -> x)"),
      "SELECT trino_regexp_extract(raw, 'x'), trino_regexp_replace(raw, 'y'), list_transform(a, x -> x)",
    );
  });

  test('SQL without rewrites comes back identical', () => {
    const sql = 'SELECT src, count(*) AS packets\nFROM firewall -- note\nWHERE "window" > ? GROUP BY src';
    assert.equal(toDuckDb(sql), sql);
  });
});

describe('functionsUsed', () => {
  test('skips strings, quoted identifiers, comments, keywords, types, CTE names and alias column lists', () => {
    const sql = `
      WITH seen AS (SELECT src, ts FROM firewall),
           pairs (a, b) AS (SELECT 1, 2)
      SELECT count(*) FILTER (WHERE spt IN (22, 443)) AS n,
             'lower(x) (' AS s, -- upper(y)
             /* max(z) ( */ "window", "lower"(src),
             CAST(spt AS varchar(5)), TRY_CAST(src AS array(decimal(10, 2))),
             sum(len) OVER (PARTITION BY abs(spt) ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
             coalesce(a, b)
      FROM seen
      CROSS JOIN UNNEST(tcp_flags) AS t(flag)
      JOIN pairs p(c, d) ON EXISTS (SELECT 1)
      WHERE NOT (a = 1) AND x NOT IN (SELECT 1) AND ts >= CAST(? AS timestamp)
        AND date_trunc('hour', ts) IS NOT NULL AND 'it''s max(' <> '' AND extract(hour FROM ts) > 1
      GROUP BY ROLLUP (src), CUBE (ts)
      LIMIT ?`;
    assert.deepEqual(functionsUsed(sql), [
      'abs',
      'coalesce',
      'count',
      'date_trunc',
      'extract',
      'sum',
      'unnest',
    ]);
  });

  test('filter: the aggregate clause is not a call, the array function is', () => {
    assert.deepEqual(functionsUsed('SELECT count(*) FILTER (WHERE x > 1) FROM t'), ['count']);
    assert.deepEqual(functionsUsed("SELECT filter(tcp_flags, f -> f <> 'ACK') FROM t"), ['filter']);
  });

  test('names are lower case, once each, with spaces before the parenthesis', () => {
    assert.deepEqual(functionsUsed('SELECT COUNT (*), count(x), Max(y) FROM t'), ['count', 'max']);
  });

  test('the shipped queries: state-loss', () => {
    const q = parseSavedQuery(readFileSync('functions/queries/state-loss.sql', 'utf8'), 'state-loss.sql');
    assert.deepEqual(functionsUsed(placeholders(q.sql).sql), [
      'array_agg',
      'array_join',
      'contains',
      'count',
      'date_diff',
      'lag',
      'max',
      'min',
      'sum',
    ]);
  });
});

describe('uncoveredFunctions', () => {
  test('flags Trino functions nobody checked on DuckDB', () => {
    assert.deepEqual(
      uncoveredFunctions(
        "SELECT json_extract_scalar(raw, '$.a'), levenshtein_distance(src, dst), count(*) FROM firewall",
      ),
      ['json_extract_scalar', 'levenshtein_distance'],
    );
  });

  test('flags DuckDB-only functions: Athena has none of them', () => {
    assert.deepEqual(
      uncoveredFunctions('SELECT list_contains(a, 1), printf(f), epoch(ts), date_sub(u, a, b) FROM t'),
      ['date_sub', 'epoch', 'list_contains', 'printf'],
    );
  });

  test('shimmed and rewritten functions are covered', () => {
    assert.deepEqual(
      uncoveredFunctions(
        "SELECT approx_distinct(src), contains(tcp_flags, 'SYN'), format('%s', x), date_diff('minute', a, b) FROM t",
      ),
      [],
    );
  });
});

describe('trinoSyntaxErrors', () => {
  test('valid Trino with ? placeholders passes', () => {
    assert.deepEqual(
      trinoSyntaxErrors(
        'SELECT src, count(*) FILTER (WHERE spt < ?) AS n, "window"\nFROM firewall\nWHERE host = ? AND ts >= CAST(? AS timestamp)\nGROUP BY src\nLIMIT ?',
      ),
      [],
    );
    assert.deepEqual(
      trinoSyntaxErrors('SELECT flag FROM firewall CROSS JOIN UNNEST(tcp_flags) AS t(flag);'),
      [],
    );
  });

  test('every shipped saved query parses as Trino', () => {
    const dir = 'functions/queries';
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.sql'))) {
      const q = parseSavedQuery(readFileSync(join(dir, f), 'utf8'), f);
      assert.deepEqual(trinoSyntaxErrors(placeholders(q.sql).sql), [], f);
    }
  });

  test('DuckDB-only constructs fail', () => {
    for (const sql of [
      'SELECT * EXCLUDE (raw) FROM firewall',
      'SELECT spt::int FROM firewall',
      'SELECT src, count(*) FROM firewall GROUP BY ALL',
    ]) {
      assert.notDeepEqual(trinoSyntaxErrors(sql), [], sql);
    }
    assert.deepEqual(trinoSyntaxErrors('SELECT spt::int FROM firewall'), [
      "1:11: ':' is not valid at this position, expecting an existing column or a keyword",
    ]);
  });

  test('a syntax error gives line:column', () => {
    const errors = trinoSyntaxErrors('SELECT src,\n  count(* FROM firewall');
    assert.ok(errors.length > 0);
    assert.match(errors[0], /^2:9: '\*' is not valid at this position/);
    for (const e of errors) assert.match(e, /^\d+:\d+: /);
  });

  test('one statement only', () => {
    assert.deepEqual(trinoSyntaxErrors('SELECT 1;\nSELECT 2'), ['2:1: one statement expected, found 2']);
  });
});
