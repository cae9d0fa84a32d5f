/**
 * Slicing an hour (core/compaction-slices.ts) and its statements
 * (core/compaction-sql.ts): file names, slices numbered over the groups, how
 * many slices are tried, where the boundaries are taken from the sample, and,
 * run by a real DuckDB over a crafted part, that the groups are counted in
 * order and the count per slice (bisecting the boundaries) and each slice's
 * COPY condition put every row in the same one slice of its own direction.
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
  type HourSlicing,
  nextSliceCount,
  SLICE_FILL,
  type SliceGroup,
  type SliceKey,
  sliceAt,
  sliceCount,
  slicedRows,
} from '../../functions/core/compaction-slices.ts';
import {
  duckdbCompactHour,
  duckdbCountGroups,
  duckdbCountSlices,
  duckdbDropSample,
  duckdbSampleBounds,
  duckdbSampleKeys,
  groupOfRow,
  sliceKeyOfRow,
} from '../../functions/core/compaction-sql.ts';
import { craftedColumns } from '../support/crafted-rows.ts';

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

describe('slices of an hour, numbered over its groups', () => {
  const key = (src: string): SliceKey => ({ proto: 'TCP', src, tsUs: 0n, sourceKey: 'k', lineNo: 1n });
  const slicing: HourSlicing = {
    groups: [
      { direction: 'forward', rows: 10, bounds: [] },
      { direction: 'in', rows: 300, bounds: [key('10.0.0.5'), key('10.0.0.9')] },
      { direction: null, rows: 40, bounds: [] },
    ],
  };

  it("counts every group's slices and rows, and finds each slice's group and place in it", () => {
    assert.equal(sliceCount(slicing), 5);
    assert.equal(slicedRows(slicing), 350);
    const at = [0, 1, 2, 3, 4].map((i) => {
      const a = sliceAt(slicing, i);
      return `${a.group.direction} ${a.index}`;
    });
    assert.deepEqual(at, ['forward 0', 'in 0', 'in 1', 'in 2', 'null 0']);
    for (const i of [5, -1, 1.5]) assert.throws(() => sliceAt(slicing, i), RangeError, String(i));
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
  /** Rows per direction of the crafted hour. */
  const GROUPS = [
    ['forward', 100],
    ['in', 600],
    ['out', 200],
    [null, 100],
  ] as const;
  const directionOf =
    "CASE WHEN i % 10 = 3 THEN 'forward' WHEN i % 10 = 7 THEN NULL WHEN i % 10 IN (1, 5) THEN 'out' ELSE 'in' END";
  const groupTest = (d: string | null) => (d === null ? '"direction" IS NULL' : `"direction" = '${d}'`);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fwlake-slice-sql-'));
    db = await DuckDBInstance.create(':memory:');
    conn = await db.connect();
    // 1,000 rows of one hour in four directions (one NULL): keys with repeated protocols, sources and
    // times, NULL protocols and sources, a quote in a source key.
    const value: Record<string, string> = {
      direction: directionOf,
      proto: "CASE WHEN i % 11 = 0 THEN NULL WHEN i % 3 = 0 THEN 'UDP' ELSE 'TCP' END",
      src: "CASE WHEN i % 9 = 0 THEN NULL ELSE '10.0.' || (i % 7) || '.1' END",
      ts: "TIMESTAMP '2026-09-17 22:00:00' + to_microseconds((i % 13) * 1000001)",
      source_key: "CASE WHEN i % 2 = 0 THEN 'a''b' ELSE 'c' END",
      line_no: 'i',
      raw: "'line ' || i",
    };
    const cols = craftedColumns(value);
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

  it("counts the groups in order (NULL last), samples a group's keys, and takes boundaries at the ranks asked, in key order", async () => {
    assert.deepEqual(
      (await rowsOf(duckdbCountGroups(files))).map(groupOfRow),
      GROUPS.map(([direction, rows]) => ({ direction, rows })),
    );
    for (const [direction, rows] of GROUPS) {
      await conn.run(duckdbSampleKeys(files, direction, rows)); // the whole group: exact ranks
      const ranks = boundaryRanks(rows, 7);
      const bounds = (await rowsOf(duckdbSampleBounds(ranks))).map((r) => r.map(String).join('|'));
      const ordered = (
        await rowsOf(
          `SELECT "proto", "src", epoch_us("ts"), "source_key", "line_no" FROM read_parquet('${files.parquet[0]}') WHERE ${groupTest(direction)} ORDER BY "proto" NULLS LAST, "src" NULLS LAST, "ts", "source_key", "line_no"`,
        )
      ).map((r) => r.map(String).join('|'));
      assert.equal(ordered.length, rows);
      assert.deepEqual(
        bounds,
        ranks.map((r) => ordered[r - 1]),
        String(direction),
      );
      await conn.run(duckdbDropSample());
    }
  });

  it('the count per slice and each slice COPY agree on every row, each slice of one direction, NULLs last, quotes in keys', async () => {
    for (const slices of [2, 3, 7]) {
      // The "in" group cut in `slices`, the others one file each.
      await conn.run(duckdbSampleKeys(files, 'in', 600));
      const bounds: SliceKey[] = (await rowsOf(duckdbSampleBounds(boundaryRanks(600, slices)))).map(
        sliceKeyOfRow,
      );
      await conn.run(duckdbDropSample());
      const groups: SliceGroup[] = GROUPS.map(([direction, rows]) => ({
        direction,
        rows,
        bounds: direction === 'in' ? bounds : [],
      }));
      const slicing: HourSlicing = { groups };
      assert.equal(sliceCount(slicing), slices + 3);
      const counted = (await rowsOf(duckdbCountSlices(files, 'in', bounds))).map((r) => Number(r[1]));
      const written: number[] = [];
      const directions: string[] = [];
      for (let index = 0; index < sliceCount(slicing); index++) {
        const out = join(dir, `s-${slices}-${index}.parquet`);
        const r = await conn.run(duckdbCompactHour(files, out, 1, { of: slicing, index }));
        written.push(r.rowsChanged);
        const d = await rowsOf(`SELECT DISTINCT "direction" FROM read_parquet('${out}')`);
        directions.push(d.map((x) => String(x[0])).join(','));
      }
      // One file per group, in order; the "in" group's slices as counted, as even as the sample's ranks.
      assert.deepEqual(
        directions,
        ['forward', ...Array(slices).fill('in'), 'out', 'null'],
        `${slices} slices`,
      );
      assert.deepEqual(written, [100, ...counted, 200, 100], `${slices} slices`);
      for (const rows of counted) assert.ok(Math.abs(rows - 600 / slices) <= 1, `${rows} of ${slices}`);
      // The "in" group's NULL protocols in its last slice, after every protocol.
      const last = join(dir, `s-${slices}-${slices}.parquet`);
      const nulls = await rowsOf(`SELECT count(*) FROM read_parquet('${last}') WHERE "proto" IS NULL`);
      assert.ok(Number(nulls[0][0]) > 0);
    }
  });

  it('writes the hour with no condition when it is one file, a direction test when it has several groups', () => {
    const one: HourSlicing = { groups: [{ direction: 'in', rows: 1000, bounds: [] }] };
    const sql = duckdbCompactHour(files, '/w/o');
    assert.doesNotMatch(sql, /WHERE/);
    assert.match(sql, /ORDER BY "direction", "proto", "src", "ts", "source_key", "line_no"\)/);
    assert.match(sql, /WRITE_BLOOM_FILTER false\)$/);
    assert.equal(duckdbCompactHour(files, '/w/o', 17, { of: one, index: 0 }), sql);
    const two: HourSlicing = {
      groups: [
        { direction: "it's", rows: 1, bounds: [] },
        { direction: null, rows: 1, bounds: [] },
      ],
    };
    assert.match(
      duckdbCompactHour(files, '/w/o', 17, { of: two, index: 0 }),
      /\nWHERE "direction" = 'it''s' ORDER BY/,
    );
    assert.match(
      duckdbCompactHour(files, '/w/o', 17, { of: two, index: 1 }),
      /\nWHERE "direction" IS NULL ORDER BY/,
    );
    assert.throws(() => duckdbCompactHour(files, '/w/o', 17, { of: two, index: 2 }), RangeError);
    assert.throws(() => duckdbCompactHour(files, '/w/o', 17, { of: one, index: 1 }), RangeError);
  });
});
