/**
 * Slicing a big hour (core/compaction-slices.ts) and its statements
 * (core/compaction-sql.ts): file names, how many slices are tried, where the
 * boundaries are taken from the sample, and, run by a real DuckDB over a
 * crafted part, that the count per slice (bisecting the boundaries) and each
 * slice's COPY condition put every row in the same one slice.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  boundaryRanks,
  compactedFileName,
  firstSliceCount,
  nextSliceCount,
  SLICE_FILL,
  type SliceKey,
  sliceCount,
} from '../../functions/core/compaction-slices.ts';
import {
  duckdbCompactHour,
  duckdbCountHour,
  duckdbCountSlices,
  duckdbDropSample,
  duckdbSampleBounds,
  duckdbSampleKeys,
} from '../../functions/core/compaction-sql.ts';
import { COLUMNS, DUCKDB_TYPE } from '../../functions/core/schema.ts';

describe('slice file names', () => {
  it('one file keeps its name; slices are numbered from 1, padded to the width of their count', () => {
    assert.equal(compactedFileName(0, 1), 'compacted.parquet');
    assert.equal(compactedFileName(0, 3), 'compacted-1-of-3.parquet');
    assert.equal(compactedFileName(2, 12), 'compacted-03-of-12.parquet');
    assert.equal(compactedFileName(11, 12), 'compacted-12-of-12.parquet');
    for (const [i, n] of [
      [1, 1],
      [-1, 3],
      [3, 3],
      [0, 0],
      [0.5, 2],
    ]) {
      assert.throws(() => compactedFileName(i, n), RangeError, `${i} of ${n}`);
    }
  });
});

describe('how many slices', () => {
  it('first aims at SLICE_FILL of the bound a slice, then cuts in more from what was counted', () => {
    assert.equal(SLICE_FILL, 0.9);
    assert.equal(firstSliceCount(133_314, 20_000), 8); // 133,314 / 18,000 = 7.4
    assert.equal(firstSliceCount(20_001, 20_000), 2);
    // 8 slices whose largest held 21,000: 8 * 21,000 / 18,000 = 9.3 -> 10; always at least one more.
    assert.equal(nextSliceCount(8, 21_000, 20_000), 10);
    assert.equal(nextSliceCount(8, 20_001, 20_000), 9);
  });

  it('boundaries at evenly spread ranks of the sample, 1-based, distinct', () => {
    assert.deepEqual(boundaryRanks(10, 2), [6]);
    assert.deepEqual(boundaryRanks(10, 3), [4, 7]);
    assert.deepEqual(boundaryRanks(5, 5), [2, 3, 4, 5]);
    assert.deepEqual(boundaryRanks(65_536, 8), [8193, 16385, 24577, 32769, 40961, 49153, 57345]);
    assert.throws(() => boundaryRanks(4, 5), RangeError);
    assert.throws(() => boundaryRanks(10, 1), RangeError);
  });
});

describe('slice statements on a real DuckDB', () => {
  let dir: string;
  let db: DuckDBInstance;
  let conn: DuckDBConnection;
  let files: { json: string[]; parquet: string[] };
  const rowsOf = async (sql: string) => (await conn.runAndReadAll(sql)).getRows();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fwlake-slice-sql-'));
    db = await DuckDBInstance.create(':memory:');
    conn = await db.connect();
    // 1,000 rows of one hour: keys with repeated sources and times, NULL sources, a quote in a source key.
    const value: Record<string, string> = {
      src: "CASE WHEN i % 10 = 0 THEN NULL ELSE '10.0.' || (i % 7) || '.1' END",
      ts: "TIMESTAMP '2026-09-17 22:00:00' + to_microseconds((i % 13) * 1000001)",
      source_key: "CASE WHEN i % 2 = 0 THEN 'a''b' ELSE 'c' END",
      line_no: 'i',
      raw: "'line ' || i",
    };
    const cols = COLUMNS.map(
      (c) => `CAST(${value[c.name] ?? 'NULL'} AS ${DUCKDB_TYPE[c.type]}) AS "${c.name}"`,
    ).join(', ');
    const part = join(dir, 'firewall_parquet', 'dt=2026-09-17', 'hour=22', 'p-0.parquet');
    await conn.run(
      `COPY (SELECT ${cols}, '2026-09-17' AS dt, '22' AS hour FROM range(1000) t(i)) TO '${dir}/firewall_parquet' (FORMAT parquet, PARTITION_BY (dt, hour), FILENAME_PATTERN 'p-{i}')`,
    );
    files = { json: [], parquet: [part] };
  });
  after(async () => {
    conn.closeSync();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts the hour, samples its keys, and takes boundaries at the ranks asked, in key order', async () => {
    assert.deepEqual(await rowsOf(duckdbCountHour(files)), [[1000n]]);
    await conn.run(duckdbSampleKeys(files, 1000)); // the whole hour: exact ranks
    const ranks = boundaryRanks(1000, 7);
    const bounds = (await rowsOf(duckdbSampleBounds(ranks))).map((r) => r.map(String).join('|'));
    const ordered = (
      await rowsOf(
        `SELECT "src", epoch_us("ts"), "source_key", "line_no" FROM read_parquet('${files.parquet[0]}') ORDER BY "src" NULLS LAST, "ts", "source_key", "line_no"`,
      )
    ).map((r) => r.map(String).join('|'));
    assert.deepEqual(
      bounds,
      ranks.map((r) => ordered[r - 1]),
    );
    await conn.run(duckdbDropSample());
  });

  it('the count per slice and each slice COPY agree on every row, NULL sources last, quotes in keys', async () => {
    await conn.run(duckdbSampleKeys(files, 1000));
    for (const slices of [2, 3, 7, 16]) {
      const bounds: SliceKey[] = (await rowsOf(duckdbSampleBounds(boundaryRanks(1000, slices)))).map((r) => ({
        src: r[0] === null ? null : String(r[0]),
        tsUs: r[1] as bigint,
        sourceKey: String(r[2]),
        lineNo: r[3] as bigint,
      }));
      assert.equal(sliceCount({ bounds }), slices);
      const counted = (await rowsOf(duckdbCountSlices(files, bounds))).map((r) => [
        Number(r[0]),
        Number(r[1]),
      ]);
      const written: [number, number][] = [];
      for (let index = 0; index < slices; index++) {
        const out = join(dir, `s-${slices}-${index}.parquet`);
        const r = await conn.run(duckdbCompactHour(files, out, 1, { of: { bounds }, index }));
        written.push([index, r.rowsChanged]);
      }
      assert.deepEqual(counted, written, `${slices} slices`);
      assert.equal(
        written.reduce((n, [, rows]) => n + rows, 0),
        1000,
      );
      // Slices as even as the sample's ranks: 1000 / slices each, give or take one.
      for (const [, rows] of written) assert.ok(Math.abs(rows - 1000 / slices) <= 1, `${rows} of ${slices}`);
      // All NULL sources in the last slice(s), after every address.
      const nulls = await rowsOf(
        `SELECT count(*) FROM read_parquet('${join(dir, `s-${slices}-${slices - 1}.parquet`)}') WHERE "src" IS NULL`,
      );
      assert.ok(Number(nulls[0][0]) > 0);
    }
    await conn.run(duckdbDropSample());
  });

  it('writes the hour as before when not cut: no condition', () => {
    const sql = duckdbCompactHour(files, '/w/o');
    assert.doesNotMatch(sql, /WHERE/);
    assert.equal(duckdbCompactHour(files, '/w/o', 17, { of: { bounds: [] }, index: 0 }), sql);
    assert.throws(
      () =>
        duckdbCompactHour(files, '/w/o', 17, {
          of: { bounds: [{ src: 'x', tsUs: 0n, sourceKey: 'k', lineNo: 1n }] },
          index: 2,
        }),
      RangeError,
    );
  });
});
