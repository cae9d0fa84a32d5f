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
  athenaCreateView,
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
        `TO '/w/out\\.tmp' \\(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${COMPACTED_ZSTD_LEVEL}, ROW_GROUP_SIZE \\d+\\)$`,
      ),
    );
    assert.match(sql, /\) ORDER BY "src", "ts", "source_key", "line_no"\)\nTO /);
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
    assert.match(q.sql, /\n\)\nORDER BY "src", "ts", "source_key", "line_no"$/);
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
    assert.match(json.originalSql, /"firewall_compacted\$partitions"/);
  });

  it('the view and the INSERT parse as Trino SQL', () => {
    assert.deepEqual(trinoSyntaxErrors(athenaCreateView('fwlake')), []);
    assert.deepEqual(trinoSyntaxErrors(athenaInsertHour('fwlake', { dt: '2026-09-17', hour: '21' }).sql), []);
  });
});
