/**
 * `fwlake compact` on the shipped sample, with real DuckDB over a real local
 * warehouse: every saved query answers the same before and after, the rows
 * are the same column by column, a re-run does nothing, a late part is picked
 * up by the next run without duplicating anything, and a run that died half
 * way is repaired by the next. The compacted files are zstd (the level is not
 * in the file: what is checked is that a lower level gives bigger files, and
 * that `--level` is validated), one file per direction of each hour (its
 * statistics naming that direction alone), with rows in COMPACTED_ORDER.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { compactLocal } from '../../functions/adapters/compaction-local.ts';
import { DuckDbEngine } from '../../functions/adapters/duckdb-engine.ts';
import { ingestLocal } from '../../functions/adapters/local-ingest.ts';
import { parseGrace, parseLevel } from '../../functions/cli/compact-command.ts';
import { COMPACTED_ORDER, COMPACTED_ZSTD_LEVEL } from '../../functions/core/compaction-format.ts';
import { compactedFileName } from '../../functions/core/compaction-slices.ts';
import { COMPACTED_PREFIX, MARKER_PREFIX } from '../../functions/core/lake-layout.ts';
import {
  AFTER_ALL,
  allAnswers,
  allRows,
  copyOf,
  REFERENCE,
  SAMPLE,
  SAMPLE_ROWS,
} from '../support/compact-sample.ts';
import { queryWarehouse } from '../support/duckdb.ts';
import { filesUnder } from '../support/files.ts';

describe('fwlake compact (local, DuckDB)', () => {
  let wh: string;
  let before0: Map<string, unknown>;
  let rows0: Record<string, unknown>[];
  before(async () => {
    wh = await mkdtemp(join(tmpdir(), 'fwlake-compact-'));
    await ingestLocal(SAMPLE, { warehouse: wh, referenceMs: REFERENCE });
    before0 = await allAnswers(wh);
    rows0 = await allRows(wh);
  });
  after(async () => {
    await rm(wh, { recursive: true, force: true });
  });

  it('leaves open hours fresh: with now inside the grace period of the last hour, only the three before it', async () => {
    // 2026-09-18 00:xx ends at 01:00; 01:10 is within its 15 minutes of grace.
    const r = await compactLocal({ warehouse: wh, nowMs: Date.parse('2026-09-18T01:10:00Z') });
    assert.deepEqual(
      r.hours.map((h) => `${h.dt} ${h.hour} ${h.action}`),
      ['2026-09-17 21 compacted', '2026-09-17 22 compacted', '2026-09-17 23 compacted'],
    );
    assert.equal(r.open, 1);
    assert.equal(r.level, COMPACTED_ZSTD_LEVEL);
    assert.deepEqual(await allRows(wh), rows0, 'half compacted: the same rows');
  });

  it('compacts every finished hour into one zstd Parquet file per direction, rows counted and bytes reported', async () => {
    const r = await compactLocal({ warehouse: wh, nowMs: AFTER_ALL });
    assert.deepEqual(
      r.hours.map((h) => `${h.dt} ${h.hour} ${h.files}`),
      ['2026-09-18 00 3'],
    );
    assert.equal(r.upToDate, 3);
    const compacted = filesUnder(join(wh, COMPACTED_PREFIX));
    const hours = [
      'dt=2026-09-17/hour=21',
      'dt=2026-09-17/hour=22',
      'dt=2026-09-17/hour=23',
      'dt=2026-09-18/hour=00',
    ];
    assert.deepEqual(
      compacted,
      hours.flatMap((h) => [0, 1, 2].map((i) => `${h}/${compactedFileName(i, 3)}`)),
    );
    assert.equal(filesUnder(join(wh, MARKER_PREFIX)).length, 4);
    const meta = await queryWarehouse(
      wh,
      `SELECT DISTINCT compression FROM parquet_metadata('${wh}/${COMPACTED_PREFIX}/*/*/*.parquet')`,
    );
    assert.deepEqual(
      meta.map((m) => m.compression),
      ['ZSTD'],
    );
    // Each file holds one direction (the sample's hours have all three), in order, and says so in its
    // statistics: what lets a reader skip the files of the other directions without reading their columns.
    const stats = await queryWarehouse(
      wh,
      `SELECT regexp_extract(file_name, 'hour=\\d+/(.*)$', 1) AS name, stats_min_value AS lo, stats_max_value AS hi, stats_null_count::INT AS nulls
       FROM parquet_metadata('${wh}/${COMPACTED_PREFIX}/*/*/*.parquet') WHERE path_in_schema = 'direction' ORDER BY file_name`,
    );
    assert.deepEqual(
      stats,
      hours.flatMap(() =>
        ['forward', 'in', 'out'].map((d, i) => ({ name: compactedFileName(i, 3), lo: d, hi: d, nulls: 0 })),
      ),
    );
    const counted = await queryWarehouse(
      wh,
      `SELECT count(*)::INT AS n FROM read_parquet('${wh}/${COMPACTED_PREFIX}/*/*/*.parquet')`,
    );
    assert.equal(counted[0].n, SAMPLE_ROWS);
    assert.equal(r.hours[0].rows, 519);
    assert.ok(r.hours[0].bytesBefore > 0 && r.hours[0].bytesAfter > 0);
    // No Bloom filters (Athena's writer writes none either).
    const blooms = await queryWarehouse(
      wh,
      `SELECT count(bloom_filter_offset)::INT AS n FROM parquet_metadata('${wh}/${COMPACTED_PREFIX}/*/*/*.parquet')`,
    );
    assert.equal(blooms[0].n, 0);
  });

  it('writes the rows of an hour ordered by direction, protocol, source address, then time, source and line', async () => {
    assert.deepEqual([...COMPACTED_ORDER], ['direction', 'proto', 'src', 'ts', 'source_key', 'line_no']);
    const dir = join(wh, COMPACTED_PREFIX, 'dt=2026-09-17', 'hour=22');
    const cols = COMPACTED_ORDER.map((c) => `"${c}"`).join(', ');
    // The hour's files read one after the other, each in file order (DuckDB keeps insertion order),
    // against the same rows sorted.
    const asWritten: Record<string, unknown>[] = [];
    for (const name of filesUnder(dir)) {
      asWritten.push(...(await queryWarehouse(wh, `SELECT ${cols} FROM read_parquet('${join(dir, name)}')`)));
    }
    const sorted = await queryWarehouse(
      wh,
      `SELECT ${cols} FROM read_parquet('${dir}/*.parquet') ORDER BY ${COMPACTED_ORDER.map((c) => `"${c}" NULLS LAST`).join(', ')}`,
    );
    assert.ok(asWritten.length > 100);
    assert.deepEqual(asWritten, sorted);
    // And so every source address of a direction and protocol is one run of rows.
    const group = (r: Record<string, unknown>) => `${r.direction} ${r.proto} ${r.src}`;
    const runs = asWritten.filter((r, i) => i === 0 || group(r) !== group(asWritten[i - 1])).length;
    assert.equal(runs, new Set(asWritten.map(group)).size);
  });

  it('reads the compacted files for compacted hours, with the same rows column by column', async () => {
    assert.deepEqual(await allRows(wh), rows0);
    // Proof that the view reads the compacted file, not the fresh part: an hour with its fresh part gone
    // (and compaction not re-run) still answers from firewall_compacted/.
    const part = join(wh, 'firewall', 'dt=2026-09-17', 'hour=21');
    const [name] = filesUnder(part);
    await rename(join(part, name), join(wh, name)); // rename keeps the mtime: the digest is unchanged
    try {
      const n = await queryWarehouse(wh, 'SELECT count(*)::INT AS n FROM firewall');
      assert.equal(n[0].n, SAMPLE_ROWS);
    } finally {
      await rename(join(wh, name), join(part, name));
    }
  });

  it('never opens the fresh parts of a compacted hour: a garbled one changes nothing', async () => {
    // What keeps a query on a compacted hour from reading its fresh parts too (bytes a query reads):
    // the view lists files per hour before the query, so this file is not even opened. On a copy
    // (the view goes by markers, not digests; the later tests expect the warehouse untouched).
    const copy = await copyOf(wh);
    try {
      const part = join(copy, 'firewall', 'dt=2026-09-17', 'hour=21');
      const [name] = filesUnder(part);
      await writeFile(join(part, name), 'not gzip at all');
      assert.deepEqual(await allRows(copy), rows0);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('an engine kept open sees the next ingest and the next compaction run', async () => {
    const copy = await copyOf(wh);
    const engine = await DuckDbEngine.open(copy);
    const count = async () =>
      Number(
        (await engine.run({ name: 'count', sql: 'SELECT count(*) AS n FROM firewall', params: [] }))
          .rows[0][0],
      );
    const extra = join(copy, '..', `extra-${process.pid}.log`);
    try {
      assert.equal(await count(), SAMPLE_ROWS);
      // Two lines moved to a new hour (2026-09-18 05): fresh parts, seen by the next query.
      const lines = readFileSync(SAMPLE, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('Sep 17 22:') && l.includes(' IN='))
        .slice(0, 2)
        .map((l) => l.replace(/^Sep 17 22:/, 'Sep 18 05:'));
      await writeFile(extra, `${lines.join('\n')}\n`);
      await ingestLocal(extra, { warehouse: copy, referenceMs: REFERENCE });
      assert.equal(await count(), SAMPLE_ROWS + 2);
      // Compacting (the copy's other hours are redone too: copying changed their mtimes, so their digests).
      const r = await compactLocal({ warehouse: copy, nowMs: Date.parse('2026-09-18T07:00:00Z') });
      assert.ok(r.hours.some((h) => `${h.dt} ${h.hour} ${h.action}` === '2026-09-18 05 compacted'));
      assert.equal(await count(), SAMPLE_ROWS + 2);
    } finally {
      await engine.close();
      await unlink(extra).catch(() => {});
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('gives every saved query the same answer as before compaction', async () => {
    assert.deepEqual(await allAnswers(wh), before0);
  });

  it('does nothing when re-run with nothing new', async () => {
    const mtimes = filesUnder(wh).map((f) => [f, statSync(join(wh, f)).mtimeMs]);
    const r = await compactLocal({ warehouse: wh, nowMs: AFTER_ALL });
    assert.deepEqual(r.hours, []);
    assert.equal(r.upToDate, 4);
    assert.deepEqual(
      filesUnder(wh).map((f) => [f, statSync(join(wh, f)).mtimeMs]),
      mtimes,
    );
  });

  it('picks up a late part of a compacted hour at the next run, with no duplicate', async () => {
    // Three lines of hour 22 shipped again from another file: another source, so three more rows.
    const late = readFileSync(SAMPLE, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('Sep 17 22:') && l.includes(' IN='))
      .slice(0, 3);
    assert.equal(late.length, 3);
    const lateFile = join(wh, '..', `late-${process.pid}.log`);
    await writeFile(lateFile, `${late.join('\n')}\n`);
    try {
      await ingestLocal(lateFile, { warehouse: wh, referenceMs: REFERENCE });
    } finally {
      await unlink(lateFile);
    }
    // Until the next run the hour is still the compacted one: the late rows are not in the view yet.
    assert.equal((await queryWarehouse(wh, 'SELECT count(*)::INT AS n FROM firewall'))[0].n, SAMPLE_ROWS);
    const r = await compactLocal({ warehouse: wh, nowMs: AFTER_ALL });
    assert.deepEqual(
      r.hours.map((h) => `${h.dt} ${h.hour} ${h.inputs} ${h.rows}`),
      ['2026-09-17 22 2 609'],
    );
    const n = await queryWarehouse(
      wh,
      'SELECT count(*)::INT AS n, count(DISTINCT (source_key, line_no))::INT AS d FROM firewall',
    );
    assert.deepEqual(n[0], { n: SAMPLE_ROWS + 3, d: SAMPLE_ROWS + 3 });
    assert.equal(filesUnder(join(wh, MARKER_PREFIX)).filter((f) => f.includes('hour=22')).length, 1);
    assert.equal(filesUnder(join(wh, COMPACTED_PREFIX)).filter((f) => f.includes('hour=22')).length, 3);
  });

  it('repairs a run that died before its marker: the hour reads fresh meanwhile, the next run redoes it', async () => {
    const rows = await allRows(wh);
    const hourDir = join(wh, MARKER_PREFIX, 'dt=2026-09-17', 'hour=23');
    const [marker] = filesUnder(hourDir);
    await unlink(join(hourDir, marker));
    // What a dead COPY leaves: a hidden temporary file beside the output.
    const leftover = join(wh, COMPACTED_PREFIX, 'dt=2026-09-17', 'hour=23', '.compact-dead.tmp');
    await writeFile(leftover, 'half a file');
    assert.deepEqual(await allRows(wh), rows, 'no marker: the fresh part answers for the hour, once');
    const r = await compactLocal({ warehouse: wh, nowMs: AFTER_ALL });
    assert.deepEqual(
      r.hours.map((h) => `${h.dt} ${h.hour}`),
      ['2026-09-17 23'],
    );
    assert.equal(existsSync(leftover), false);
    assert.deepEqual(await allRows(wh), rows);
  });

  it('removes a compacted hour whose fresh parts are all gone', async () => {
    const rows = await allRows(wh);
    const fresh = join(wh, 'firewall', 'dt=2026-09-18', 'hour=00');
    const parts = filesUnder(fresh);
    for (const p of parts) await unlink(join(fresh, p));
    const r = await compactLocal({ warehouse: wh, nowMs: AFTER_ALL });
    assert.deepEqual(
      r.hours.map((h) => `${h.dt} ${h.hour} ${h.action}`),
      ['2026-09-18 00 removed'],
    );
    assert.deepEqual(
      await allRows(wh),
      rows.filter((x) => x.dt !== '2026-09-18'),
    );
  });
});

describe('fwlake compact over Parquet parts', () => {
  it('compacts firewall_parquet/ parts to the same rows as the JSON ingest', async () => {
    const json = await mkdtemp(join(tmpdir(), 'fwlake-compact-json-'));
    const pq = await mkdtemp(join(tmpdir(), 'fwlake-compact-pq-'));
    try {
      await ingestLocal(SAMPLE, { warehouse: json, referenceMs: REFERENCE });
      await ingestLocal(SAMPLE, { warehouse: pq, referenceMs: REFERENCE, format: 'parquet' });
      const expected = await allRows(json);
      const r = await compactLocal({ warehouse: pq, nowMs: AFTER_ALL });
      assert.equal(r.hours.length, 4);
      assert.equal(
        r.hours.reduce((n, h) => n + h.rows, 0),
        SAMPLE_ROWS,
      );
      assert.deepEqual(await allRows(pq), expected);
    } finally {
      await rm(json, { recursive: true, force: true });
      await rm(pq, { recursive: true, force: true });
    }
  });
});

describe('the zstd level (--level)', () => {
  const run = promisify(execFile);

  it('reads a whole number from 1 to 22 and rejects anything else with a clear message', () => {
    assert.equal(parseLevel('1'), 1);
    assert.equal(parseLevel(' 17 '), 17);
    assert.equal(parseLevel('22'), 22);
    for (const bad of ['0', '23', '1.5', '-3', 'max', '', '1e1']) {
      assert.throws(() => parseLevel(bad), /--level: a zstd level is a whole number from 1 to 22/, bad);
    }
  });

  it('is what the files are written with: level 1 gives bigger files than the default, same rows', async () => {
    const low = await mkdtemp(join(tmpdir(), 'fwlake-compact-l1-'));
    const dflt = await mkdtemp(join(tmpdir(), 'fwlake-compact-ld-'));
    try {
      for (const wh of [low, dflt]) await ingestLocal(SAMPLE, { warehouse: wh, referenceMs: REFERENCE });
      const r1 = await compactLocal({ warehouse: low, nowMs: AFTER_ALL, level: 1 });
      const rd = await compactLocal({ warehouse: dflt, nowMs: AFTER_ALL });
      assert.equal(r1.level, 1);
      assert.equal(rd.level, COMPACTED_ZSTD_LEVEL);
      const bytes = (r: typeof r1) => r.hours.reduce((n, h) => n + h.bytesAfter, 0);
      assert.ok(bytes(r1) > bytes(rd), `level 1: ${bytes(r1)} bytes, level ${rd.level}: ${bytes(rd)}`);
      assert.deepEqual(await allRows(low), await allRows(dflt));
    } finally {
      await rm(low, { recursive: true, force: true });
      await rm(dflt, { recursive: true, force: true });
    }
  });

  it('an invalid level fails before anything is written', async () => {
    const wh = await mkdtemp(join(tmpdir(), 'fwlake-compact-bad-'));
    try {
      await ingestLocal(SAMPLE, { warehouse: wh, referenceMs: REFERENCE });
      const filesBefore = filesUnder(wh);
      await assert.rejects(compactLocal({ warehouse: wh, nowMs: AFTER_ALL, level: 23 }), RangeError);
      assert.deepEqual(filesUnder(wh), filesBefore);
      // The command: exit 2 (bad usage) with the message, nothing compacted.
      await assert.rejects(
        run('node', ['bin/fwlake.mjs', 'compact', '--warehouse', wh, '--level', '0']),
        (e: { code: number; stderr: string }) =>
          e.code === 2 && /--level: a zstd level is a whole number from 1 to 22/.test(e.stderr),
      );
      assert.deepEqual(filesUnder(wh), filesBefore);
      const ok = await run('node', [
        'bin/fwlake.mjs',
        'compact',
        '--warehouse',
        wh,
        '--now',
        new Date(AFTER_ALL).toISOString(),
        '--level',
        '5',
      ]);
      assert.match(ok.stdout, /4 hours compacted \(zstd level 5\): 2502 rows/);
    } finally {
      await rm(wh, { recursive: true, force: true });
    }
  });
});

describe('--grace', () => {
  it('reads 15m, 1h, 90s, 0 and rejects anything else', () => {
    assert.equal(parseGrace('15m'), 900_000);
    assert.equal(parseGrace('1h'), 3_600_000);
    assert.equal(parseGrace('90s'), 90_000);
    assert.equal(parseGrace('0'), 0);
    assert.throws(() => parseGrace('soon'), /--grace/);
  });
});
