/**
 * `fwlake compact` cutting hours into slices (core/compaction-slices.ts), with
 * real DuckDB over a real local warehouse, a small slice bound standing in for
 * the real one (the sample's hours hold 519 to 699 rows, 453 to 599 of them
 * inbound): each file holds at most that many rows of one direction, the
 * files of an hour one after the other hold its rows in COMPACTED_ORDER, the view reads every file of a compacted hour (every
 * saved query and every column as before compaction), a re-run does nothing,
 * a run killed after renaming some of its slices leaves the view on the fresh
 * parts and is finished by the next, and a re-run with fewer slices (or one
 * file) leaves none of the earlier ones. A crafted part checks a source bigger
 * than a slice, rows without a source or direction, an hour of one direction
 * that fits one file, and an hour whose parts hold no row (no file at all).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { compactLocal } from '../../functions/adapters/compaction-local.ts';
import { ingestLocal } from '../../functions/adapters/local-ingest.ts';
import { COMPACTED_ORDER } from '../../functions/core/compaction-format.ts';
import { compactedFileName } from '../../functions/core/compaction-slices.ts';
import { COMPACTED_PREFIX, MARKER_PREFIX, PARQUET_PREFIX } from '../../functions/core/lake-layout.ts';
import { AFTER_ALL, allAnswers, allRows, REFERENCE, SAMPLE } from '../support/compact-sample.ts';
import { craftedColumns } from '../support/crafted-rows.ts';
import { queryWarehouse } from '../support/duckdb.ts';
import { filesUnder } from '../support/files.ts';

const KEY = COMPACTED_ORDER.map((c) => `"${c}"`).join(', ');

/** The compacted files of an hour, by name. */
const hourFiles = (wh: string, dt: string, hour: string) =>
  filesUnder(join(wh, COMPACTED_PREFIX, `dt=${dt}`, `hour=${hour}`));

/** The key columns of every row of one file, in the file's order. */
const keysOf = (wh: string, file: string) => queryWarehouse(wh, `SELECT ${KEY} FROM read_parquet('${file}')`);

/**
 * Checks an hour cut into `n` slices: files compacted-1-of-n ..., each of at
 * most `bound` rows of one direction, which one after the other hold the
 * hour's rows in COMPACTED_ORDER (nulls last), and the same rows as the view.
 * Returns the rows per file.
 */
async function assertSlices(wh: string, dt: string, hour: string, bound: number): Promise<number[]> {
  const names = hourFiles(wh, dt, hour);
  assert.ok(names.length > 1, `${dt} ${hour}: ${names.join(', ')}`);
  assert.deepEqual(
    names,
    names.map((_, i) => compactedFileName(i, names.length)),
  );
  const dir = join(wh, COMPACTED_PREFIX, `dt=${dt}`, `hour=${hour}`);
  const perFile: number[] = [];
  const concatenated: Record<string, unknown>[] = [];
  for (const name of names) {
    const keys = await keysOf(wh, join(dir, name));
    assert.equal(new Set(keys.map((k) => k.direction)).size, 1, `${name}: one direction`);
    perFile.push(keys.length);
    concatenated.push(...keys);
  }
  for (const n of perFile) assert.ok(n > 0 && n <= bound, `${perFile.join(', ')} rows, bound ${bound}`);
  const sorted = await queryWarehouse(
    wh,
    `SELECT ${KEY} FROM firewall WHERE dt = '${dt}' AND hour = '${hour}' ORDER BY ${COMPACTED_ORDER.map((c) => `"${c}" NULLS LAST`).join(', ')}`,
  );
  assert.deepEqual(concatenated, sorted);
  return perFile;
}

/** Three lines of hour 22 shipped again from another file: three more rows there (a late part). */
async function lateLines(wh: string, from: string): Promise<void> {
  const late = readFileSync(SAMPLE, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(from) && l.includes(' IN='))
    .slice(0, 3);
  assert.equal(late.length, 3);
  const file = join(wh, '..', `late-slices-${process.pid}-${from.replaceAll(/\W/g, '')}.log`);
  await writeFile(file, `${late.join('\n')}\n`);
  try {
    await ingestLocal(file, { warehouse: wh, referenceMs: REFERENCE });
  } finally {
    await unlink(file);
  }
}

describe('fwlake compact cuts hours of more than sliceRows rows into slices', () => {
  const BOUND = 150;
  let wh: string;
  let answers0: Map<string, unknown>;
  let rows0: Record<string, unknown>[];
  before(async () => {
    wh = await mkdtemp(join(tmpdir(), 'fwlake-slices-'));
    await ingestLocal(SAMPLE, { warehouse: wh, referenceMs: REFERENCE });
    answers0 = await allAnswers(wh);
    rows0 = await allRows(wh);
  });
  after(async () => {
    await rm(wh, { recursive: true, force: true });
  });

  it('writes each hour as files of at most sliceRows rows that hold its rows in order', async () => {
    const r = await compactLocal({ warehouse: wh, nowMs: AFTER_ALL, sliceRows: BOUND });
    assert.deepEqual(
      r.hours.map((h) => `${h.dt} ${h.hour} ${h.rows}`),
      ['2026-09-17 21 678', '2026-09-17 22 606', '2026-09-17 23 699', '2026-09-18 00 519'],
    );
    for (const h of r.hours) {
      const perFile = await assertSlices(wh, h.dt, h.hour, BOUND);
      assert.equal(h.files, perFile.length);
      assert.equal(
        perFile.reduce((a, b) => a + b, 0),
        h.rows,
      );
      const sizes = hourFiles(wh, h.dt, h.hour).map(
        (f) => statSync(join(wh, COMPACTED_PREFIX, `dt=${h.dt}`, `hour=${h.hour}`, f)).size,
      );
      assert.equal(
        h.bytesAfter,
        sizes.reduce((a, b) => a + b, 0),
      );
    }
    assert.equal(filesUnder(join(wh, MARKER_PREFIX)).length, 4);
  });

  it('the view reads every file of a compacted hour: every column of every row, every saved query, as before', async () => {
    assert.deepEqual(await allRows(wh), rows0);
    assert.deepEqual(await allAnswers(wh), answers0);
  });

  it('does nothing when re-run with nothing new', async () => {
    const mtimes = filesUnder(wh).map((f) => [f, statSync(join(wh, f)).mtimeMs]);
    const r = await compactLocal({ warehouse: wh, nowMs: AFTER_ALL, sliceRows: BOUND });
    assert.deepEqual(r.hours, []);
    assert.equal(r.upToDate, 4);
    assert.deepEqual(
      filesUnder(wh).map((f) => [f, statSync(join(wh, f)).mtimeMs]),
      mtimes,
    );
  });

  it('a run killed after renaming some slices leaves the view on the fresh parts; the next one finishes', async () => {
    await lateLines(wh, 'Sep 17 22:');
    const expected = await queryWarehouse(wh, 'SELECT count(*)::INT AS n FROM firewall');
    assert.equal(expected[0].n, rows0.length, 'the late rows wait for the next run');
    const old = hourFiles(wh, '2026-09-17', '22');
    // 3 forward, 506 inbound, 97 outbound: the inbound rows in 4 at 90% of 150 a file, the others one each.
    assert.equal(old.length, 6);
    // 609 rows at 250 a file: the inbound ones in 3 slices, the others one each; killed right after
    // the second file is in place.
    const renamed: string[] = [];
    await assert.rejects(
      compactLocal({
        warehouse: wh,
        nowMs: AFTER_ALL,
        sliceRows: 250,
        onRenamed: (key) => {
          renamed.push(key);
          if (renamed.length === 2) throw new Error('killed');
        },
      }),
      /killed/,
    );
    const dir = join(wh, COMPACTED_PREFIX, 'dt=2026-09-17', 'hour=22');
    const N = 5;
    assert.deepEqual(
      renamed,
      [compactedFileName(0, N), compactedFileName(1, N)].map(
        (f) => `${COMPACTED_PREFIX}/dt=2026-09-17/hour=22/${f}`,
      ),
    );
    // What it left: old and new slices side by side, the other three still temporary files, no marker.
    const left = filesUnder(dir);
    for (const f of [...old, compactedFileName(0, N), compactedFileName(1, N)])
      assert.ok(left.includes(f), f);
    assert.equal(left.filter((f) => f.startsWith('.compact-')).length, N - 2);
    assert.deepEqual(filesUnder(join(wh, MARKER_PREFIX, 'dt=2026-09-17', 'hour=22')), []);
    // The view reads the hour from its fresh parts only: every row once, the late ones included.
    const fresh = await queryWarehouse(
      wh,
      'SELECT count(*)::INT AS n, count(DISTINCT (source_key, line_no))::INT AS d FROM firewall',
    );
    assert.deepEqual(fresh[0], { n: rows0.length + 3, d: rows0.length + 3 });
    // The next run compacts the hour again and keeps only its own files.
    const r = await compactLocal({ warehouse: wh, nowMs: AFTER_ALL, sliceRows: 250 });
    assert.deepEqual(
      r.hours.map((h) => `${h.dt} ${h.hour} ${h.rows} ${h.files}`),
      [`2026-09-17 22 609 ${N}`],
    );
    assert.deepEqual(
      filesUnder(dir),
      [0, 1, 2, 3, 4].map((i) => compactedFileName(i, N)),
    );
    await assertSlices(wh, '2026-09-17', '22', 250);
    const done = await queryWarehouse(
      wh,
      'SELECT count(*)::INT AS n, count(DISTINCT (source_key, line_no))::INT AS d FROM firewall',
    );
    assert.deepEqual(done[0], fresh[0]);
  });

  it('a re-run with fewer slices removes the earlier slices', async () => {
    await lateLines(wh, 'Sep 17 21:');
    const before21 = hourFiles(wh, '2026-09-17', '21');
    assert.equal(before21.length, 7); // 3 forward, 599 inbound (5 files), 76 outbound
    const r = await compactLocal({ warehouse: wh, nowMs: AFTER_ALL, sliceRows: 1000 });
    assert.deepEqual(
      r.hours.map((h) => `${h.dt} ${h.hour} ${h.rows} ${h.files}`),
      ['2026-09-17 21 681 3'],
    );
    assert.deepEqual(
      hourFiles(wh, '2026-09-17', '21'),
      [0, 1, 2].map((i) => compactedFileName(i, 3)),
    );
    const n = await queryWarehouse(
      wh,
      'SELECT count(*)::INT AS n, count(DISTINCT (source_key, line_no))::INT AS d FROM firewall',
    );
    assert.deepEqual(n[0], { n: rows0.length + 6, d: rows0.length + 6 });
    assert.ok(!existsSync(join(wh, COMPACTED_PREFIX, 'dt=2026-09-17', 'hour=21', before21[6])));
  });
});

/**
 * `rows` rows (400 unless told) of an hour (22 unless told), none with a direction: 200 from one source, 60 without one, 140 from 20
 * others; every schema column present.
 */
async function writeCraftedPart(wh: string, rows = 400, hour = '22'): Promise<void> {
  const part = join(wh, PARQUET_PREFIX, 'dt=2026-09-17', `hour=${hour}`, 'crafted-0.parquet');
  await mkdir(join(part, '..'), { recursive: true });
  const value: Record<string, string> = {
    src: "CASE WHEN i < 200 THEN '10.0.0.1' WHEN i < 260 THEN NULL ELSE '192.0.2.' || (i % 20) END",
    ts: "TIMESTAMP '2026-09-17 22:00:00' + to_milliseconds((i * 7919) % 3600000)",
    source_key: "'crafted'",
    line_no: 'i + 1',
    raw: "'line ' || i",
  };
  const cols = craftedColumns(value);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run(`COPY (SELECT ${cols} FROM range(${rows}) t(i)) TO '${part}' (FORMAT parquet)`);
  } finally {
    conn.closeSync();
  }
}

describe('slices of an hour with a source bigger than a slice and rows without a source or direction', () => {
  it('cuts them like any other rows: every row once, at most sliceRows a file, in order', async () => {
    const wh = await mkdtemp(join(tmpdir(), 'fwlake-slices-crafted-'));
    try {
      await writeCraftedPart(wh);
      const rows0 = await allRows(wh);
      assert.equal(rows0.length, 400);
      const r = await compactLocal({ warehouse: wh, nowMs: AFTER_ALL, sliceRows: 50 });
      assert.equal(r.hours[0].rows, 400);
      const perFile = await assertSlices(wh, '2026-09-17', '22', 50);
      assert.ok(perFile.length >= 8, `${perFile.length} files`);
      // The big source spans several files; the rows without a source come last.
      const dir = join(wh, COMPACTED_PREFIX, 'dt=2026-09-17', 'hour=22');
      const names = hourFiles(wh, '2026-09-17', '22');
      const withBig = [];
      for (const name of names) {
        const keys = await keysOf(wh, join(dir, name));
        if (keys.some((k) => k.src === '10.0.0.1')) withBig.push(name);
      }
      assert.ok(withBig.length >= 4, withBig.join(', '));
      const last = await keysOf(wh, join(dir, names[names.length - 1]));
      assert.equal(last[last.length - 1].src, null);
      assert.deepEqual(await allRows(wh), rows0);
    } finally {
      await rm(wh, { recursive: true, force: true });
    }
  });

  it('writes an hour of one direction that fits one file as compacted.parquet', async () => {
    const wh = await mkdtemp(join(tmpdir(), 'fwlake-slices-one-'));
    try {
      await writeCraftedPart(wh);
      const rows0 = await allRows(wh);
      const r = await compactLocal({ warehouse: wh, nowMs: AFTER_ALL, sliceRows: 400 });
      assert.deepEqual(
        r.hours.map((h) => `${h.rows} ${h.files}`),
        ['400 1'],
      );
      assert.deepEqual(hourFiles(wh, '2026-09-17', '22'), ['compacted.parquet']);
      assert.deepEqual(await allRows(wh), rows0);
    } finally {
      await rm(wh, { recursive: true, force: true });
    }
  });

  it('writes no file for an hour whose parts hold no row, and marks it compacted', async () => {
    const wh = await mkdtemp(join(tmpdir(), 'fwlake-slices-empty-'));
    try {
      await writeCraftedPart(wh, 0, '21');
      await writeCraftedPart(wh);
      const rows0 = await allRows(wh);
      assert.equal(rows0.length, 400);
      const r = await compactLocal({ warehouse: wh, nowMs: AFTER_ALL, sliceRows: 400 });
      assert.deepEqual(
        r.hours.map((h) => `${h.dt} ${h.hour} ${h.action} ${h.rows} ${h.files}`),
        ['2026-09-17 21 compacted 0 0', '2026-09-17 22 compacted 400 1'],
      );
      assert.deepEqual(hourFiles(wh, '2026-09-17', '21'), []);
      assert.equal(filesUnder(join(wh, MARKER_PREFIX)).length, 2);
      assert.deepEqual(await allRows(wh), rows0);
      // Up to date from then on.
      const again = await compactLocal({ warehouse: wh, nowMs: AFTER_ALL, sliceRows: 400 });
      assert.deepEqual(again.hours, []);
      assert.equal(again.upToDate, 2);
    } finally {
      await rm(wh, { recursive: true, force: true });
    }
  });
});
