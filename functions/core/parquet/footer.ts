/**
 * Parquet's Thrift structures as fwlake writes them: page headers (data page
 * v1, dictionary page) and the footer (FileMetaData with one row group),
 * through the compact protocol writer (thrift-compact.ts).
 *
 * Only what fwlake's files hold is covered: the logical types STRING, LIST and
 * TIMESTAMP, statistics of null counts and min/max. The bytes are those
 * hyparquet-writer's writePageHeader and writeMetadata write for the same
 * content (test/core/parquet-writer.test.ts), including its truncation of long
 * string statistics to 16 bytes, which is reused from it (a few per part).
 */
import type { ConvertedType, Encoding, FieldRepetitionType, ParquetType, SchemaElement } from 'hyparquet';
import type { ByteWriter } from 'hyparquet-writer';
import { unconvertMinMax } from 'hyparquet-writer/src/unconvert.js';
import { ByteBuffer } from './byte-buffer.ts';
import type { CodecName } from './codec.ts';
import { CompactWriter, TYPE } from './thrift-compact.ts';

/** A column chunk's statistics: null count, and min and max (numbers, or the bytes of UTF-8 strings). */
export interface ChunkStats {
  nullCount: number;
  min?: number | Uint8Array;
  max?: number | Uint8Array;
}

/** What the footer says of one column chunk (offsets are from the file's start). */
export interface ChunkMeta {
  element: SchemaElement;
  path: readonly string[];
  codec: CodecName;
  /** Encodings used, in the order first used. */
  encodings: readonly Encoding[];
  numValues: number;
  fileOffset: number;
  totalUncompressed: number;
  totalCompressed: number;
  dataPageOffset: number;
  /** -1 without a dictionary page. */
  dictionaryPageOffset: number;
  stats: ChunkStats;
}

export interface Footer {
  schema: readonly SchemaElement[];
  numRows: number;
  /** The row group's first byte and its size (fwlake writes one row group per file). */
  rowGroupOffset: number;
  rowGroupBytes: number;
  chunks: readonly ChunkMeta[];
  keyValue: readonly { key: string; value: string }[];
  createdBy: string;
}

const scratch = new ByteBuffer(1 << 12);
const thrift = new CompactWriter(scratch);
const utf8 = new TextEncoder();

/**
 * parquet.thrift's enum values for what fwlake writes (fixed by the format; written here rather
 * than imported from hyparquet, which is only hyparquet-writer's dependency, not fwlake's).
 */
const TYPE_ID: Partial<Record<ParquetType, number>> = {
  BOOLEAN: 0,
  INT32: 1,
  INT64: 2,
  DOUBLE: 5,
  BYTE_ARRAY: 6,
};
const REPETITION_ID: Record<FieldRepetitionType, number> = { REQUIRED: 0, OPTIONAL: 1, REPEATED: 2 };
const CONVERTED_ID: Partial<Record<ConvertedType, number>> = { UTF8: 0, LIST: 3, TIMESTAMP_MILLIS: 9 };
const ENCODING_ID: Partial<Record<Encoding, number>> = {
  PLAIN: 0,
  RLE: 3,
  DELTA_BINARY_PACKED: 5,
  RLE_DICTIONARY: 8,
};
const CODEC_ID: Record<CodecName, number> = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2, ZSTD: 6 };

/** An enum value, or an error naming what fwlake does not write. */
function enumValue<K extends string>(table: Partial<Record<K, number>>, key: K): number {
  const v = table[key];
  if (v === undefined) throw new Error(`${key} is not written by fwlake's Parquet writer`);
  return v;
}

const encodingId = (e: Encoding): number => enumValue(ENCODING_ID, e);
const RLE = encodingId('RLE');

/** PageType values fwlake writes; the PageHeader field holding each one's own header is 5 and 7. */
export const DATA_PAGE = 0;
export const DICTIONARY_PAGE = 2;
export type PageType = typeof DATA_PAGE | typeof DICTIONARY_PAGE;

/**
 * A page's header. A data page (v1) holds `numValues` level entries with RLE levels; a
 * dictionary page `numValues` values, `encoding` PLAIN. Both own headers start with
 * num_values and encoding; a data page's adds its two level encodings.
 */
export function writePageHeader(
  file: ByteWriter,
  type: PageType,
  uncompressed: number,
  compressed: number,
  numValues: number,
  encoding: Encoding,
): void {
  scratch.reset();
  thrift.begin();
  thrift.i32(1, type);
  thrift.i32(2, uncompressed);
  thrift.i32(3, compressed);
  thrift.struct(type === DATA_PAGE ? 5 : 7);
  thrift.i32(1, numValues);
  thrift.i32(2, encodingId(encoding));
  if (type === DATA_PAGE) {
    thrift.i32(3, RLE);
    thrift.i32(4, RLE);
  }
  thrift.end();
  thrift.end();
  file.appendBytes(scratch.view8());
}

/** Each schema's FileMetaData fields 1 (version 2) and 2 (the schema), encoded once. */
const schemaBytes = new WeakMap<readonly SchemaElement[], Uint8Array>();

/** Each column path's strings as UTF-8, encoded once. */
const pathBytes = new Map<string, Uint8Array>();

/** The footer: FileMetaData, then its length and the closing magic are the caller's. */
export function writeFooter(file: ByteWriter, f: Footer): void {
  scratch.reset();
  thrift.begin();
  let head = schemaBytes.get(f.schema);
  if (head === undefined) {
    thrift.i32(1, 2);
    writeSchema(f.schema);
    head = scratch.view8().slice();
    schemaBytes.set(f.schema, head);
  } else {
    scratch.append(head);
    thrift.after(2);
  }
  thrift.i64(3, f.numRows);
  thrift.list(4, TYPE.STRUCT, 1);
  thrift.begin();
  thrift.list(1, TYPE.STRUCT, f.chunks.length);
  for (const c of f.chunks) writeChunk(c);
  thrift.i64(2, f.rowGroupBytes);
  thrift.i64(3, f.numRows);
  thrift.i64(5, f.rowGroupOffset);
  thrift.i64(6, f.rowGroupBytes);
  thrift.end();
  thrift.list(5, TYPE.STRUCT, f.keyValue.length);
  for (const kv of f.keyValue) {
    thrift.begin();
    thrift.binary(1, utf8.encode(kv.key));
    thrift.binary(2, utf8.encode(kv.value));
    thrift.end();
  }
  thrift.binary(6, utf8.encode(f.createdBy));
  // Column orders: TypeDefinedOrder for every leaf (Parquet's min/max ordering, signed for ints).
  const leaves = f.schema.filter((e) => e.type !== undefined).length;
  thrift.list(7, TYPE.STRUCT, leaves);
  for (let i = 0; i < leaves; i++) {
    thrift.begin();
    thrift.struct(1);
    thrift.end();
    thrift.end();
  }
  thrift.end();
  file.appendBytes(scratch.view8());
}

function writeSchema(schema: readonly SchemaElement[]): void {
  thrift.list(2, TYPE.STRUCT, schema.length);
  for (const e of schema) {
    thrift.begin();
    if (e.type !== undefined) thrift.i32(1, enumValue(TYPE_ID, e.type));
    if (e.type_length !== undefined)
      throw new Error('fixed-length schema elements are not written by fwlake');
    if (e.repetition_type !== undefined) thrift.i32(3, REPETITION_ID[e.repetition_type]);
    thrift.binary(4, utf8.encode(e.name));
    if (e.num_children !== undefined) thrift.i32(5, e.num_children);
    if (e.converted_type !== undefined) thrift.i32(6, enumValue(CONVERTED_ID, e.converted_type));
    if (e.scale !== undefined || e.precision !== undefined || e.field_id !== undefined)
      throw new Error(`schema element ${e.name}: scale, precision and field ids are not written by fwlake`);
    const t = e.logical_type;
    if (t !== undefined) {
      thrift.struct(10);
      if (t.type === 'STRING') thrift.struct(1);
      else if (t.type === 'LIST') thrift.struct(3);
      else if (t.type === 'TIMESTAMP') {
        thrift.struct(8);
        thrift.bool(1, t.isAdjustedToUTC);
        thrift.struct(2);
        // TimeUnit: 1 MILLIS, 2 MICROS, 3 NANOS, each an empty struct.
        thrift.struct(t.unit === 'NANOS' ? 3 : t.unit === 'MICROS' ? 2 : 1);
        thrift.end();
        thrift.end();
      } else throw new Error(`logical type ${t.type} is not written by fwlake`);
      thrift.end();
      thrift.end();
    }
    thrift.end();
  }
}

function writeChunk(c: ChunkMeta): void {
  thrift.begin();
  thrift.i64(2, c.fileOffset);
  thrift.struct(3);
  thrift.i32(1, enumValue(TYPE_ID, c.element.type ?? 'BYTE_ARRAY'));
  thrift.list(2, TYPE.I32, c.encodings.length);
  for (const e of c.encodings) thrift.elementI32(encodingId(e));
  thrift.list(3, TYPE.BINARY, c.path.length);
  for (const p of c.path) thrift.elementBinary(pathUtf8(p));
  thrift.i32(4, CODEC_ID[c.codec]);
  thrift.i64(5, c.numValues);
  thrift.i64(6, c.totalUncompressed);
  thrift.i64(7, c.totalCompressed);
  thrift.i64(9, c.dataPageOffset);
  if (c.dictionaryPageOffset >= 0) thrift.i64(11, c.dictionaryPageOffset);
  writeStats(c.stats, c.element);
  thrift.end();
  thrift.end();
}

function pathUtf8(p: string): Uint8Array {
  let b = pathBytes.get(p);
  if (b === undefined) {
    b = utf8.encode(p);
    pathBytes.set(p, b);
  }
  return b;
}

/** Statistics (field 12): null_count, max_value, min_value, and whether a cut min or max is exact. */
function writeStats(s: ChunkStats, element: SchemaElement): void {
  thrift.struct(12);
  thrift.i64(3, s.nullCount);
  if (s.max !== undefined && s.min !== undefined) {
    const max = statBytes(s.max, element, true);
    const min = statBytes(s.min, element, false);
    thrift.binary(5, max);
    thrift.binary(6, min);
    // A string bound cut to 16 bytes is not exact (hyparquet-writer writes false then, nothing otherwise).
    if (s.max instanceof Uint8Array && max.length !== s.max.length) thrift.bool(7, false);
    if (s.min instanceof Uint8Array && min.length !== s.min.length) thrift.bool(8, false);
  }
  thrift.end();
}

/** Longer string bounds are cut (by hyparquet-writer, whose rules for UTF-8 and for rounding a max up are kept). */
const STATS_TRUNCATE_LENGTH = 16;
const number8 = new DataView(new ArrayBuffer(8));

function statBytes(v: number | Uint8Array, element: SchemaElement, isMax: boolean): Uint8Array {
  if (typeof v !== 'number') {
    if (v.length <= STATS_TRUNCATE_LENGTH) return v;
    return unconvertMinMax(v, element, isMax) as Uint8Array;
  }
  switch (element.type) {
    case 'INT32':
      number8.setInt32(0, v, true);
      return new Uint8Array(number8.buffer.slice(0, 4));
    case 'INT64':
      number8.setUint32(0, v >>> 0, true);
      number8.setInt32(4, Math.floor(v / 4294967296), true);
      return new Uint8Array(number8.buffer.slice(0, 8));
    case 'DOUBLE':
      number8.setFloat64(0, v, true);
      return new Uint8Array(number8.buffer.slice(0, 8));
    case 'BOOLEAN':
      return new Uint8Array([v ? 1 : 0]);
    default:
      throw new Error(`number statistics for ${element.type} are not written by fwlake`);
  }
}
