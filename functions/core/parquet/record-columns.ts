/**
 * Records → one Parquet file (one row group), column by column.
 *
 * `add(record)` spreads a record over the column buffers at once (nothing
 * keeps the record); `toParquet()` writes every column chunk, then the footer
 * (Thrift: footer.ts).
 *
 * Rows stay in arrival order: ingest is the write-optimised step, and every
 * column then reads its buffer front to back (the raw line's pages are slices
 * of its buffer, each copied once). Grouping rows by source address made the
 * raw pages ~14% smaller but cost a gather in every column; compaction now
 * does that grouping once per finished hour, at a high zstd level.
 */
import { ByteWriter } from 'hyparquet-writer';
import { IPV4_MARK_COLUMNS, ipv4OfMark, SYMBOL_COLUMNS } from '../line-symbols.ts';
import type { FirewallRecord } from '../record.ts';
import { COLUMNS, type Column, SCHEMA_VERSION } from '../schema.ts';
import { ChunkWriter } from './chunk-writer.ts';
import type { Codec } from './codec.ts';
import {
  type ColumnBuffer,
  DeltaNumberBuffer,
  NumberBuffer,
  PlainScalarBuffer,
  PlainStringBuffer,
  StringDictBuffer,
  StringListBuffer,
} from './column-buffers.ts';
import { writeFooter } from './footer.ts';
import { columnElements, parquetSchema } from './schema.ts';

const SCHEMA = parquetSchema();
/** Steadily growing INT64 columns: a few bytes per 128 rows with delta encoding. */
const DELTA_COLUMNS = new Set(['line_no']);
/** Free text: plain pages, no dictionary. */
const RAW = 'raw';
const PLAIN_COLUMNS = new Set([RAW]);

/** A string column kept in a StringDictBuffer (all but the free text): the ones that can take symbols. */
const isDictString = (c: Column): boolean => c.type === 'string' && !PLAIN_COLUMNS.has(c.name);

function bufferFor(c: Column): ColumnBuffer {
  const elements = columnElements(c);
  const leaf = elements[elements.length - 1];
  const path = elements.length === 1 ? [c.name] : [c.name, 'list', 'element'];
  switch (c.type) {
    case 'string':
      return isDictString(c) ? new StringDictBuffer(leaf, path) : new PlainStringBuffer(leaf, path);
    case 'int':
    case 'bigint':
    case 'timestamp':
      return DELTA_COLUMNS.has(c.name) ? new DeltaNumberBuffer(leaf, path) : new NumberBuffer(leaf, path);
    case 'double':
    case 'boolean':
      return new PlainScalarBuffer(leaf, path);
    case 'array<string>':
      return new StringListBuffer(leaf, path);
  }
}

type Append = (record: FirewallRecord, row: number, symbols: Float64Array | null) => void;

const SYMBOL_OF: Readonly<Record<string, number>> = SYMBOL_COLUMNS;

/**
 * `(r, row, y) => { let v; v = r.ts; if (v !== null) b0.set(row, v); ... }`, generated
 * from COLUMNS: one straight-line function reads each field by name (a loop over
 * names would make every read a slow keyed lookup) and skips nulls inline, so the
 * many columns a line leaves empty cost a field read each and no call. Names are
 * checked to be plain identifiers. A column that can carry a symbol (line-symbols.ts)
 * goes by its symbol when `y` has one for it, and an address column by its IPv4 value when
 * `y` has a mark for it. The raw line is left to RecordColumns.add, which can copy its bytes.
 *
 * The source is compiled once, into a factory that makes each buffer set's appender. Every
 * appender then comes from one closure site of one function, so V8 gives them one feedback
 * vector and one optimized code: a new RecordColumns starts with an appender that is already
 * warm. Until 2026-12-07 each buffer set ran a `new Function` of its own. V8 shares the result
 * of the same source only while its compilation cache keeps it, and full collections age that
 * cache out: each later set's appender was interpreted, profiled and compiled again (~25 ms of
 * TurboFan, more after its deopts). A 3M-line ingest, which made a new set every hour, compiled
 * `append` 125 times for 3.2 s (test/core/record-columns-v8.test.ts).
 */
function appenderFactory(): (buffers: readonly ColumnBuffer[]) => Append {
  const names = COLUMNS.map((c) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(c.name)) throw new Error(`column name ${c.name} is not an identifier`);
    return c.name;
  });
  const consts = names.map((_, i) => `const b${i} = b[${i}];`).join('\n');
  const body = names
    .map((n, i) => {
      if (n === RAW) return '';
      const k = SYMBOL_OF[n];
      if (k === undefined) return `v = r.${n}; if (v !== null) b${i}.set(row, v);`;
      // Only a StringDictBuffer has setSymbol/setIpv4.
      if (!isDictString(COLUMNS[i])) throw new Error(`symbol column ${n} is not a dictionary string column`);
      if (!IPV4_MARK_COLUMNS.has(n))
        return `v = r.${n}; if (v !== null) { if (y !== null && y[${k}] >= 0) b${i}.setSymbol(row, v, y[${k}]); else b${i}.set(row, v); }`;
      return `v = r.${n}; if (v !== null) { m = y === null ? -1 : y[${k}]; if (m >= 0) b${i}.setSymbol(row, v, m); else if (m !== -1) b${i}.setIpv4(row, ipv4OfMark(m)); else b${i}.set(row, v); }`;
    })
    .join('\n');
  return new Function(
    'ipv4OfMark',
    `return function appenderFor(b) {\n${consts}\nreturn function append(r, row, y) {\nlet v;\nlet m;\n${body}\n};\n};`,
  )(ipv4OfMark) as (buffers: readonly ColumnBuffer[]) => Append;
}

/** Makes the appender of one buffer set (see appenderFactory). */
const appenderFor = appenderFactory();

const KV = [{ key: 'fwlake.schema_version', value: String(SCHEMA_VERSION) }];

export interface ParquetCodecs {
  /** Codec of every column but `raw`. */
  codec: Codec;
  /** Codec of the `raw` column (default: `codec`). */
  rawCodec?: Codec;
}

export class RecordColumns {
  private readonly buffers: ColumnBuffer[] = COLUMNS.map(bufferFor);
  private readonly append = appenderFor(this.buffers);
  private readonly raw = this.buffers[COLUMNS.findIndex((c) => c.name === RAW)] as PlainStringBuffer;
  rows = 0;
  /** When the last row came, on the clock of the part writer that owns this buffer set. */
  lastAdded = 0;

  /**
   * `rawBytes`, when not null, holds record.raw as ASCII bytes from `rawStart`: they are
   * copied as they are (encoding the string again to UTF-8 cost ~0.15 s per 1M lines).
   * `symbols`, when not null, are the symbols of this record's line (LINE_SYMBOLS right
   * after parsing it: see line-symbols.ts).
   */
  add(
    record: FirewallRecord,
    rawBytes: Uint8Array | null = null,
    rawStart = 0,
    symbols: Float64Array | null = null,
  ): void {
    const row = this.rows++;
    this.append(record, row, symbols);
    const raw = record.raw;
    if (raw === null) return; // typed as a string, but a row may still have none
    if (rawBytes !== null) this.raw.setAscii(row, rawBytes, rawStart, raw.length);
    else this.raw.set(row, raw);
  }

  reset(): void {
    for (const b of this.buffers) b.reset(this.rows);
    this.rows = 0;
  }

  /**
   * The buffered rows as one Parquet file with one row group. With `file` (a writer kept by
   * the caller) the result is a view of that writer's buffer, valid until its next use:
   * reusing one grown buffer for every part instead of growing a new one each time is
   * what keeps ingest's external memory flat.
   */
  toParquet(codecs: ParquetCodecs, file: ByteWriter = new ByteWriter(1 << 20)): Uint8Array {
    // A writer passed in is reused from its start: the bytes returned are a view of its buffer.
    file.index = 0;
    file.offset = 0;
    file.appendUint32(0x31524150); // "PAR1"
    const main = new ChunkWriter(file, codecs.codec);
    const raw = new ChunkWriter(file, codecs.rawCodec ?? codecs.codec);
    const start = file.offset;
    const columns = this.buffers.map((b, i) =>
      b.encode(PLAIN_COLUMNS.has(COLUMNS[i].name) ? raw : main, this.rows),
    );
    const metaStart = file.offset;
    writeFooter(file, {
      schema: SCHEMA,
      numRows: this.rows,
      rowGroupOffset: start,
      rowGroupBytes: file.offset - start,
      chunks: columns,
      keyValue: KV,
      createdBy: 'fwlake',
    });
    file.appendUint32(file.offset - metaStart);
    file.appendUint32(0x31524150);
    return file.getBytes();
  }
}
