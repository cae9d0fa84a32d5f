/**
 * Records held column by column until a part is written: one buffer per
 * schema column, each holding a row's value in a typed array (strings as
 * dictionary ids, the raw line as UTF-8 bytes). A row costs ~4 bytes a column
 * plus its raw line, instead of a whole record object, and writing a part
 * reads the arrays directly.
 *
 * Each buffer encodes itself as one column chunk, rows in a given order:
 * - strings, lists of strings: RLE_DICTIONARY (hosts, prefixes, addresses,
 *   flags repeat);
 * - the raw line: PLAIN, in pages of ~1 MiB (unique text; the codec does the work);
 * - int and bigint: RLE_DICTIONARY when values repeat (ports, TTLs, lengths),
 *   else PLAIN; `delta` columns (line numbers, timestamps) DELTA_BINARY_PACKED;
 * - double and boolean: PLAIN.
 * Nulls are definition level 0 and take no value slot, as Parquet requires.
 */
import type { ColumnChunk, SchemaElement, Statistics } from 'hyparquet';
import { ByteBuffer } from './byte-buffer.ts';
import type { ChunkWriter } from './chunk-writer.ts';
import { writeDeltaBinaryPacked } from './delta.ts';
import { bitWidth, writeRleHybrid } from './rle-hybrid.ts';

/** Shared scratch space: encoding is synchronous and one chunk at a time. */
const body = new ByteBuffer(1 << 20);
const values = new ByteBuffer(1 << 20);
let defs = new Uint8Array(1 << 17);
let reps = new Uint8Array(1 << 17);
let ids = new Int32Array(1 << 17);
let nums = new Float64Array(1 << 17);
const utf8 = new TextEncoder();

function scratch(n: number): void {
  if (defs.length >= n) return;
  defs = new Uint8Array(n);
  reps = new Uint8Array(n);
  ids = new Int32Array(n);
  nums = new Float64Array(n);
}

const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, size: number): T => {
  const next = new (a.constructor as new (n: number) => T)(size);
  next.set(a);
  return next;
};

/** Appends levels[0..n) with their 4-byte length prefix (data page v1). */
function writeLevels(out: ByteBuffer, levels: Uint8Array, n: number, maxLevel: number): void {
  const at = out.length;
  out.u32(0);
  writeRleHybrid(out, levels, 0, n, bitWidth(maxLevel));
  new DataView(out.bytes.buffer).setUint32(at, out.length - at - 4, true);
}

/** Appends a string as a PLAIN BYTE_ARRAY: 4-byte length, UTF-8 bytes. */
function writeString(out: ByteBuffer, s: string): void {
  out.ensure(4 + s.length * 3);
  const { written } = utf8.encodeInto(s, out.bytes.subarray(out.length + 4));
  new DataView(out.bytes.buffer).setUint32(out.length, written, true);
  out.length += 4 + written;
}

/** Min/max over strings in UTF-16 order, which is Parquet's byte order unless a string holds a surrogate or U+E000+. */
function stringStats(keys: readonly string[], nulls: number): Statistics {
  let min = keys[0];
  let max = keys[0];
  for (const k of keys) {
    if (/[\uD800-\uFFFF]/.test(k)) return { null_count: BigInt(nulls) };
    if (k < min) min = k;
    if (k > max) max = k;
  }
  return { null_count: BigInt(nulls), min_value: min, max_value: max };
}

export interface ColumnBuffer {
  readonly element: SchemaElement;
  readonly path: string[];
  add(v: unknown): void;
  reset(): void;
  /** Writes rows `order[0..n)` as one column chunk. */
  encode(w: ChunkWriter, order: Int32Array, n: number): ColumnChunk;
}

/**
 * A part's dictionary of strings (for a string column or a list's elements): ids in
 * first-seen order, the dictionary page, and the RLE-encoded ids of a data page.
 */
class StringDictionary {
  private map = new Map<string, number>();
  private keys: string[] = [];

  id(s: string): number {
    let id = this.map.get(s);
    if (id === undefined) {
      id = this.keys.length;
      this.map.set(s, id);
      this.keys.push(s);
    }
    return id;
  }

  get size(): number {
    return this.keys.length;
  }

  reset(): void {
    this.map = new Map();
    this.keys = [];
  }

  writePage(w: ChunkWriter): void {
    body.reset();
    for (const k of this.keys) writeString(body, k);
    w.dictionaryPage(body.view8(), this.keys.length);
  }

  /** Appends ids[0..nn) as RLE_DICTIONARY values: the bit width, then the hybrid runs. */
  writeIds(out: ByteBuffer, nn: number): void {
    const width = bitWidth(this.keys.length - 1);
    out.u8(width);
    writeRleHybrid(out, ids, 0, nn, width);
  }

  stats(nulls: number): Statistics {
    return stringStats(this.keys, nulls);
  }
}

/** Strings, dictionary-encoded. */
export class StringDictBuffer implements ColumnBuffer {
  private ids = new Int32Array(1024);
  private rows = 0;
  private readonly dict = new StringDictionary();

  constructor(
    readonly element: SchemaElement,
    readonly path: string[],
  ) {}

  add(v: unknown): void {
    if (this.rows === this.ids.length) this.ids = grow(this.ids, this.rows * 2);
    if (v === null) {
      this.ids[this.rows++] = -1;
      return;
    }
    this.ids[this.rows++] = this.dict.id(v as string);
  }

  reset(): void {
    this.rows = 0;
    this.dict.reset();
  }

  /** Row r's dictionary id (-1 for null) and the number of distinct values: for grouping rows. */
  idAt(r: number): number {
    return this.ids[r];
  }

  get distinct(): number {
    return this.dict.size;
  }

  encode(w: ChunkWriter, order: Int32Array, n: number): ColumnChunk {
    scratch(n);
    let nn = 0;
    for (let i = 0; i < n; i++) {
      const id = this.ids[order[i]];
      if (id >= 0) {
        defs[i] = 1;
        ids[nn++] = id;
      } else defs[i] = 0;
    }
    w.begin();
    if (nn > 0) this.dict.writePage(w);
    body.reset();
    writeLevels(body, defs, n, 1);
    if (nn > 0) this.dict.writeIds(body, nn);
    w.dataPage(body.view8(), n, nn > 0 ? 'RLE_DICTIONARY' : 'PLAIN');
    const stats = nn > 0 ? this.dict.stats(n - nn) : { null_count: BigInt(n) };
    return w.finish(this.element, this.path, n, stats);
  }
}

/** Free text (the raw line): UTF-8 bytes, PLAIN, pages of about `pageBytes`. */
export class PlainStringBuffer implements ColumnBuffer {
  private data = new ByteBuffer(1 << 16);
  private starts = new Int32Array(1025);
  private present = new Uint8Array(1024);
  private rows = 0;

  constructor(
    readonly element: SchemaElement,
    readonly path: string[],
    private readonly pageBytes = 1 << 20,
  ) {}

  add(v: unknown): void {
    if (this.rows === this.present.length) {
      this.present = grow(this.present, this.rows * 2);
      this.starts = grow(this.starts, this.rows * 2 + 1);
    }
    this.starts[this.rows] = this.data.length;
    if (v === null) this.present[this.rows] = 0;
    else {
      this.present[this.rows] = 1;
      const s = v as string;
      this.data.ensure(s.length * 3);
      this.data.length += utf8.encodeInto(s, this.data.bytes.subarray(this.data.length)).written;
    }
    this.rows++;
    this.starts[this.rows] = this.data.length;
  }

  reset(): void {
    this.rows = 0;
    this.data.reset();
  }

  encode(w: ChunkWriter, order: Int32Array, n: number): ColumnChunk {
    scratch(n);
    w.begin();
    let nulls = 0;
    let i = 0;
    while (i < n) {
      const first = i;
      values.reset();
      for (; i < n && values.length < this.pageBytes; i++) {
        const r = order[i];
        defs[i - first] = this.present[r];
        if (this.present[r] === 0) {
          nulls++;
          continue;
        }
        const len = this.starts[r + 1] - this.starts[r];
        values.ensure(4 + len);
        new DataView(values.bytes.buffer).setUint32(values.length, len, true);
        values.bytes.set(this.data.bytes.subarray(this.starts[r], this.starts[r + 1]), values.length + 4);
        values.length += 4 + len;
      }
      body.reset();
      writeLevels(body, defs, i - first, 1);
      body.append(values.view8());
      w.dataPage(body.view8(), i - first, 'PLAIN');
    }
    if (n === 0) {
      body.reset();
      writeLevels(body, defs, 0, 1);
      w.dataPage(body.view8(), 0, 'PLAIN');
    }
    // No min/max: nobody prunes on the raw line, and it would put two whole lines in every footer.
    return w.finish(this.element, this.path, n, { null_count: BigInt(nulls) });
  }
}

/** Integers held as numbers (INT32, or INT64 within 2^53: bigint columns and epoch-ms timestamps). */
export class NumberBuffer implements ColumnBuffer {
  private vals = new Float64Array(1024);
  private present = new Uint8Array(1024);
  private rows = 0;
  private readonly int64: boolean;

  constructor(
    readonly element: SchemaElement,
    readonly path: string[],
    /** DELTA_BINARY_PACKED instead of a dictionary (INT64 columns that grow steadily). */
    private readonly delta = false,
  ) {
    this.int64 = element.type === 'INT64';
    if (delta && !this.int64) throw new Error(`${path.join('.')}: delta encoding is for INT64 columns`);
  }

  add(v: unknown): void {
    if (this.rows === this.vals.length) {
      this.vals = grow(this.vals, this.rows * 2);
      this.present = grow(this.present, this.rows * 2);
    }
    if (v === null) this.present[this.rows++] = 0;
    else {
      this.present[this.rows] = 1;
      this.vals[this.rows++] = v as number;
    }
  }

  reset(): void {
    this.rows = 0;
  }

  encode(w: ChunkWriter, order: Int32Array, n: number): ColumnChunk {
    scratch(n);
    let nn = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const r = order[i];
      if (this.present[r] === 1) {
        defs[i] = 1;
        const v = this.vals[r];
        nums[nn++] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      } else defs[i] = 0;
    }
    w.begin();
    body.reset();
    writeLevels(body, defs, n, 1);
    const dictionary = nn > 0 && !this.delta ? this.dictionary(nn, min, max) : null;
    if (dictionary !== null) {
      values.reset();
      for (const v of dictionary) this.int64 ? values.i64(v) : values.i32(v);
      w.dictionaryPage(values.view8(), dictionary.length);
      const width = bitWidth(dictionary.length - 1);
      body.u8(width);
      writeRleHybrid(body, ids, 0, nn, width);
      w.dataPage(body.view8(), n, 'RLE_DICTIONARY');
    } else if (this.delta && nn > 0) {
      writeDeltaBinaryPacked(body, nums, nn);
      w.dataPage(body.view8(), n, 'DELTA_BINARY_PACKED');
    } else {
      for (let i = 0; i < nn; i++) this.int64 ? body.i64(nums[i]) : body.i32(nums[i]);
      w.dataPage(body.view8(), n, 'PLAIN');
    }
    const stats: Statistics =
      nn > 0 ? { null_count: BigInt(n - nn), min_value: min, max_value: max } : { null_count: BigInt(n) };
    return w.finish(this.element, this.path, n, stats);
  }

  /**
   * Fills `ids` with dictionary ids of nums[0..nn) and returns the dictionary, or null when
   * it would not be smaller than PLAIN: a dictionary of d values costs d values plus an id of
   * bitWidth(d) bits a row (timestamps of one hour: ~3,600 seconds for any number of rows, a
   * win; random IP IDs and source ports: nearly as many values as rows, a loss).
   */
  private dictionary(nn: number, min: number, max: number): number[] | null {
    const valueBytes = this.int64 ? 8 : 4;
    const plainBytes = nn * valueBytes;
    const worthIt = (d: number) => d * valueBytes + (nn * bitWidth(d)) / 8 < plainBytes;
    // Past this many distinct values a dictionary cannot win even with 1-bit ids.
    const limit = Math.floor((plainBytes - nn / 8) / valueBytes);
    const dict: number[] = [];
    if (max - min < 1 << 17) {
      // Small range (ports, TTLs, lengths, IDs): a direct table beats a Map by far.
      const slot = new Int32Array(max - min + 1).fill(-1);
      for (let i = 0; i < nn; i++) {
        const k = nums[i] - min;
        let id = slot[k];
        if (id < 0) {
          if (dict.length >= limit) return null;
          id = dict.length;
          slot[k] = id;
          dict.push(nums[i]);
        }
        ids[i] = id;
      }
      return worthIt(dict.length) ? dict : null;
    }
    const map = new Map<number, number>();
    for (let i = 0; i < nn; i++) {
      let id = map.get(nums[i]);
      if (id === undefined) {
        if (dict.length >= limit) return null;
        id = dict.length;
        map.set(nums[i], id);
        dict.push(nums[i]);
      }
      ids[i] = id;
    }
    return worthIt(dict.length) ? dict : null;
  }
}

/** Doubles and booleans: PLAIN (one double column, one boolean, both mostly null). */
export class PlainScalarBuffer implements ColumnBuffer {
  private vals = new Float64Array(1024);
  private present = new Uint8Array(1024);
  private rows = 0;

  constructor(
    readonly element: SchemaElement,
    readonly path: string[],
  ) {}

  add(v: unknown): void {
    if (this.rows === this.vals.length) {
      this.vals = grow(this.vals, this.rows * 2);
      this.present = grow(this.present, this.rows * 2);
    }
    if (v === null) this.present[this.rows++] = 0;
    else {
      this.present[this.rows] = 1;
      this.vals[this.rows++] = Number(v);
    }
  }

  reset(): void {
    this.rows = 0;
  }

  encode(w: ChunkWriter, order: Int32Array, n: number): ColumnChunk {
    scratch(n);
    let nn = 0;
    for (let i = 0; i < n; i++) {
      const r = order[i];
      defs[i] = this.present[r];
      if (defs[i] === 1) nums[nn++] = this.vals[r];
    }
    w.begin();
    body.reset();
    writeLevels(body, defs, n, 1);
    if (this.element.type === 'BOOLEAN') {
      // PLAIN booleans are bit-packed, least significant bit first.
      body.ensure((nn + 7) >> 3);
      for (let i = 0; i < nn; i += 8) {
        let byte = 0;
        for (let b = 0; b < 8 && i + b < nn; b++) if (nums[i + b] !== 0) byte |= 1 << b;
        body.bytes[body.length++] = byte;
      }
    } else for (let i = 0; i < nn; i++) body.f64(nums[i]);
    w.dataPage(body.view8(), n, 'PLAIN');
    return w.finish(this.element, this.path, n, { null_count: BigInt(n - nn) });
  }
}

/**
 * Lists of strings (flags) in the three-level LIST layout: definition level
 * 0 = null list, 1 = empty list, 3 = an element (elements are never null);
 * repetition level 0 starts a row, 1 continues its list.
 */
export class StringListBuffer implements ColumnBuffer {
  private starts = new Int32Array(1025); // row r's elements: elems[starts[r] .. starts[r+1])
  private isNull = new Uint8Array(1024);
  private elems = new Int32Array(1024);
  private count = 0;
  private rows = 0;
  private readonly dict = new StringDictionary();

  constructor(
    readonly element: SchemaElement,
    readonly path: string[],
  ) {}

  add(v: unknown): void {
    if (this.rows === this.isNull.length) {
      this.isNull = grow(this.isNull, this.rows * 2);
      this.starts = grow(this.starts, this.rows * 2 + 1);
    }
    this.starts[this.rows] = this.count;
    if (v === null) this.isNull[this.rows] = 1;
    else {
      this.isNull[this.rows] = 0;
      for (const s of v as string[]) {
        if (this.count === this.elems.length) this.elems = grow(this.elems, this.count * 2);
        this.elems[this.count++] = this.dict.id(s);
      }
    }
    this.rows++;
    this.starts[this.rows] = this.count;
  }

  reset(): void {
    this.rows = 0;
    this.count = 0;
    this.dict.reset();
  }

  encode(w: ChunkWriter, order: Int32Array, n: number): ColumnChunk {
    scratch(n + this.count);
    let levels = 0;
    let nn = 0;
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      const r = order[i];
      const from = this.starts[r];
      const to = this.starts[r + 1];
      if (this.isNull[r] === 1 || from === to) {
        reps[levels] = 0;
        defs[levels++] = this.isNull[r] === 1 ? 0 : 1;
        nulls++;
        continue;
      }
      for (let k = from; k < to; k++) {
        reps[levels] = k === from ? 0 : 1;
        defs[levels++] = 3;
        ids[nn++] = this.elems[k];
      }
    }
    w.begin();
    if (nn > 0) this.dict.writePage(w);
    body.reset();
    writeLevels(body, reps, levels, 1);
    writeLevels(body, defs, levels, 3);
    if (nn > 0) this.dict.writeIds(body, nn);
    w.dataPage(body.view8(), levels, nn > 0 ? 'RLE_DICTIONARY' : 'PLAIN');
    const stats = nn > 0 ? this.dict.stats(nulls) : { null_count: BigInt(nulls) };
    return w.finish(this.element, this.path, levels, stats);
  }
}
