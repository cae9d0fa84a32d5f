import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadCatalog } from '../../functions/adapters/catalog-files.ts';
import {
  CatalogError,
  parseSavedQuery,
  parseTime,
  placeholders,
  prepare,
} from '../../functions/core/catalog.ts';
import { catalogMarkdown } from '../../functions/core/catalog-docs.ts';
import { uncoveredFunctions } from '../../functions/core/dialect.ts';
import { trinoSyntaxErrors } from '../support/trino-check.ts';

const NOW = Date.UTC(2026, 8, 18, 12, 0, 0);

const SAMPLE = `-- name: example
-- description: An example.
-- param: since timestamp = -24h   start
-- param: until timestamp = now    end
-- param: port int = 22            a port
-- param: host string = ''         a host
SELECT ':not_a_param' AS s, "x:y" AS q -- :nor_this
FROM firewall
WHERE dt BETWEEN :since_dt AND :until_dt AND hour >= :since_hour AND hour <= :until_hour
  AND ts >= CAST(:since AS timestamp) AND ts < CAST(:until AS timestamp)
  AND dpt = :port AND (:host = '' OR host = :host) /* :nor_that */
`;

describe('the .sql header', () => {
  it('names the query, describes it and declares typed parameters with defaults', () => {
    const q = parseSavedQuery(SAMPLE, 'example.sql');
    assert.equal(q.name, 'example');
    assert.equal(q.description, 'An example.');
    assert.deepEqual(
      q.params.map((p) => [p.name, p.type, p.defaultText]),
      [
        ['since', 'timestamp', '-24h'],
        ['until', 'timestamp', 'now'],
        ['port', 'int', '22'],
        ['host', 'string', "''"],
      ],
    );
  });

  it('rejects a file without a name or description, an undeclared or unused parameter, a bad default', () => {
    const bad = (text: string, re: RegExp) => assert.throws(() => parseSavedQuery(text, 'x.sql'), re);
    bad('SELECT 1', /name/);
    bad('-- name: x\nSELECT 1', /description/);
    bad('-- name: x\n-- description: d\nSELECT :y', /:y is used but not declared/);
    bad('-- name: x\n-- description: d\n-- param: y int = 1\nSELECT 1', /y is never used/);
    bad('-- name: x\n-- description: d\n-- param: y int = lots\nSELECT :y', /expected an integer/);
    bad('-- name: x\n-- description: d\n-- param: y money = 1\nSELECT :y', /cannot read/);
    bad('-- name: Bad_Name\n-- description: d\nSELECT 1', /name/);
  });
});

describe('placeholders', () => {
  it('become ? in order, skipping literals, quoted identifiers, comments and :: casts', () => {
    const { sql, names } = placeholders("SELECT ':a', \"b:c\", x::int, :d -- :e\n/* :f */ , :g, ':h'':i'");
    assert.deepEqual(names, ['d', 'g']);
    assert.equal(sql, "SELECT ':a', \"b:c\", x::int, ? -- :e\n/* :f */ , ?, ':h'':i'");
  });
});

describe('binding arguments', () => {
  const q = parseSavedQuery(SAMPLE, 'example.sql');

  it('applies defaults, resolves relative times and derives the partition day and hour', () => {
    const p = prepare(q, {}, NOW);
    assert.deepEqual(
      p.params.map((b) => [b.name, b.value]),
      [
        ['since_dt', '2026-09-17'],
        ['until_dt', '2026-09-18'],
        ['since_hour', '12'],
        ['until_hour', '12'],
        ['since', '2026-09-17 12:00:00.000'],
        ['until', '2026-09-18 12:00:00.000'],
        ['port', 22],
        ['host', ''],
        ['host', ''],
      ],
    );
    assert.equal((p.sql.match(/\?/g) ?? []).length, p.params.length);
    assert.ok(!p.sql.includes(':port'));
  });

  it('takes values as given, typed', () => {
    const p = prepare(q, { since: '2026-09-17T22:00:00+02:00', port: '443', host: "fw1' OR '1'='1" }, NOW);
    const v = Object.fromEntries(p.params.map((b) => [b.name, b.value]));
    assert.equal(v.since, '2026-09-17 20:00:00.000');
    assert.equal(v.since_hour, '20');
    assert.equal(v.port, 443);
    assert.equal(v.host, "fw1' OR '1'='1"); // bound, never pasted: the SQL text has no value in it
    assert.ok(!p.sql.includes('fw1'));
  });

  it('rejects a value of the wrong type, an unknown parameter, an impossible date, before anything runs', () => {
    assert.throws(
      () => prepare(q, { port: 'ssh' }, NOW),
      (e) => e instanceof CatalogError && /port: expected an integer/.test(e.message),
    );
    assert.throws(() => prepare(q, { port: 2.5 }, NOW), /expected an integer/);
    assert.throws(() => prepare(q, { prot: 22 }, NOW), /unknown parameter "prot"/);
    assert.throws(() => prepare(q, { since: 'yesterday' }, NOW), /since: expected a time/);
    assert.throws(() => prepare(q, { since: '2026-02-30' }, NOW), /since: expected a time/);
  });

  it('computes a default relative to another parameter (since - 7d)', () => {
    const rel = parseSavedQuery(
      `-- name: rel\n-- description: d\n-- param: since timestamp = -1d x\n-- param: base timestamp = since - 7d y\nSELECT :since, :base`,
      'rel.sql',
    );
    const p = prepare(rel, { since: '2026-09-17' }, NOW);
    assert.deepEqual(
      p.params.map((b) => b.value),
      ['2026-09-17 00:00:00.000', '2026-09-10 00:00:00.000'],
    );
  });

  it('reads times: now, durations back from now, ISO dates and times with or without a zone', () => {
    assert.equal(parseTime('now', NOW), NOW);
    assert.equal(parseTime('24h', NOW), NOW - 86_400_000);
    assert.equal(parseTime('-90m', NOW), NOW - 5_400_000);
    assert.equal(parseTime('2w', NOW), NOW - 14 * 86_400_000);
    assert.equal(parseTime('2026-09-17', NOW), Date.UTC(2026, 8, 17));
    assert.equal(parseTime('2026-09-17 22:26', NOW), Date.UTC(2026, 8, 17, 22, 26));
    assert.equal(parseTime('2026-09-17T22:26:23.5-0100', NOW), Date.UTC(2026, 8, 17, 23, 26, 23, 500));
    assert.ok(Number.isNaN(parseTime('last tuesday', NOW)));
  });
});

describe('the catalog folders', () => {
  it('loads the user’s own .sql files beside the shipped ones, and refuses a name twice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwlake-q-'));
    writeFileSync(
      join(dir, 'mine.sql'),
      '-- name: my-query\n-- description: Mine.\nSELECT count(*) AS n FROM firewall',
    );
    const catalog = loadCatalog(['functions/queries', dir]);
    assert.ok(catalog.has('my-query'));
    assert.ok(catalog.has('low-source-ports'));
    writeFileSync(join(dir, 'dup.sql'), '-- name: flows\n-- description: Again.\nSELECT 1');
    assert.throws(() => loadCatalog(['functions/queries', dir]), /query name flows is used by/);
    assert.throws(() => loadCatalog([join(dir, 'nope')]), /no query folder/);
  });
});

describe('the README', () => {
  it('lists every saved query with its parameters, as generated from the catalog', () => {
    const readme = readFileSync('README.md', 'utf8');
    const a = readme.indexOf('<!-- queries:start -->');
    const b = readme.indexOf('<!-- queries:end -->');
    assert.ok(a >= 0 && b > a, 'README.md has the queries markers');
    assert.equal(
      readme.slice(a + '<!-- queries:start -->'.length, b).trim(),
      catalogMarkdown(loadCatalog(['functions/queries']).values()),
      'README query list is stale: run `npm run docs`',
    );
  });
});

describe('every shipped query', () => {
  const catalog = loadCatalog(['functions/queries']);

  it('is there: the operator’s questions', () => {
    for (const name of [
      'flows',
      'flows-filtered',
      'low-source-ports',
      'low-source-ports-lines',
      'ssh-attempts',
      'quic',
      'state-loss',
      'top-talkers',
      'top-blocked-ports',
      'port-scans',
      'new-sources',
      'host-volume',
    ]) {
      assert.ok(catalog.has(name), name);
    }
  });

  for (const q of catalog.values()) {
    it(`${q.name}: parses as Trino SQL, uses only functions the DuckDB layer covers, prunes dt and hour`, () => {
      const { sql } = placeholders(q.sql);
      assert.deepEqual(trinoSyntaxErrors(sql), [], `${q.name} is not valid Trino SQL`);
      assert.deepEqual(uncoveredFunctions(sql), [], `${q.name} uses functions DuckDB does not have`);
      // Partition pruning: the window's day and hour bound both partition columns.
      assert.match(q.sql, /\bdt BETWEEN :\w+_dt AND :until_dt\b/);
      assert.match(q.sql, /\(dt > :\w+_dt OR hour >= :\w+_hour\)/);
      assert.match(q.sql, /\(dt < :until_dt OR hour <= :until_hour\)/);
      assert.ok(q.params.some((p) => p.name === 'since' && p.type === 'timestamp'));
      assert.ok(q.params.some((p) => p.name === 'until' && p.type === 'timestamp'));
    });
  }

  it('the Trino check catches what Athena would refuse', () => {
    assert.notDeepEqual(trinoSyntaxErrors('SELECT * EXCLUDE (raw) FROM firewall'), []);
    assert.deepEqual(uncoveredFunctions('SELECT levenshtein_distance(src, dst) FROM firewall'), [
      'levenshtein_distance',
    ]);
  });
});
