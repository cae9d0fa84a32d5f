/**
 * Local ingest end to end: real files in, a real warehouse folder out, read
 * back by a real DuckDB with the schema's explicit column types.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ingestLocal } from '../../functions/adapters/local-ingest.ts';
import { queryWarehouse } from '../support/duckdb.ts';
import { filesUnder } from '../support/files.ts';

const SAMPLE = 'events/sample-kern.log';
const REF = Date.parse('2026-09-19T00:00:00Z');
const run = promisify(execFile);

const files = filesUnder;

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fwlake-ingest-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('ingest of the shipped sample log', () => {
  it('accounts for every line and writes hourly partitions named after the input', async () => {
    const wh = join(tmp, 'a');
    const res = await ingestLocal(SAMPLE, { warehouse: wh, referenceMs: REF });
    const lines = readFileSync(SAMPLE, 'utf8')
      .split('\n')
      .filter((l) => l !== '').length;
    const s = res.stats;
    assert.equal(s.lines, lines);
    assert.equal(s.records + s.skipped + s.quarantined, s.lines);
    assert.equal(s.quarantined, 0);
    assert.equal(
      s.skipped,
      readFileSync(SAMPLE, 'utf8')
        .split('\n')
        .filter((l) => l !== '' && !l.includes('IN=')).length,
    );
    assert.deepEqual(files(wh), [
      `firewall/dt=2026-09-17/hour=21/${res.sourceId}-0.json.gz`,
      `firewall/dt=2026-09-17/hour=22/${res.sourceId}-0.json.gz`,
      `firewall/dt=2026-09-17/hour=23/${res.sourceId}-0.json.gz`,
      `firewall/dt=2026-09-18/hour=00/${res.sourceId}-0.json.gz`,
    ]);
    // Every record lands in the partition of its own hour.
    const rows = await queryWarehouse(
      wh,
      "SELECT count(*) AS n, count(*) FILTER (WHERE strftime(ts, '%Y-%m-%d') <> dt OR strftime(ts, '%H') <> hour) AS misplaced FROM firewall",
    );
    assert.deepEqual(rows, [{ n: String(s.records), misplaced: '0' }]);
  });

  it('is read by DuckDB with typed columns: the four state-loss sources are the only low source ports', async () => {
    const wh = join(tmp, 'b');
    await ingestLocal(SAMPLE, { warehouse: wh, referenceMs: REF });
    const rows = await queryWarehouse(
      wh,
      `SELECT src, count(*) AS n, list(DISTINCT array_to_string(tcp_flags, ' ')) AS flags
         FROM firewall WHERE spt < 1024 AND direction = 'in' GROUP BY src ORDER BY src`,
    );
    assert.deepEqual(rows, [
      { src: '104.244.43.108', n: '1', flags: ['RST'] },
      { src: '52.84.17.45', n: '1', flags: ['RST'] },
      { src: '64.233.191.155', n: '1', flags: ['RST'] },
      { src: '69.89.31.130', n: '11', flags: ['ACK PSH'] },
    ]);
    const [types] = await queryWarehouse(
      wh,
      'SELECT typeof(ts) AS ts, typeof(spt) AS spt, typeof(tcp_flags) AS flags, typeof(tcp_seq) AS seq FROM firewall LIMIT 1',
    );
    assert.deepEqual(types, { ts: 'TIMESTAMP', spt: 'INTEGER', flags: 'VARCHAR[]', seq: 'BIGINT' });
  });

  it('re-ingesting the same input replaces its output, never duplicates it', async () => {
    const wh = join(tmp, 'c');
    const first = await ingestLocal(SAMPLE, { warehouse: wh, referenceMs: REF });
    const before = files(wh);
    const second = await ingestLocal(SAMPLE, { warehouse: wh, referenceMs: REF });
    assert.equal(second.sourceId, first.sourceId);
    assert.deepEqual(files(wh), before);
    const [{ n }] = await queryWarehouse(wh, 'SELECT count(*) AS n FROM firewall');
    assert.equal(n, String(first.stats.records));
    // Another reference year moves the lines; the old copies of this input go.
    await ingestLocal(SAMPLE, { warehouse: wh, referenceMs: Date.parse('2025-09-19T00:00:00Z') });
    const [{ n: after, years }] = await queryWarehouse(
      wh,
      'SELECT count(*) AS n, list(DISTINCT year(ts)) AS years FROM firewall',
    );
    assert.equal(after, String(first.stats.records));
    assert.deepEqual(years, ['2025']);
  });

  it('keeps at most 8 JSON parts open: hours interleaved past that continue in new parts, no line lost', async () => {
    // One line in each of 10 hours, round after round: every switch closes the least recent part.
    const line = readFileSync(SAMPLE, 'utf8')
      .split('\n')
      .find((l) => l.includes(' IN=')) as string;
    const body = line.replace(/^\w{3} \d\d \d\d:\d\d:\d\d/, '');
    const lines: string[] = [];
    for (let round = 0; round < 3; round++)
      for (let h = 0; h < 10; h++) lines.push(`Sep 17 ${String(h).padStart(2, '0')}:00:0${round}${body}`);
    const input = join(tmp, 'interleaved.log');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const wh = join(tmp, 'interleaved');
    const r = await ingestLocal(input, { warehouse: wh, referenceMs: REF });
    assert.equal(r.stats.records, 30);
    const parts = files(wh).filter((f) => f.startsWith('firewall/'));
    assert.equal(
      parts.length,
      30,
      'with 10 hours cycling through 8 open parts, each line lands in a new part',
    );
    const [{ n }] = await queryWarehouse(wh, 'SELECT count(*) AS n FROM firewall');
    assert.equal(n, '30');
  });

  it('reads gzip input (by its magic bytes) and gives it the same records', async () => {
    const gz = join(tmp, 'sample.log.gz');
    writeFileSync(gz, gzipSync(readFileSync(SAMPLE)));
    const wh = join(tmp, 'd');
    const res = await ingestLocal(gz, { warehouse: wh, referenceMs: REF });
    const plain = await ingestLocal(SAMPLE, { warehouse: join(tmp, 'e'), referenceMs: REF });
    assert.equal(res.stats.records, plain.stats.records);
    const a = await queryWarehouse(wh, 'SELECT raw FROM firewall ORDER BY line_no');
    const b = await queryWarehouse(join(tmp, 'e'), 'SELECT raw FROM firewall ORDER BY line_no');
    assert.deepEqual(a, b);
  });

  it('reads zstd input where Node has zstd, and says which Node it needs where not', async () => {
    const zstdCompressSync = (zlib as unknown as { zstdCompressSync?: (b: Buffer) => Buffer })
      .zstdCompressSync;
    const zst = join(tmp, 'sample.log.zst');
    const wh = join(tmp, 'zstd');
    if (zstdCompressSync === undefined) {
      // The zstd magic number, then anything: enough to be recognised, and refused with the reason.
      writeFileSync(zst, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]));
      await assert.rejects(
        ingestLocal(zst, { warehouse: wh, referenceMs: REF }),
        /sample\.log\.zst is zstd-compressed: zstd needs Node 22\.15 or newer/,
      );
    } else {
      writeFileSync(zst, zstdCompressSync(readFileSync(SAMPLE)));
      const res = await ingestLocal(zst, { warehouse: wh, referenceMs: REF });
      assert.equal(res.stats.records, 2502);
    }
  });

  it('writes quarantined lines with their reason and lineage under quarantine/', async () => {
    const input = join(tmp, 'bad.log');
    const good = readFileSync(SAMPLE, 'utf8')
      .split('\n')
      .find((l) => l.includes('SPT=993'))!;
    writeFileSync(input, `${good}\n${good.replace('TTL=54', 'TTL=999')}\nhello\n${good.slice(0, 120)}\n`);
    const wh = join(tmp, 'f');
    const res = await ingestLocal(input, { warehouse: wh, referenceMs: REF });
    assert.deepEqual([res.stats.records, res.stats.skipped, res.stats.quarantined], [1, 1, 2]);
    const q = files(wh).filter((f) => f.startsWith('quarantine/'));
    assert.deepEqual(q, [`quarantine/${res.sourceId}-0.json.gz`]);
    const entries = gunzipSync(readFileSync(join(wh, q[0])))
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      entries.map((e) => [e.line_no, e.source_key]),
      [
        [2, 'bad.log'],
        [4, 'bad.log'],
      ],
    );
    assert.match(entries[0].reason, /TTL/);
    assert.equal(entries[1].raw, good.slice(0, 120));
  });
});

describe('the fwlake CLI', () => {
  it('ingest prints the summary; parse prints records on stdout and the summary on stderr', async () => {
    const wh = join(tmp, 'cli');
    const ing = await run('node', [
      'bin/fwlake.mjs',
      'ingest',
      SAMPLE,
      '--warehouse',
      wh,
      '--reference-time',
      '2026-09-19',
    ]);
    assert.match(
      ing.stdout,
      /2518 lines: 2502 records, 16 skipped \(not netfilter\), 0 quarantined; 4 partitions/,
    );
    const parsed = await run('node', ['bin/fwlake.mjs', 'parse', SAMPLE, '--reference-time', '2026-09-19'], {
      maxBuffer: 64 << 20,
    });
    const records = parsed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(records.length, 2502);
    assert.equal(records[0].line_no, 1);
    assert.match(parsed.stderr, /2518 lines: 2502 records, 16 skipped/);
  });

  it('sql runs ad-hoc SQL through the same Trino dialect layer as the saved queries', async () => {
    const wh = join(tmp, 'cli-sql');
    await ingestLocal(SAMPLE, { warehouse: wh, referenceMs: REF });
    const out = await run('node', [
      'bin/fwlake.mjs',
      'sql',
      "SELECT array_join(tcp_flags, '+') AS flags, count(*) AS n, 7 / 2 AS div FROM firewall WHERE spt < 1024 AND direction = 'in' GROUP BY 1 ORDER BY 2",
      '--warehouse',
      wh,
      '--format',
      'csv',
    ]);
    // Trino's array_join (DuckDB has none) and integer division (DuckDB's / gives 3.5).
    assert.equal(out.stdout, 'flags,n,div\nRST,3,3\nACK+PSH,11,3\n');
  });

  it('exits non-zero with a clear message on unreadable input', async () => {
    await assert.rejects(
      run('node', ['bin/fwlake.mjs', 'ingest', join(tmp, 'missing.log'), '--warehouse', join(tmp, 'x')]),
      (e: { code: number; stderr: string }) =>
        e.code === 1 && /missing\.log: cannot read .*ENOENT/.test(e.stderr),
    );
    const notGzip = join(tmp, 'broken.gz');
    writeFileSync(notGzip, Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(64, 7)]));
    await assert.rejects(
      run('node', ['bin/fwlake.mjs', 'ingest', notGzip, '--warehouse', join(tmp, 'y')]),
      (e: { code: number; stderr: string }) => e.code === 1 && /broken\.gz: /.test(e.stderr),
    );
  });

  it('compresses JSON parts at FWLAKE_GZIP_LEVEL: the same lines, fewer bytes at 6 than at 1; a bad level is refused', async () => {
    const ingestAt = async (level: string) => {
      const wh = join(tmp, `gzip-${level}`);
      await run(
        'node',
        ['bin/fwlake.mjs', 'ingest', SAMPLE, '--warehouse', wh, '--reference-time', '2026-09-19'],
        {
          env: { ...process.env, FWLAKE_GZIP_LEVEL: level },
        },
      );
      return files(wh).map((f) => readFileSync(join(wh, f)));
    };
    const fast = await ingestAt('1');
    const small = await ingestAt('6');
    assert.equal(fast.length, 4);
    assert.deepEqual(
      fast.map((p) => gunzipSync(p)),
      small.map((p) => gunzipSync(p)),
    );
    const total = (parts: Buffer[]) => parts.reduce((n, p) => n + p.length, 0);
    assert.ok(total(small) < total(fast), `level 6 ${total(small)} bytes, level 1 ${total(fast)}`);
    await assert.rejects(
      ingestAt('fast'),
      (e: { code: number; stderr: string }) =>
        e.code === 1 && /FWLAKE_GZIP_LEVEL must be a whole number from 0 to 9, not "fast"/.test(e.stderr),
    );
  });

  it('rejects bad usage with exit code 2', async () => {
    await assert.rejects(
      run('node', ['bin/fwlake.mjs', 'frobnicate']),
      (e: { code: number }) => e.code === 2,
    );
    await assert.rejects(
      run('node', ['bin/fwlake.mjs', 'ingest', SAMPLE, '--reference-time', 'yesterday-ish']),
      (e: { code: number; stderr: string }) => e.code === 2 && /reference-time/.test(e.stderr),
    );
  });
});
