/** The compaction plan and statements: pure functions, checked against hand-made listings. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertZstdLevel, COMPACTED_ZSTD_LEVEL } from '../../functions/core/compaction-format.ts';
import {
  inputsDigest,
  isFinished,
  isValidHour,
  type ListedObject,
  markerKey,
  planCompaction,
} from '../../functions/core/compaction-plan.ts';
import {
  athenaDropPartition,
  athenaInsertHour,
  duckdbCompactHour,
} from '../../functions/core/compaction-sql.ts';
import { COLUMNS } from '../../functions/core/schema.ts';
import {
  athenaCreateCompactedTable,
  athenaCreateFreshHoursTable,
  athenaCreateView,
  athenaSelectList,
  athenaViewSql,
  compactedTableProperties,
  duckdbCreateView,
  prestoViewText,
  warehouseSources,
} from '../../functions/core/table-sql.ts';
import { trinoSyntaxErrors } from '../support/trino-check.ts';

const obj = (key: string, version = 'v1'): ListedObject => ({ key, version, size: 10 });
const NOW = Date.parse('2026-09-18T01:10:00Z');

describe('finished hours', () => {
  it('an hour is finished when its end plus the grace is not after now', () => {
    const h = { dt: '2026-09-18', hour: '00' };
    assert.equal(isFinished(h, Date.parse('2026-09-18T01:14:59Z'), 15 * 60_000), false);
    assert.equal(isFinished(h, Date.parse('2026-09-18T01:15:00Z'), 15 * 60_000), true);
    assert.equal(isFinished(h, Date.parse('2026-09-18T01:00:00Z'), 0), true);
  });

  it('only real UTC days and hours 00-23 are hours', () => {
    assert.equal(isValidHour({ dt: '2026-09-17', hour: '23' }), true);
    for (const bad of [
      { dt: '2026-02-30', hour: '01' },
      { dt: '2026-09-17', hour: '24' },
      { dt: "2026-09-17' OR '1'='1", hour: '01' },
      { dt: '2026-09-17', hour: '1' },
    ])
      assert.equal(isValidHour(bad), false, JSON.stringify(bad));
    assert.throws(
      () => athenaDropPartition('fwlake', { dt: "x'; DROP TABLE y; --", hour: '00' }),
      /not a UTC hour/,
    );
    assert.throws(() => athenaInsertHour('fwlake', { dt: '2026-09-17', hour: '99' }), /not a UTC hour/);
  });
});

describe('planCompaction', () => {
  const fresh = [
    obj('firewall/dt=2026-09-17/hour=21/a-0.json.gz'),
    obj('firewall_parquet/dt=2026-09-17/hour=21/b-0.parquet'),
    obj('firewall/dt=2026-09-17/hour=22/a-1.json.gz'),
    obj('firewall/dt=2026-09-18/hour=00/a-2.json.gz'),
  ];
  const digest21 = inputsDigest(fresh.slice(0, 2));

  it('plans every finished hour with fresh parts and no marker, oldest first; open hours are left', () => {
    const p = planCompaction({ fresh, compacted: [], markers: [], nowMs: NOW });
    assert.deepEqual(
      p.compact.map((h) => [h.dt, h.hour, h.inputs.length, h.staleMarkers, h.staleOutputs]),
      [
        ['2026-09-17', '21', 2, [], []],
        ['2026-09-17', '22', 1, [], []],
      ],
    );
    assert.equal(p.compact[0].digest, digest21);
    assert.equal(p.open, 1);
  });

  it('an hour whose one marker is the digest of its parts is up to date', () => {
    const h21 = { dt: '2026-09-17', hour: '21' };
    const p = planCompaction({
      fresh,
      compacted: [obj('firewall_compacted/dt=2026-09-17/hour=21/x_00000')],
      markers: [obj(markerKey(h21, digest21))],
      nowMs: NOW,
    });
    assert.deepEqual(
      p.compact.map((h) => h.hour),
      ['22'],
    );
    assert.equal(p.upToDate, 1);
  });

  it('a late, replaced or removed part changes the digest: the hour is redone, old marker and output listed to go', () => {
    const h21 = { dt: '2026-09-17', hour: '21' };
    const compacted = [obj('firewall_compacted/dt=2026-09-17/hour=21/x_00000')];
    const markers = [obj(markerKey(h21, digest21))];
    for (const changed of [
      [...fresh, obj('firewall/dt=2026-09-17/hour=21/late-0.json.gz')],
      [obj('firewall/dt=2026-09-17/hour=21/a-0.json.gz', 'v2'), ...fresh.slice(1)],
      fresh.slice(1),
    ]) {
      const p = planCompaction({ fresh: changed, compacted, markers, nowMs: NOW });
      const h = p.compact.find((x) => x.hour === '21')!;
      assert.ok(h, 'hour 21 replanned');
      assert.deepEqual(h.staleMarkers, [markers[0].key]);
      assert.deepEqual(h.staleOutputs, [compacted[0].key]);
    }
  });

  it('two markers (a run that died between writing and cleaning) mean redo', () => {
    const h21 = { dt: '2026-09-17', hour: '21' };
    const p = planCompaction({
      fresh,
      compacted: [],
      markers: [obj(markerKey(h21, digest21)), obj(markerKey(h21, 'f'.repeat(32)))],
      nowMs: NOW,
    });
    assert.deepEqual(p.compact[0].staleMarkers.length, 2);
  });

  it('an hour with compacted output but no fresh part is removed; odd keys are reported, not planned', () => {
    const p = planCompaction({
      fresh: [obj('firewall/notanhour/x.json.gz'), obj('firewall/dt=2026-13-01/hour=00/x.json.gz')],
      compacted: [obj('firewall_compacted/dt=2026-09-17/hour=20/x_00000')],
      markers: [obj('firewall_compacted_markers/dt=2026-09-17/hour=20/README.txt')],
      nowMs: NOW,
    });
    assert.deepEqual(
      p.remove.map((h) => [h.hour, h.staleOutputs.length]),
      [['20', 1]],
    );
    assert.deepEqual(p.unrecognised.sort(), [
      'firewall/dt=2026-13-01/hour=00/x.json.gz',
      'firewall/notanhour/x.json.gz',
      'firewall_compacted_markers/dt=2026-09-17/hour=20/README.txt',
    ]);
  });

  describe('with the registry of fresh hours (Athena)', () => {
    const h = (dt: string, hour: string) => ({ dt, hour });
    const h21 = h('2026-09-17', '21');
    const upToDate21 = {
      compacted: [obj('firewall_compacted/dt=2026-09-17/hour=21/x_00000')],
      markers: [obj(markerKey(h21, digest21))],
    };

    it('registers the hours to compact and open hours with parts, unless registered already', () => {
      const p = planCompaction({
        fresh,
        compacted: [],
        markers: [],
        registered: [h('2026-09-17', '22')],
        nowMs: NOW,
      });
      assert.deepEqual(
        p.compact.map((x) => [x.hour, x.registered]),
        [
          ['21', false],
          ['22', true],
        ],
      );
      // 21 to compact, 00 still open; 22 is registered already.
      assert.deepEqual(p.register, [h('2026-09-17', '21'), h('2026-09-18', '00')]);
      assert.deepEqual(p.deregister, []);
    });

    it('de-registers an up-to-date hour still registered, and a finished hour with nothing left', () => {
      const p = planCompaction({
        fresh,
        ...upToDate21,
        registered: [h21, h('2026-09-17', '22'), h('2026-09-17', '05'), h('2026-09-18', '00')],
        nowMs: NOW,
      });
      assert.equal(p.upToDate, 1);
      // 21 is up to date; 05 has neither parts nor compacted data; 22 is to compact (its own step 6); 00 is open.
      assert.deepEqual(p.deregister, [h('2026-09-17', '05'), h21]);
      assert.deepEqual(p.register, []);
    });

    it('an up-to-date hour that is not registered is left alone (the view reads it compacted)', () => {
      const p = planCompaction({ fresh, ...upToDate21, registered: [], nowMs: NOW });
      assert.deepEqual(p.deregister, []);
      assert.deepEqual(p.register, [h('2026-09-17', '22'), h('2026-09-18', '00')]);
    });

    it('a removed hour says whether it was registered; registered values that are not hours are reported', () => {
      const p = planCompaction({
        fresh: [],
        compacted: [obj('firewall_compacted/dt=2026-09-17/hour=20/x_00000')],
        markers: [],
        registered: [h('2026-09-17', '20'), h('2026-09-17', '7'), h("x' OR 1=1", '00')],
        nowMs: NOW,
      });
      assert.deepEqual(
        p.remove.map((x) => [x.hour, x.registered]),
        [['20', true]],
      );
      assert.deepEqual(p.deregister, [], 'a removed hour is de-registered by its own last step');
      assert.deepEqual(p.unrecognised, [
        'firewall_fresh_hours partition ["2026-09-17","7"]',
        'firewall_fresh_hours partition ["x\' OR 1=1","00"]',
      ]);
    });

    it('without a registry (locally) nothing is registered or de-registered', () => {
      const p = planCompaction({ fresh, compacted: [], markers: [], nowMs: NOW });
      assert.deepEqual([p.register, p.deregister], [[], []]);
      assert.equal(p.compact[0].registered, false);
    });
  });

  it('the digest does not depend on listing order', () => {
    assert.equal(inputsDigest([...fresh].reverse()), inputsDigest(fresh));
    assert.notEqual(inputsDigest(fresh), inputsDigest(fresh.slice(1)));
  });
});

describe('warehouseSources (the local view: every hour once)', () => {
  const w = '/wh';
  const files = [
    `${w}/firewall/dt=2026-11-20/hour=10/a.json.gz`,
    `${w}/firewall/dt=2026-11-20/hour=11/a.json.gz`,
    `${w}/firewall_parquet/dt=2026-11-20/hour=10/b.parquet`,
    `${w}/firewall_parquet/dt=2026-11-20/hour=11/b.parquet`,
    `${w}/firewall_compacted/dt=2026-11-20/hour=10/compacted.parquet`,
    `${w}/firewall_compacted_markers/dt=2026-11-20/hour=10/0123abcd.json`,
    // a compacted file with no marker (a run that died before it): not read, the fresh parts are
    `${w}/firewall_compacted/dt=2026-11-20/hour=12/compacted.parquet`,
    `${w}/firewall/dt=2026-11-20/hour=12/c.json.gz`,
  ];

  it('reads a compacted hour from its compacted file only, any other hour from its fresh parts', () => {
    assert.deepEqual(warehouseSources(files), {
      json: [
        `${w}/firewall/dt=2026-11-20/hour=11/a.json.gz`,
        `${w}/firewall/dt=2026-11-20/hour=12/c.json.gz`,
      ],
      parquet: [`${w}/firewall_parquet/dt=2026-11-20/hour=11/b.parquet`],
      compacted: [`${w}/firewall_compacted/dt=2026-11-20/hour=10/compacted.parquet`],
    });
  });

  it('ignores what is not a part of a partition, and refuses to make a view over nothing', () => {
    assert.deepEqual(warehouseSources([`${w}/firewall/stray.json.gz`, `${w}/other/dt=x/hour=y/z`]), {
      json: [],
      parquet: [],
      compacted: [],
    });
    assert.throws(() => duckdbCreateView({ json: [], parquet: [], compacted: [] }), /no record files/);
  });
});

describe('statements', () => {
  it('INSERT INTO selects every schema column, then dt and hour, from both fresh tables', () => {
    const q = athenaInsertHour('fwlake', { dt: '2026-09-17', hour: '21' });
    const cols = [...COLUMNS.map((c) => `"${c.name}"`), '"dt"', '"hour"'].join(', ');
    assert.equal(q.sql.split(`SELECT ${cols} FROM`).length - 1, 3);
    assert.equal((q.sql.match(/\?/g) ?? []).length, q.params.length);
    assert.ok(!q.sql.includes('2026'), 'the hour is bound, not written in');
  });

  it('DuckDB COPY reads exactly the listed files into one zstd Parquet file', () => {
    const sql = duckdbCompactHour({ json: ["/w/it's.json.gz"], parquet: ['/w/b.parquet'] }, '/w/out.tmp');
    assert.match(sql, /read_json\(\['\/w\/it''s\.json\.gz'\]/);
    assert.match(sql, /read_parquet\(\['\/w\/b\.parquet'\]/);
    assert.match(
      sql,
      new RegExp(
        `TO '/w/out\\.tmp' \\(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${COMPACTED_ZSTD_LEVEL}, ROW_GROUP_SIZE \\d+, WRITE_BLOOM_FILTER false\\)$`,
      ),
    );
    assert.match(sql, /\) ORDER BY "direction", "proto", "src", "ts", "source_key", "line_no"\)\nTO /);
    assert.doesNotMatch(sql, /PARQUET_VERSION/, 'data pages v1, which every reader reads');
  });

  it('DuckDB COPY takes a zstd level from 1 to 22, and nothing else', () => {
    const files = { json: [], parquet: ['/w/b.parquet'] };
    assert.match(duckdbCompactHour(files, '/w/o', 1), /COMPRESSION_LEVEL 1,/);
    assert.match(duckdbCompactHour(files, '/w/o', 22), /COMPRESSION_LEVEL 22,/);
    for (const bad of [0, 23, 3.5, Number.NaN, -1]) {
      assert.throws(() => duckdbCompactHour(files, '/w/o', bad), /whole number from 1 to 22/, String(bad));
      assert.throws(() => assertZstdLevel(bad), RangeError);
    }
  });

  it('INSERT INTO orders the rows like the local COPY (a hint to Athena), after both sources', () => {
    const q = athenaInsertHour('fwlake', { dt: '2026-09-17', hour: '21' });
    assert.match(q.sql, /\n\)\nORDER BY "direction", "proto", "src", "ts", "source_key", "line_no"$/);
  });

  it('the compacted table asks Athena for zstd at the same level', () => {
    assert.equal(compactedTableProperties()['parquet.compression'], 'ZSTD');
    assert.equal(compactedTableProperties().compression_level, String(COMPACTED_ZSTD_LEVEL));
    assert.match(
      athenaCreateCompactedTable({ database: 'fwlake', location: 's3://lake/firewall_compacted/' }),
      new RegExp(`'compression_level' = '${COMPACTED_ZSTD_LEVEL}'`),
    );
  });

  it('the Presto view text decodes to the view SQL and the schema columns with Trino types', () => {
    const text = prestoViewText('fwlake');
    const m = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(text);
    assert.ok(m);
    const json = JSON.parse(Buffer.from(m[1], 'base64').toString('utf8'));
    assert.equal(json.originalSql, athenaViewSql('fwlake'));
    assert.equal(json.catalog, 'awsdatacatalog');
    assert.equal(json.schema, 'fwlake');
    assert.equal(json.columns.length, COLUMNS.length + 2);
    assert.deepEqual(json.columns[0], { name: 'ts', type: 'timestamp(3)' });
    assert.ok(json.columns.some((c: { type: string }) => c.type === 'array(varchar)'));
    assert.match(json.originalSql, /"firewall_fresh_hours\$partitions"/);
  });

  it('the view: the fresh tables each INNER JOINed with the registry of fresh hours, the compacted table without them', () => {
    const sql = athenaViewSql('fwlake');
    const registry = '"fwlake"."firewall_fresh_hours$partitions"';
    const branches = sql.split('\nUNION ALL\n');
    assert.equal(branches.length, 3);
    const [compacted, json, parquet] = branches;
    // Compacted side: every compacted hour except the registered ones (an anti-join on the small side).
    assert.equal(
      compacted,
      [
        `SELECT ${athenaSelectList('c')} FROM "fwlake"."firewall_compacted" AS "c"`,
        `WHERE NOT EXISTS (SELECT 1 FROM ${registry} AS "r" WHERE "r"."dt" = "c"."dt" AND "r"."hour" = "c"."hour")`,
      ].join('\n'),
    );
    // Fresh side: an inner join on the partition columns (what dynamic partition pruning acts on), no NOT EXISTS.
    for (const [branch, table, a] of [
      [json, 'firewall_json', 'j'],
      [parquet, 'firewall_parquet', 'p'],
    ]) {
      assert.equal(
        branch,
        [
          `SELECT ${athenaSelectList(a)} FROM "fwlake"."${table}" AS "${a}"`,
          `INNER JOIN ${registry} AS "r" ON "r"."dt" = "${a}"."dt" AND "r"."hour" = "${a}"."hour"`,
        ].join('\n'),
      );
      assert.doesNotMatch(branch, /NOT EXISTS|LEFT|OUTER|firewall_compacted/);
    }
    assert.equal(sql.match(/NOT EXISTS/g)?.length, 1, 'the only anti-join is on the compacted side');
    assert.doesNotMatch(
      sql,
      /firewall_compacted\$partitions/,
      'compaction state is the registry, not the compacted partitions',
    );
  });

  it('the registry table: one unused column, partitioned by dt and hour, no projection, under firewall_fresh_hours/', () => {
    const ddl = athenaCreateFreshHoursTable({
      database: 'fwlake',
      location: 's3://lake/firewall_fresh_hours',
    });
    assert.match(
      ddl,
      /^CREATE EXTERNAL TABLE IF NOT EXISTS `fwlake`.`firewall_fresh_hours` \(\n {2}`unused` string COMMENT /,
    );
    assert.match(ddl, /PARTITIONED BY \(`dt` string, `hour` string\)/);
    assert.match(ddl, /LOCATION 's3:\/\/lake\/firewall_fresh_hours\/'/);
    assert.doesNotMatch(ddl, /projection/);
  });

  it('the view and the INSERT parse as Trino SQL', () => {
    assert.deepEqual(trinoSyntaxErrors(athenaCreateView('fwlake')), []);
    assert.deepEqual(trinoSyntaxErrors(athenaInsertHour('fwlake', { dt: '2026-09-17', hour: '21' }).sql), []);
  });
});
