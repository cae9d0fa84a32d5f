/**
 * The Parquet writer (functions/core/parquet/) checked by a real reader:
 * files written from records are read back with DuckDB and every value
 * compared with what went in, across the edge cases of each encoding
 * (RLE runs and bit-packed groups, dictionary or plain, delta with jumps,
 * nulls, empty and null lists, booleans, doubles, bigints up to 2^53,
 * non-ASCII text, raw pages over 1 MiB).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { ipv4Mark, LINE_SYMBOLS, SYMBOL_COLUMNS } from '../../functions/core/line-symbols.ts';
import { ByteBuffer } from '../../functions/core/parquet/byte-buffer.ts';
import { gzipCodec, hasZstd, parseCodec, SNAPPY, UNCOMPRESSED } from '../../functions/core/parquet/codec.ts';
import {
  DATA_PAGE,
  DICTIONARY_PAGE,
  writePageHeader as writeOurPageHeader,
} from '../../functions/core/parquet/footer.ts';
import { RecordColumns } from '../../functions/core/parquet/record-columns.ts';
import { FirewallRecord } from '../../functions/core/record.ts';
import { COLUMNS } from '../../functions/core/schema.ts';
import { rng } from '../support/rng.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fwlake-pqw-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function readBack(records: FirewallRecord[], sql: string, codec = gzipCodec(6)) {
  const cols = new RecordColumns();
  for (const r of records) cols.add(r);
  return query(cols.toParquet({ codec }), sql);
}

/** Runs `sql` with $F naming a file that holds `bytes`. */
async function query(bytes: Uint8Array, sql: string) {
  const file = join(tmp, `f${Math.random().toString(36).slice(2)}.parquet`);
  writeFileSync(file, bytes);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    return (await conn.runAndReadAll(sql.replaceAll('$F', `'${file}'`))).getRowObjectsJson() as Record<
      string,
      unknown
    >[];
  } finally {
    conn.closeSync();
  }
}

const HOUR = Date.parse('2026-11-20T10:00:00Z');

function varied(n: number, seed = 7): FirewallRecord[] {
  const rand = rng(seed);
  const out: FirewallRecord[] = [];
  for (let i = 0; i < n; i++) {
    const r = new FirewallRecord();
    r.ts = HOUR + Math.floor(rand() * 3600) * 1000; // syslog stamps: whole seconds
    r.host = i % 3 === 0 ? 'fw1' : 'fw2';
    r.src = rand() < 0.1 ? null : `10.0.${Math.floor(rand() * 4)}.${Math.floor(rand() * 50)}`;
    r.spt = rand() < 0.2 ? null : Math.floor(rand() * 65536); // random: PLAIN
    r.dpt = [22, 443, 80, 53][i % 4]; // few values: dictionary, long runs
    r.ip_id = Math.floor(rand() * 65536);
    r.tcp_seq = i === 5 ? 2 ** 53 - 1 : Math.floor(rand() * 4294967296);
    r.tcp_flags = i % 5 === 0 ? null : i % 5 === 1 ? [] : i % 5 === 2 ? ['SYN'] : ['ACK', 'PSH', 'FIN'];
    r.truncated = i % 7 === 0 ? true : i % 7 === 1 ? false : null;
    r.kernel_uptime = i % 11 === 0 ? i / 3 : null;
    r.prefix = i % 13 === 0 ? 'régle→drop ☃' : '[UFW BLOCK]';
    r.raw = `line ${i} ${'x'.repeat(i % 300)} ü`;
    r.line_no = i < n / 2 ? i + 1 : n * 10 - i; // rising, then falling: delta blocks with big jumps
    r.source_key = 's3://raw/fw1.log.gz';
    // Dictionary keys past the 64-character ASCII fast path; and keys whose UTF-16 order is not their
    // UTF-8 byte order (a surrogate pair sorts below U+E000 in UTF-16, above it in bytes).
    r.tcp_options = i % 17 === 0 ? `${'0204'.repeat(20)}${i % 3}` : null;
    r.rule_set = i % 19 === 0 ? `set ${['😀', 'é', '\uE000'][i % 3]}` : null;
    out.push(r);
  }
  return out;
}

describe('Parquet writer, read back by DuckDB', () => {
  it('every value of 20,000 varied rows comes back as written', async () => {
    const records = varied(20_000);
    const rows = await readBack(
      records,
      `SELECT epoch_ms(ts) AS ts, host, src, spt, dpt, ip_id, tcp_seq, tcp_flags, truncated, kernel_uptime,
              prefix, raw, line_no, source_key, tcp_options, rule_set FROM $F`,
    );
    assert.equal(rows.length, records.length);
    const key = (o: Record<string, unknown>) => JSON.stringify(o);
    const expected = records.map((r) =>
      key({
        ts: String(r.ts),
        host: r.host,
        src: r.src,
        spt: r.spt,
        dpt: r.dpt,
        ip_id: String(r.ip_id),
        tcp_seq: String(r.tcp_seq),
        tcp_flags: r.tcp_flags,
        truncated: r.truncated,
        kernel_uptime: r.kernel_uptime,
        prefix: r.prefix,
        raw: r.raw,
        line_no: String(r.line_no),
        source_key: r.source_key,
        tcp_options: r.tcp_options,
        rule_set: r.rule_set,
      }),
    );
    assert.deepEqual(rows.map(key), expected, 'every row, in the order it was added');
  });

  it('every value comes back as written with snappy pages too (the auto codec where zstd is missing)', async () => {
    const records = varied(5_000);
    const rows = await readBack(records, 'SELECT host, src, spt, tcp_flags, raw, line_no FROM $F', SNAPPY);
    assert.deepEqual(
      rows.map((r) => [r.host, r.src, r.spt, r.tcp_flags, r.raw, Number(r.line_no)]),
      records.map((r) => [r.host, r.src, r.spt, r.tcp_flags, r.raw, r.line_no]),
    );
    const meta = await readBack(records, 'SELECT DISTINCT compression FROM parquet_metadata($F)', SNAPPY);
    assert.deepEqual(meta, [{ compression: 'SNAPPY' }]);
  });

  it('keeps rows in arrival order, raw pages with and without null lines between them', async () => {
    // Every third raw line null in the first half: pages with nulls are gathered value by value,
    // pages without are one slice of the buffer. Pages of ~1 MiB: 3,000 lines of ~1 KB span several.
    const records = varied(3_000).map((r, i) => {
      r.raw = i < 1_500 && i % 3 === 0 ? (null as unknown as string) : `${i} ${'x'.repeat(1_000 + (i % 17))}`;
      return r;
    });
    const rows = await readBack(records, 'SELECT line_no, raw FROM $F');
    assert.deepEqual(
      rows.map((r) => [Number(r.line_no), r.raw]),
      records.map((r) => [r.line_no, r.raw]),
    );
  });

  it('writes the same file when the raw lines come as ASCII bytes (the ingest fast path) as from the strings', () => {
    const records = varied(2_000).map((r, i) => {
      r.raw = `ascii line ${i} ${'y'.repeat(i % 300)}`;
      return r;
    });
    const text = records.map((r) => r.raw).join('\n');
    const bytes = new TextEncoder().encode(text);
    const fromStrings = new RecordColumns();
    const fromBytes = new RecordColumns();
    let start = 0;
    for (const r of records) {
      fromStrings.add(r);
      fromBytes.add(r, bytes, start);
      start += r.raw.length + 1;
    }
    const a = Buffer.from(fromStrings.toParquet({ codec: UNCOMPRESSED }));
    const b = Buffer.from(fromBytes.toParquet({ codec: UNCOMPRESSED }));
    assert.ok(a.length > 100_000);
    assert.ok(a.equals(b));
  });

  it('strings cycling through more values than the writer remembers, and lists shared by rows far apart, come back as written', async () => {
    // The string columns remember their last four values and ids, the list columns the first 32
    // arrays they met (column-buffers.ts): here direction cycles through 6 values, proto through 5 in
    // another rhythm, and tcp_flags through 40 distinct shared arrays (past the memo) and fresh copies.
    const directions = ['in', 'out', 'forward', 'a', 'b', 'c'];
    const protos = ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'GRE'];
    const shared = Array.from({ length: 40 }, (_, k) => (k % 3 === 0 ? [] : [`F${k}`, `G${k % 7}`]));
    const records = varied(6_000).map((r, i) => {
      r.direction = directions[(i * 7) % 6];
      r.proto = protos[(i * i) % 5];
      // Shared arrays in a pattern that revisits earlier ones; every 11th row a fresh array with equal contents.
      const list = shared[(i * 13) % 40];
      r.tcp_flags = i % 11 === 0 ? [...list] : list;
      return r;
    });
    const rows = await readBack(records, 'SELECT direction, proto, tcp_flags FROM $F');
    assert.deepEqual(
      rows.map((r) => [r.direction, r.proto, r.tcp_flags]),
      records.map((r) => [r.direction, r.proto, r.tcp_flags]),
    );
  });

  it('columns set only in the first rows of a long part read back as null after them', async () => {
    // A column's arrays grow only when a row past their end is set (1,024 rows at first): here
    // a string, a number, a list and the raw column end long before the part does.
    const records = varied(5_000).map((r, i) => {
      r.in_iface = i < 3 ? `eth${i}` : null;
      r.ttl = i < 5 ? 60 + i : null;
      r.ip_flags = i < 2 ? ['DF'] : null;
      r.raw = i < 4 ? `line ${i}` : (null as unknown as string);
      return r;
    });
    const rows = await readBack(records, 'SELECT in_iface, ttl, ip_flags, raw FROM $F');
    assert.deepEqual(
      rows.map((r) => [r.in_iface, r.ttl, r.ip_flags, r.raw]),
      records.map((r) => [r.in_iface, r.ttl, r.ip_flags, r.raw]),
    );
  });

  it('dictionary-encodes timestamps of whole seconds and with milliseconds, and reads both back', async () => {
    for (const ms of [false, true]) {
      const records = varied(6_000).map((r, i) => {
        r.ts = HOUR + (i % 2_000) * 1000 + (ms ? (i % 2_000) % 7 : 0); // 2,000 distinct either way
        return r;
      });
      const rows = await readBack(records, 'SELECT epoch_ms(ts) AS ts FROM $F');
      assert.deepEqual(
        rows.map((r) => Number(r.ts)),
        records.map((r) => r.ts),
      );
      const [meta] = await readBack(
        records,
        "SELECT encodings FROM parquet_metadata($F) WHERE path_in_schema = 'ts'",
      );
      assert.match(String(meta.encodings), /RLE_DICTIONARY/, ms ? 'with milliseconds' : 'whole seconds');
    }
  });

  it('chooses the encoding per column: dictionary for repeating values, plain for random ones, delta for line_no', async () => {
    const meta = await readBack(
      varied(20_000),
      "SELECT path_in_schema AS col, encodings, compression FROM parquet_metadata($F) WHERE path_in_schema IN ('ts', 'dpt', 'spt', 'ip_id', 'host', 'raw', 'line_no')",
    );
    const enc = Object.fromEntries(meta.map((m) => [m.col, String(m.encodings)]));
    assert.match(enc.dpt, /RLE_DICTIONARY/);
    assert.match(enc.host, /RLE_DICTIONARY/);
    assert.match(enc.ts, /RLE_DICTIONARY/, '20,000 rows over at most 3,600 distinct seconds');
    assert.doesNotMatch(enc.spt, /DICTIONARY/);
    assert.doesNotMatch(enc.ip_id, /DICTIONARY/);
    assert.doesNotMatch(enc.raw, /DICTIONARY/);
    assert.match(enc.line_no, /DELTA_BINARY_PACKED/);
    assert.ok(meta.every((m) => m.compression === 'GZIP'));
  });

  it('keeps min/max statistics DuckDB can prune with (and none on raw)', async () => {
    const records = varied(5_000);
    const stats = await readBack(
      records,
      "SELECT path_in_schema AS col, stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata($F) WHERE path_in_schema IN ('dpt', 'host', 'raw', 'tcp_options', 'rule_set')",
    );
    const by = Object.fromEntries(stats.map((s) => [s.col, s]));
    assert.deepEqual([by.dpt.lo, by.dpt.hi], ['22', '443']);
    assert.deepEqual([by.host.lo, by.host.hi], ['fw1', 'fw2']);
    assert.equal(by.raw.lo, null);
    // Keys longer than the ASCII fast path keep statistics (DuckDB shows them cut to 16 characters).
    assert.ok(String(by.tcp_options.lo).startsWith('0204') && String(by.tcp_options.hi).startsWith('0204'));
    // Parquet orders UTF8 values by their bytes: 'é' (C3 A9) < U+E000 (EE 80 80) < '😀' (F0 9F 98 80),
    // although '😀' < U+E000 in UTF-16, JavaScript's string order.
    assert.deepEqual([by.rule_set.lo, by.rule_set.hi], ['set é', 'set 😀']);
  });

  it('string min/max are the smallest and largest keys, however many share their first characters, part after part', async () => {
    // Keys that share their first three characters with the min or max so far are the ones the
    // writer must compare in full: each part below sends a later key that beats an earlier one
    // only after those characters. '' and '1' have fewer than three. One writer, reset between
    // parts: a part's stats owe nothing to the part before.
    const parts = [
      ['1.2.3.40', '1.2.3.400', '1.2.3.4'],
      ['99.1.1.1', '99.1.1.10', '99.1.1.9'],
      ['10.0.0.1', '1', '9.9.9.9', ''],
      ['fe80::2', 'fe80::10', '2001:db8::1', '2001:db8::'],
      ['b'],
    ];
    const cols = new RecordColumns();
    const got: [unknown, unknown][] = [];
    for (const keys of parts) {
      for (let i = 0; i < 200; i++) {
        const r = new FirewallRecord();
        r.ts = HOUR;
        r.src = keys[i % keys.length];
        cols.add(r);
      }
      const [s] = await query(
        cols.toParquet({ codec: UNCOMPRESSED }),
        "SELECT stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata($F) WHERE path_in_schema = 'src'",
      );
      got.push([s.lo, s.hi]);
      cols.reset();
    }
    const sorted = parts.map((keys) => [...keys].sort());
    assert.deepEqual(
      got,
      sorted.map((k) => [k[0], k[k.length - 1]]),
    );
  });

  it('IPv4 addresses given by value (line-symbol marks) write the same bytes as given by text', async () => {
    // The extremes of the octets (0, 9, 10, 99, 100, 255), repeats, and IPv6 text in the same
    // column and part (which goes by text either way).
    const keys = [
      '0.0.0.0',
      '255.255.255.255',
      '10.0.0.1',
      '9.99.100.255',
      '1.2.3.4',
      '1.2.3.40',
      'fe80::1',
      '100.10.1.0',
      '2001:db8::',
    ];
    const value = (k: string) => k.split('.').reduce((v, o) => v * 256 + Number(o), 0);
    const write = (byValue: boolean) => {
      const cols = new RecordColumns();
      for (let i = 0; i < 3_000; i++) {
        const r = new FirewallRecord();
        r.ts = HOUR;
        r.src = keys[(i * 7) % keys.length];
        r.dst = keys[(i * 3 + 1) % keys.length];
        const y = LINE_SYMBOLS.slice().fill(-1);
        if (byValue) {
          if (!r.src.includes(':')) y[SYMBOL_COLUMNS.src] = ipv4Mark(value(r.src));
          if (!r.dst.includes(':')) y[SYMBOL_COLUMNS.dst] = ipv4Mark(value(r.dst));
        }
        cols.add(r, null, 0, y);
      }
      return Buffer.from(cols.toParquet({ codec: UNCOMPRESSED }));
    };
    const byValue = write(true);
    assert.ok(byValue.equals(write(false)));
    const rows = await query(byValue, 'SELECT DISTINCT src FROM $F ORDER BY src');
    assert.deepEqual(
      rows.map((r) => r.src),
      [...keys].sort(),
    );
  });

  it('writes the footer hyparquet-writer would: read by hyparquet and written again, byte for byte', () => {
    // Every column type, nulls, all-null columns, string bounds cut to 16 bytes (MACs, long
    // options, non-ASCII), with and without compression.
    for (const codec of [UNCOMPRESSED, SNAPPY, gzipCodec(1)]) {
      const cols = new RecordColumns();
      for (const r of varied(3_000)) cols.add(r);
      const file = cols.toParquet({ codec });
      const end = file.length - 8;
      const length = new DataView(file.buffer, file.byteOffset).getUint32(end, true);
      const again = new ByteWriter();
      writeMetadata(again, parquetMetadata(file.slice()));
      // writeMetadata appends the footer's length too: the file has the same 4 bytes after its footer.
      assert.ok(
        Buffer.from(again.getBytes()).equals(Buffer.from(file.subarray(end - length, end + 4))),
        codec.name,
      );
    }
  });

  it("states each column's null count and min/max in the footer, string bounds over 16 bytes cut and marked inexact", () => {
    const records = varied(3_000);
    const cols = new RecordColumns();
    for (const r of records) cols.add(r);
    const meta = parquetMetadata(cols.toParquet({ codec: SNAPPY }).slice());
    const chunks = new Map(
      meta.row_groups[0].columns.map((c) => [c.meta_data?.path_in_schema[0], c.meta_data]),
    );
    const utf8 = (v: string) => Buffer.from(v, 'utf8');
    let checked = 0;
    let cut = 0;
    for (const c of COLUMNS) {
      const stats = chunks.get(c.name)?.statistics;
      assert.ok(stats, c.name);
      const field = c.name as keyof FirewallRecord;
      const present = records.map((r) => r[field]).filter((v) => v !== null);
      if (c.type !== 'array<string>')
        assert.equal(stats.null_count, BigInt(records.length - present.length), c.name);
      const values = c.type === 'array<string>' ? (present as string[][]).flat() : present;
      if (c.name === 'raw' || c.type === 'double' || c.type === 'boolean' || values.length === 0) {
        assert.equal(stats.min_value, undefined, c.name);
        continue;
      }
      checked++;
      if (c.type === 'string' || c.type === 'array<string>') {
        // Parquet's order for UTF8: bytes.
        const sorted = (values as string[]).map(utf8).sort(Buffer.compare);
        const [lo, hi] = [sorted[0], sorted[sorted.length - 1]];
        const [min, max] = [utf8(String(stats.min_value)), utf8(String(stats.max_value))];
        if (hi.length > 16) cut++;
        if (lo.length <= 16) assert.ok(min.equals(lo) && stats.is_min_value_exact === undefined, c.name);
        else assert.ok(lo.subarray(0, min.length).equals(min) && stats.is_min_value_exact === false, c.name);
        if (hi.length <= 16) assert.ok(max.equals(hi) && stats.is_max_value_exact === undefined, c.name);
        else
          assert.ok(
            Buffer.compare(max, hi) > 0 && max.length <= 16 && stats.is_max_value_exact === false,
            c.name,
          );
      } else {
        const nums = values as number[];
        const [lo, hi] = [Math.min(...nums), Math.max(...nums)];
        const asNumber = (v: unknown) => (v instanceof Date ? v.getTime() : Number(v));
        assert.deepEqual([asNumber(stats.min_value), asNumber(stats.max_value)], [lo, hi], c.name);
      }
    }
    assert.ok(checked >= 10 && cut >= 1, `columns with min/max: ${checked}, with a cut max: ${cut}`);
  });

  it('writes page headers as hyparquet-writer does, byte for byte', () => {
    const ours = new ByteWriter();
    const theirs = new ByteWriter();
    for (const size of [0, 1, 127, 128, 16_383, 16_384, 1 << 20, 2 ** 31 - 1]) {
      for (const encoding of ['PLAIN', 'RLE_DICTIONARY', 'DELTA_BINARY_PACKED'] as const) {
        writeOurPageHeader(ours, DATA_PAGE, size, size >>> 1, size, encoding);
        writePageHeader(theirs, {
          type: 'DATA_PAGE',
          uncompressed_page_size: size,
          compressed_page_size: size >>> 1,
          data_page_header: {
            num_values: size,
            encoding,
            definition_level_encoding: 'RLE',
            repetition_level_encoding: 'RLE',
          },
        });
      }
      writeOurPageHeader(ours, DICTIONARY_PAGE, size, size >>> 2, size >>> 3, 'PLAIN');
      writePageHeader(theirs, {
        type: 'DICTIONARY_PAGE',
        uncompressed_page_size: size,
        compressed_page_size: size >>> 2,
        dictionary_page_header: { num_values: size >>> 3, encoding: 'PLAIN' },
      });
    }
    assert.ok(Buffer.from(ours.getBytes()).equals(Buffer.from(theirs.getBytes())));
  });

  it('an all-null column, an empty file and a single row are valid files', async () => {
    assert.deepEqual(await readBack([], 'SELECT count(*) AS n FROM $F'), [{ n: '0' }]);
    const one = new FirewallRecord();
    one.ts = HOUR;
    const rows = await readBack(
      [one],
      'SELECT count(*) AS n, count(src) AS s, any_value(raw) AS raw FROM $F',
    );
    assert.deepEqual(rows, [{ n: '1', s: '0', raw: '' }]);
  });

  it('raw pages split at about 1 MiB and read back whole', async () => {
    const records = varied(12_000).map((r, i) => Object.assign(r, { raw: `${i}:${'y'.repeat(400)}` }));
    const rows = await readBack(
      records,
      'SELECT count(*) AS n, sum(length(raw)) AS len FROM $F',
      UNCOMPRESSED,
    );
    assert.equal(rows[0].n, '12000');
    assert.equal(
      Number(rows[0].len),
      records.reduce((a, r) => a + r.raw.length, 0),
    );
  });

  it('parses codec settings and refuses unknown ones', () => {
    assert.equal(parseCodec('gzip:1').name, 'GZIP');
    assert.equal(parseCodec('none').name, 'UNCOMPRESSED');
    assert.equal(parseCodec('snappy').name, 'SNAPPY');
    // auto: zstd where node:zlib has it (Node >= 22.15), else snappy.
    assert.equal(parseCodec('auto').name, hasZstd() ? 'ZSTD' : 'SNAPPY');
    assert.throws(() => parseCodec('snappy:3'), /snappy has no levels/);
    assert.throws(() => parseCodec('auto:3'), /takes no level/);
    assert.throws(() => parseCodec('brotli'), /unknown Parquet compression/);
    assert.throws(() => parseCodec('gzip:99'), /bad compression level/);
  });

  it('writes INT64 values as two 32-bit halves, exact over the safe integers, negatives included', () => {
    const vals = [
      0,
      1,
      -1,
      2 ** 31,
      -(2 ** 31),
      2 ** 32 + 5,
      -(2 ** 32) - 5,
      2 ** 53 - 1,
      -(2 ** 53) + 1,
      1763596800123,
    ];
    const b = new ByteBuffer(8);
    for (const v of vals) b.i64(v);
    const view = new DataView(b.bytes.buffer);
    assert.deepEqual(
      vals.map((_, i) => view.getBigInt64(i * 8, true)),
      vals.map((v) => BigInt(v)),
    );
  });
});
