/**
 * `ingest --format parquet`: the same sample as Parquet parts, read back by a
 * real DuckDB through the same `firewall` view, compared column by column
 * with the JSON-lines ingest, and with the saved queries' answers.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadCatalog } from '../../functions/adapters/catalog-files.ts';
import { DuckDbEngine } from '../../functions/adapters/duckdb-engine.ts';
import { createWarehouseView } from '../../functions/adapters/duckdb-warehouse.ts';
import { ingestLocal, type LocalIngestResult } from '../../functions/adapters/local-ingest.ts';
import { JSON_PREFIX, PARQUET_PREFIX } from '../../functions/core/lake-layout.ts';
import { hasZstd } from '../../functions/core/parquet/codec.ts';
import { encodeParquet, parquetSchema } from '../../functions/core/parquet-encoder.ts';
import { ParquetPartWriter } from '../../functions/core/parquet-parts.ts';
import { FirewallRecord } from '../../functions/core/record.ts';
import { runSaved } from '../../functions/core/run-saved.ts';
import { COLUMNS } from '../../functions/core/schema.ts';
import { queryWarehouse } from '../support/duckdb.ts';
import { filesUnder } from '../support/files.ts';

const SAMPLE = 'events/sample-kern.log';
const REF = Date.parse('2026-09-19T00:00:00Z');
const run = promisify(execFile);

const files = filesUnder;
const bytes = (dir: string) => files(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

let tmp: string;
let jsonWh: string;
let pqWh: string;
let jsonRes: LocalIngestResult;
let pqRes: LocalIngestResult;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fwlake-parquet-'));
  jsonWh = join(tmp, 'json');
  pqWh = join(tmp, 'parquet');
  jsonRes = await ingestLocal(SAMPLE, { warehouse: jsonWh, referenceMs: REF });
  pqRes = await ingestLocal(SAMPLE, { warehouse: pqWh, referenceMs: REF, format: 'parquet' });
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('ingest --format parquet', () => {
  it('accounts for the same lines and writes one .parquet part per hour under firewall_parquet/, named after the input', () => {
    assert.deepEqual(pqRes.stats, jsonRes.stats);
    assert.equal(pqRes.sourceId, jsonRes.sourceId);
    const want = files(jsonWh).map((f) =>
      f.replace(`${JSON_PREFIX}/`, `${PARQUET_PREFIX}/`).replace(/\.json\.gz$/, '.parquet'),
    );
    assert.deepEqual(files(pqWh), want);
    assert.ok(
      want.every((f) => f.startsWith(`${PARQUET_PREFIX}/dt=`) && f.endsWith(`${pqRes.sourceId}-0.parquet`)),
    );
    const jb = bytes(jsonWh);
    const pb = bytes(pqWh);
    console.log(`sample: gzip JSON ${jb} bytes, Parquet ${pb} bytes (${(pb / jb).toFixed(2)}x)`);
  });

  it('DuckDB reads the same 2502 records with equal values in every column', async () => {
    const sql = `SELECT * FROM firewall ORDER BY line_no`;
    const fromJson = await queryWarehouse(jsonWh, sql);
    const fromParquet = await queryWarehouse(pqWh, sql);
    assert.equal(fromParquet.length, 2502);
    assert.deepEqual(Object.keys(fromParquet[0]), Object.keys(fromJson[0]));
    assert.deepEqual(Object.keys(fromParquet[0]), [...COLUMNS.map((c) => c.name), 'dt', 'hour']);
    for (let i = 0; i < fromJson.length; i++) assert.deepEqual(fromParquet[i], fromJson[i], `line ${i + 1}`);
    // Some of every kind of value is really there, not null on both sides.
    const some = await queryWarehouse(
      pqWh,
      `SELECT count(tcp_flags) AS flags, count(ip_id) AS ids, count(ip_flags) AS ipf FROM firewall`,
    );
    assert.ok(
      Object.values(some[0]).every((n) => Number(n) > 0),
      JSON.stringify(some[0]),
    );
  });

  it('the view types ts as TIMESTAMP (UTC, any session TimeZone) and tcp_flags as VARCHAR[]', async () => {
    const types = await queryWarehouse(pqWh, 'DESCRIBE firewall');
    const type = (c: string) => types.find((t) => t.column_name === c)?.column_type;
    assert.equal(type('ts'), 'TIMESTAMP');
    assert.equal(type('tcp_flags'), 'VARCHAR[]');
    assert.equal(type('line_no'), 'BIGINT');
    // Under another session TimeZone, the Parquet ts still reads as the same UTC wall-clock time.
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    let first: unknown;
    try {
      await conn.run("SET TimeZone = 'America/New_York'");
      await createWarehouseView(conn, pqWh);
      const r = await conn.runAndReadAll(
        'SELECT CAST(ts AS VARCHAR) AS ts FROM firewall ORDER BY line_no LIMIT 1',
      );
      first = r.getRowObjectsJson();
    } finally {
      conn.closeSync();
    }
    const json = await queryWarehouse(
      jsonWh,
      `SELECT CAST(ts AS VARCHAR) AS ts FROM firewall ORDER BY line_no LIMIT 1`,
    );
    assert.deepEqual(first, json);
  });

  it('the files carry the chosen physical and logical types, one codec, and dictionary encoded', async () => {
    const part = join(pqWh, files(pqWh).find((f) => f.endsWith('.parquet'))!);
    const schema = await queryWarehouse(
      pqWh,
      `SELECT name, type, converted_type, logical_type, repetition_type FROM parquet_schema('${part}')`,
    );
    const el = (name: string) => schema.find((s) => s.name === name)!;
    assert.equal(el('ts').type, 'INT64');
    assert.equal(el('ts').converted_type, 'TIMESTAMP_MILLIS');
    assert.match(String(el('ts').logical_type), /TimestampType\(isAdjustedToUTC=1, unit=TimeUnit\(MILLIS=/);
    assert.equal(el('host').type, 'BYTE_ARRAY');
    assert.match(String(el('host').logical_type), /StringType/);
    assert.equal(el('tcp_flags').converted_type, 'LIST');
    assert.match(String(el('tcp_flags').logical_type), /ListType/);
    assert.equal(el('len').type, 'INT32');
    assert.equal(el('line_no').type, 'INT64');
    assert.equal(el('kernel_uptime').type, 'DOUBLE');
    assert.equal(el('truncated').type, 'BOOLEAN');
    // The three-level list: tcp_flags / list (repeated) / element (optional string).
    const i = schema.findIndex((s) => s.name === 'tcp_flags');
    assert.deepEqual(
      schema.slice(i + 1, i + 3).map((s) => [s.name, s.repetition_type, s.type]),
      [
        ['list', 'REPEATED', null],
        ['element', 'OPTIONAL', 'BYTE_ARRAY'],
      ],
    );
    const meta = await queryWarehouse(
      pqWh,
      `SELECT path_in_schema, compression, encodings FROM parquet_metadata('${part}')`,
    );
    // One codec for every page: zstd where node:zlib has it (Node >= 22.15), else snappy.
    const codec = hasZstd() ? 'ZSTD' : 'SNAPPY';
    assert.ok(meta.every((m) => m.compression === codec));
    assert.ok(meta.some((m) => m.path_in_schema === 'raw'));
    assert.match(String(meta.find((m) => m.path_in_schema === 'host')!.encodings), /RLE_DICTIONARY/);
    // Every generated schema column is in the file (the schema is generated from COLUMNS).
    assert.equal(parquetSchema()[0].num_children, COLUMNS.length);
  });

  it('low-source-ports gives the same answer (the four state-loss sources) on a Parquet warehouse', async () => {
    const catalog = loadCatalog(['functions/queries']);
    const window = { since: '2026-09-17T00:00:00Z', until: '2026-09-19T00:00:00Z' };
    const answer = async (wh: string) => {
      const engine = await DuckDbEngine.open(wh);
      try {
        const { result } = await runSaved(catalog, 'low-source-ports', window, engine, REF);
        return result;
      } finally {
        await engine.close();
      }
    };
    const [j, p] = [await answer(jsonWh), await answer(pqWh)];
    assert.deepEqual(p.columns, j.columns);
    assert.deepEqual(p.rows, j.rows);
    const src = p.columns.indexOf('src');
    assert.deepEqual(
      p.rows.map((r) => r[src]).sort(),
      ['104.244.43.108', '52.84.17.45', '64.233.191.155', '69.89.31.130'].sort(),
    );
  });

  it('re-ingest replaces (same names); switching format replaces the other format; both formats union', async () => {
    const wh = join(tmp, 'again');
    const a = await ingestLocal(SAMPLE, { warehouse: wh, referenceMs: REF, format: 'parquet' });
    const first = files(wh);
    const b = await ingestLocal(SAMPLE, { warehouse: wh, referenceMs: REF, format: 'parquet' });
    assert.deepEqual(files(wh), first);
    assert.deepEqual(a.files.sort(), b.files.sort());
    const count = async () => Number((await queryWarehouse(wh, 'SELECT count(*) AS n FROM firewall'))[0].n);
    assert.equal(await count(), 2502);
    // The same input as JSON lines replaces its Parquet parts (no duplicates), and back.
    await ingestLocal(SAMPLE, { warehouse: wh, referenceMs: REF });
    assert.ok(files(wh).every((f) => !f.endsWith('.parquet') && f.startsWith(`${JSON_PREFIX}/`)));
    assert.equal(await count(), 2502);
    await ingestLocal(SAMPLE, { warehouse: wh, referenceMs: REF, format: 'parquet' });
    assert.deepEqual(files(wh), first);
    // Another input as JSON lines next to the Parquet parts: the view reads both.
    const other = join(tmp, 'other.log');
    writeFileSync(other, readFileSync(SAMPLE, 'utf8').split('\n').slice(0, 40).join('\n'));
    const o = await ingestLocal(other, { warehouse: wh, referenceMs: REF });
    assert.ok(files(wh).some((f) => f.endsWith('.json.gz')));
    assert.equal(await count(), 2502 + o.stats.records);
  });

  it('bounds memory: parts split at the row limit and at the total buffered limit, deterministically', async () => {
    const written: { partition: string; index: number; rows: number }[] = [];
    const store = {
      async writePart(_t: string, partition: string, index: number, _s: string, b: Uint8Array) {
        assert.ok(b.length > 0);
        written.push({ partition, index, rows: -1 });
      },
    };
    const rec = (ts: number) => Object.assign(new FirewallRecord(), { ts });
    const w = new ParquetPartWriter(store, PARQUET_PREFIX, { rowsPerPart: 4, maxBufferedRows: 6 });
    // a a a b b b: the total reaches 6, so a (the first of the largest) is written; a a a: 6 again,
    // now b (first in buffer order) is written; the next a makes 4 rows: a's part 1.
    for (const p of ['a', 'a', 'a', 'b', 'b', 'b', 'a', 'a', 'a', 'a']) await w.add(p, rec(0));
    await w.close();
    assert.deepEqual(
      w.parts.map((x) => [x.partition, x.index, x.rows]),
      [
        ['a', 0, 3],
        ['b', 0, 3],
        ['a', 1, 4],
      ],
    );
    assert.equal(written.length, 3);
  });

  it('reuses emptied buffers: hours that overlap at their boundaries make few new ones', async () => {
    const store = { async writePart() {} };
    const w = new ParquetPartWriter(store, PARQUET_PREFIX, { rowsPerPart: 4, maxBufferedRows: 6 });
    // Eight hours, each with one line of the next among its last ones, as hosts' clocks differ.
    const hours: string[] = [];
    for (let h = 0; h < 8; h++) hours.push(`h${h}`, `h${h}`, `h${h}`, `h${h + 1}`, `h${h}`);
    for (const p of hours) await w.add(p, Object.assign(new FirewallRecord(), { ts: 0 }));
    await w.close();
    assert.equal(
      w.parts.reduce((n, x) => n + x.rows, 0),
      hours.length,
    );
    // Two spares: 4 buffers made for 9 partitions. With one spare it is 9, one for each.
    assert.equal(w.buffersMade, 4);
  });

  it('writes out the buffer of an hour that is over before the largest, so hours keep whole parts', async () => {
    // Four hours of 6 lines, each hour's last line after the next hour's first.
    const hours: string[] = [];
    for (let h = 0; h < 4; h++) hours.push(...Array(5).fill(`h${h}`), `h${h + 1}`, `h${h}`);
    const partsOf = async (staleRows: number) => {
      const w = new ParquetPartWriter({ async writePart() {} }, PARQUET_PREFIX, {
        rowsPerPart: 6,
        maxBufferedRows: 6,
        staleRows,
      });
      for (const p of hours) await w.add(p, Object.assign(new FirewallRecord(), { ts: 0 }));
      await w.close();
      return { parts: w.parts.map((x) => `${x.partition}:${x.rows}`).join(' '), made: w.buffersMade };
    };
    // An hour with no line for more than 2 rows is over: its last line goes out on its own, and
    // each following hour fills a whole part.
    assert.deepEqual(await partsOf(2), {
      parts: 'h0:5 h0:1 h1:6 h1:1 h2:6 h2:1 h3:6 h4:1 h3:1',
      made: 2,
    });
    // Largest first only (as before 2026-12-07): the current hour is written out in pieces, and
    // h0's last line waits in a buffer of its own until the end.
    assert.deepEqual(await partsOf(Number.POSITIVE_INFINITY), {
      parts: 'h0:5 h1:5 h2:3 h2:3 h1:2 h3:4 h3:3 h0:1 h2:1 h4:1',
      made: 4,
    });
  });

  it('encodes nulls, empty batches of columns and large bigints', () => {
    const r = new FirewallRecord();
    r.ts = Date.parse('2026-01-01T00:00:00Z');
    r.tcp_seq = 4294967295;
    r.tcp_flags = ['ACK', 'SYN'];
    const b = encodeParquet([r, new FirewallRecord()]);
    assert.equal(String.fromCharCode(...b.slice(0, 4)), 'PAR1');
  });

  it('the CLI takes --format parquet (and refuses other formats)', async () => {
    const wh = join(tmp, 'cli');
    const out = await run('node', [
      'bin/fwlake.mjs',
      'ingest',
      SAMPLE,
      '--warehouse',
      wh,
      '--reference-time',
      '2026-09-19T00:00:00Z',
      '--format',
      'parquet',
    ]);
    assert.match(out.stdout, /2502 records/);
    assert.ok(files(wh).some((f) => f.endsWith('.parquet')));
    await assert.rejects(
      run('node', ['bin/fwlake.mjs', 'ingest', SAMPLE, '--warehouse', wh, '--format', 'csv']),
      (e: { code: number; stderr: string }) =>
        e.code === 2 && /--format must be json or parquet/.test(e.stderr),
    );
  });
});
