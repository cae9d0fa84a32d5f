/**
 * Records held column by column until a part is written: one buffer per
 * schema column, each holding a row's value in a typed array (strings as
 * dictionary ids, the raw line as UTF-8 bytes). A row costs ~4 bytes a column
 * plus its raw line, instead of a whole record object, and writing a part
 * reads the arrays directly.
 *
 * Each buffer encodes itself as one column chunk, rows in arrival order:
 * - strings, lists of strings: RLE_DICTIONARY (hosts, prefixes, addresses,
 *   flags repeat);
 * - the raw line: PLAIN, in pages of ~1 MiB (unique text; the codec does the work);
 * - int and bigint: RLE_DICTIONARY when values repeat (ports, TTLs, lengths),
 *   else PLAIN; line numbers DELTA_BINARY_PACKED (DeltaNumberBuffer);
 * - double and boolean: PLAIN.
 * Nulls are definition level 0 and take no value slot, as Parquet requires.
 *
 * Rows are set sparsely: `set(row, v)` is called for non-null values only (most
 * columns are null on most lines: an ICMP column on a TCP line, ARP columns
 * nearly always), and a row never set reads as null. Arrays grow when a row
 * past their end is set, so a column nobody sets stays at its first small size
 * (a part buffers up to 28,672 rows; ~25 of the 73 columns are empty on most).
 */
import type { SchemaElement } from 'hyparquet';
import { SYMBOL_SLOT_BITS } from '../line-symbols.ts';
import { hashString } from '../string-cache.ts';
import { ByteBuffer } from './byte-buffer.ts';
import type { ChunkWriter } from './chunk-writer.ts';
import { writeDeltaBinaryPacked } from './delta.ts';
import type { ChunkMeta, ChunkStats } from './footer.ts';
import { bitWidth, writeBitLevels, writeRleHybrid } from './rle-hybrid.ts';

/** Shared scratch space: encoding is synchronous and one chunk at a time. */
const body = new ByteBuffer(1 << 20);
const values = new ByteBuffer(1 << 20);
let defs = new Uint8Array(1 << 17);
let reps = new Uint8Array(1 << 17);
let ids = new Int32Array(1 << 17);
let nums = new Float64Array(1 << 17);
/** Dictionary slots of a small-range integer column, indexed by value - min; all -1 between uses. */
const slots = new Int32Array(1 << 17).fill(-1);
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

/** A copy of `a` with room past index `row` (doubling), new slots set to `fill`. */
function growFilled<T extends Int32Array | Float64Array | Uint8Array>(a: T, row: number, fill: number): T {
  const next = new (a.constructor as new (n: number) => T)(Math.max(row + 1, a.length * 2));
  next.set(a);
  if (fill !== 0) next.fill(fill, a.length);
  return next;
}

/** Appends levels[0..n) with their 4-byte length prefix (data page v1). */
function writeLevels(out: ByteBuffer, levels: Uint8Array, n: number, maxLevel: number): void {
  const at = out.length;
  out.u32(0);
  if (maxLevel === 1) writeBitLevels(out, levels, 0, n);
  else writeRleHybrid(out, levels, 0, n, bitWidth(maxLevel));
  new DataView(out.bytes.buffer).setUint32(at, out.length - at - 4, true);
}

/**
 * Appends a string as a PLAIN BYTE_ARRAY: 4-byte length, UTF-8 bytes. Dictionary keys are
 * short and nearly always ASCII (addresses, hosts, interfaces): those are copied character
 * by character, which is several times cheaper than a call to encodeInto per key.
 */
function writeString(out: ByteBuffer, s: string): void {
  const n = s.length;
  out.ensure(4 + n * 3);
  const b = out.bytes;
  const at = out.length + 4;
  let ascii = false;
  if (n <= 64) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) break;
      b[at + i] = c;
    }
    ascii = i === n;
  }
  const written = ascii ? n : utf8.encodeInto(s, b.subarray(at)).written;
  b[at - 4] = written & 0xff;
  b[at - 3] = (written >>> 8) & 0xff;
  b[at - 2] = (written >>> 16) & 0xff;
  b[at - 1] = written >>> 24;
  out.length = at + written;
}

export interface ColumnBuffer {
  readonly element: SchemaElement;
  readonly path: string[];
  /** Row `row`'s value, never null (rows not set are null). Rows are set in increasing order. */
  set(row: number, v: unknown): void;
  /** Back to no values; `rows` is how many rows the part had. */
  reset(rows: number): void;
  /** Writes rows 0..n as one column chunk. */
  encode(w: ChunkWriter, n: number): ChunkMeta;
}

/** Appends n levels of 0 with their 4-byte length prefix: one RLE run of a 1-byte value. */
function writeZeroLevels(out: ByteBuffer, n: number): void {
  writeLevelRun(out, n, 0);
}

/** Appends n levels of `level` with their 4-byte length prefix: one RLE run of a 1-byte value. */
function writeLevelRun(out: ByteBuffer, n: number, level: number): void {
  const at = out.length;
  out.u32(0);
  if (n > 0) {
    out.varint(n * 2);
    out.u8(level);
  }
  new DataView(out.bytes.buffer).setUint32(at, out.length - at - 4, true);
}

/** A column chunk with no values: one page whose levels are a single run of nulls. */
function encodeAllNull(w: ChunkWriter, element: SchemaElement, path: string[], n: number): ChunkMeta {
  w.begin();
  body.reset();
  // A list column has repetition levels first, all 0 (each level starts a row), then its definition levels.
  if (path.length > 1) writeZeroLevels(body, n);
  writeZeroLevels(body, n);
  w.dataPage(body.view8(), n, 'PLAIN');
  return w.finish(element, path, n, { nullCount: n });
}

/**
 * A part's dictionary of strings (for a string column or a list's elements): ids in
 * first-seen order, the dictionary page, and the RLE-encoded ids of a data page.
 *
 * Ids are found in an open-addressing table of key indexes, probed with the same sampled
 * hash as the parser's string caches. In alternated 1M-line runs on one core a Map (with a
 * memo of the last key) was ~0.3 s slower; the columns the parser's caches feed skip this
 * table after a value's first row anyway (symbols, StringDictBuffer.setSymbol).
 *
 * IPv4 addresses come by their value (idIpv4, from the address columns' marks: see
 * line-symbols.ts) and have a table of their own, keyed by the integer: their text is
 * written to the page from the value, so no string is hashed, compared or copied. A value
 * and a text key never meet: canonical IPv6 text is never a dotted quad, and a part's
 * IPv4 addresses come all by value (ingest, with line symbols) or all by text (without).
 */
class StringDictionary {
  private readonly keys: string[] = [];
  /** Slot → key index + 1, 0 = empty; a power of two in size, at most half full. */
  private table = new Int32Array(256);
  /**
   * Slot → its key's hash. A probe compares hashes before strings: comparing a string with
   * another key of the same length (addresses, mostly) reads that key's characters, often a
   * cache miss; and growing the table needs no hashing again.
   */
  private hashes = new Int32Array(256);
  private mask = 255;
  /** IPv4 keys: pairs [value | 0, key index + 1] (0 = empty), at most half full; slot = multiplicative hash >>> v4Shift. */
  private v4 = new Int32Array(2 * 256);
  private v4Shift = 24;
  private v4Keys = 0;
  /**
   * The dictionary page's body, written as each key arrives: the key was just hashed, so its
   * characters are in cache then. Written at the end, key after key, that copy and the min/max
   * comparisons read every key's characters again from memory (~13% of encoding a part).
   */
  private readonly plain = new ByteBuffer(1 << 10);
  /**
   * The min and max keys so far, in the UTF-8 byte order Parquet's statistics use (compared
   * as written on the page: a string comparison is UTF-16 order, which differs from it for
   * characters from U+E000 against surrogate pairs), as offsets of their length prefix in
   * `plain`, with their first six bytes as one number.
   */
  private minAt = 0;
  private maxAt = 0;
  private minHead = 0;
  private maxHead = 0;

  id(s: string): number {
    const h = hashString(s, 0, s.length);
    const table = this.table;
    const hashes = this.hashes;
    const mask = this.mask;
    const keys = this.keys;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = table[slot];
      if (k === 0) {
        table[slot] = keys.length + 1;
        hashes[slot] = h;
        keys.push(s);
        const at = this.plain.length;
        writeString(this.plain, s);
        this.added(at);
        if (keys.length * 2 > mask) this.rehash();
        return keys.length - 1;
      }
      // Strings from the parser's caches are the same object: === is then a pointer comparison.
      if (hashes[slot] === h && keys[k - 1] === s) return k - 1;
    }
  }

  /** The id of the IPv4 address `v` (0 .. 2^32 - 1), whose text is its dotted quad. */
  idIpv4(v: number): number {
    const x = v | 0;
    const t = this.v4;
    const mask = (t.length >> 1) - 1;
    for (let slot = Math.imul(x, 0x9e3779b1) >>> this.v4Shift; ; slot = (slot + 1) & mask) {
      const k = t[2 * slot + 1];
      if (k === 0) {
        const keys = this.keys;
        t[2 * slot] = x;
        t[2 * slot + 1] = keys.length + 1;
        // A placeholder keeps ids and `keys` in step; text probes never reach it (not in `table`).
        keys.push('');
        const at = this.plain.length;
        writeDottedQuad(this.plain, v);
        this.added(at);
        if (++this.v4Keys * 2 > mask) this.rehashIpv4();
        return keys.length - 1;
      }
      if (t[2 * slot] === x) return k - 1;
    }
  }

  /** The key just written at `at` in `plain` (its length prefix): min and max so far. */
  private added(at: number): void {
    const head = headAt(this.plain.bytes, at);
    if (this.keys.length === 1) {
      this.minAt = this.maxAt = at;
      this.minHead = this.maxHead = head;
      return;
    }
    const b = this.plain.bytes;
    if (head < this.minHead || (head === this.minHead && compareKeys(b, at, this.minAt) < 0)) {
      this.minAt = at;
      this.minHead = head;
    }
    if (head > this.maxHead || (head === this.maxHead && compareKeys(b, at, this.maxAt) > 0)) {
      this.maxAt = at;
      this.maxHead = head;
    }
  }

  private rehash(): void {
    const oldTable = this.table;
    const oldHashes = this.hashes;
    this.table = new Int32Array(oldTable.length * 2);
    this.hashes = new Int32Array(oldTable.length * 2);
    this.mask = this.table.length - 1;
    for (let i = 0; i < oldTable.length; i++) {
      if (oldTable[i] === 0) continue;
      const h = oldHashes[i];
      let slot = h & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = oldTable[i];
      this.hashes[slot] = h;
    }
  }

  private rehashIpv4(): void {
    const old = this.v4;
    const t = new Int32Array(old.length * 2);
    const mask = (t.length >> 1) - 1;
    this.v4Shift--;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i + 1] === 0) continue;
      let slot = Math.imul(old[i], 0x9e3779b1) >>> this.v4Shift;
      while (t[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      t[2 * slot] = old[i];
      t[2 * slot + 1] = old[i + 1];
    }
    this.v4 = t;
  }

  get size(): number {
    return this.keys.length;
  }

  reset(): void {
    // Emptied in place, not replaced by []: a new empty array has another elements kind
    // (no strings yet), and V8 deoptimized the encoder each time it met one.
    this.keys.length = 0;
    this.table.fill(0);
    if (this.v4Keys > 0) this.v4.fill(0);
    this.v4Keys = 0;
    this.plain.reset();
  }

  writePage(w: ChunkWriter): void {
    w.dictionaryPage(this.plain.view8(), this.keys.length);
  }

  /** Appends from[0..nn) (the `ids` scratch unless given) as RLE_DICTIONARY values: the bit width, then the hybrid runs. */
  writeIds(out: ByteBuffer, nn: number, from: Int32Array = ids): void {
    const width = bitWidth(this.keys.length - 1);
    out.u8(width);
    writeRleHybrid(out, from, 0, nn, width);
  }

  /** Null count, min and max (their UTF-8 bytes). */
  stats(nulls: number): ChunkStats {
    if (this.keys.length === 0) return { nullCount: nulls };
    return { nullCount: nulls, min: this.keyBytes(this.minAt), max: this.keyBytes(this.maxAt) };
  }

  /** A copy of the key at `at` on the page (the page is reused for the next part). */
  private keyBytes(at: number): Uint8Array {
    const b = this.plain.bytes;
    return b.slice(at + 4, at + 4 + keyLength(b, at));
  }
}

/** Appends the dotted quad of v (0 .. 2^32 - 1) as a PLAIN BYTE_ARRAY. */
function writeDottedQuad(out: ByteBuffer, v: number): void {
  out.ensure(4 + 15);
  const b = out.bytes;
  const start = out.length + 4;
  let at = writeOctet(b, start, Math.floor(v / 16777216));
  b[at++] = 46;
  at = writeOctet(b, at, (v >>> 16) & 255);
  b[at++] = 46;
  at = writeOctet(b, at, (v >>> 8) & 255);
  b[at++] = 46;
  at = writeOctet(b, at, v & 255);
  const n = at - start;
  b[start - 4] = n;
  b[start - 3] = 0;
  b[start - 2] = 0;
  b[start - 1] = 0;
  out.length = at;
}

/** Writes 0-255 in decimal without leading zeros at b[at]; returns the index after it. */
function writeOctet(b: Uint8Array, at: number, x: number): number {
  if (x >= 100) {
    const h = (x / 100) | 0;
    b[at++] = 48 + h;
    x -= h * 100;
    b[at++] = 48 + ((x / 10) | 0);
  } else if (x >= 10) b[at++] = 48 + ((x / 10) | 0);
  b[at++] = 48 + (x % 10);
  return at;
}

/** The length of the PLAIN BYTE_ARRAY value whose 4-byte prefix is at b[at]. */
const keyLength = (b: Uint8Array, at: number): number =>
  (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

/**
 * The first six bytes of the key at b[at] as one exact number (a missing byte counts as 0), for
 * min/max: keys whose numbers differ compare as their bytes do, so only keys that share their
 * first six bytes (or are a prefix of the other) need compareKeys.
 */
function headAt(b: Uint8Array, at: number): number {
  const n = keyLength(b, at);
  const p = at + 4;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 3; i++) hi = hi * 256 + (i < n ? b[p + i] : 0);
  for (let i = 3; i < 6; i++) lo = lo * 256 + (i < n ? b[p + i] : 0);
  return hi * 16777216 + lo;
}

/** Byte order (Parquet's for UTF8 BYTE_ARRAY) of the keys at b[x] and b[y]: negative, 0 or positive. */
function compareKeys(b: Uint8Array, x: number, y: number): number {
  const nx = keyLength(b, x);
  const ny = keyLength(b, y);
  const n = Math.min(nx, ny);
  for (let i = 0; i < n; i++) {
    const d = b[x + 4 + i] - b[y + 4 + i];
    if (d !== 0) return d;
  }
  return nx - ny;
}

/**
 * Symbol (line-symbols.ts) → this part's dictionary id, direct-mapped by the cache slot in the
 * symbol's low bits. A symbol always stands for one string, so once a symbol has an id every
 * later row with it takes that id by an integer lookup, without touching the string. Strings
 * cached at the same time have different slots, so they never evict each other here; a slot
 * whose cache moved on to another string (a new symbol) simply takes the new one.
 *
 * Indexed by the slot, not hashed: the hashed table this replaces (open addressing over the
 * symbols) cost ~18 ns a row on the address columns, a probe sequence and a hash each.
 * SYMBOL_TABLE_BITS covers the biggest cache that gives symbols (IPv6's 4,096 slots; IPv4
 * addresses come by value instead); a bigger cache's slots would only share entries here,
 * never get a wrong id (the whole symbol is compared).
 */
const SYMBOL_TABLE_BITS = 12;
if (SYMBOL_TABLE_BITS > SYMBOL_SLOT_BITS)
  throw new Error('symbols carry fewer slot bits than SymbolIds indexes by');

class SymbolIds {
  private readonly keys = new Float64Array(1 << SYMBOL_TABLE_BITS).fill(-1);
  private readonly ids = new Int32Array(1 << SYMBOL_TABLE_BITS);
  private used = false;

  /** The id of `symbol`, or -1. */
  get(symbol: number): number {
    const i = symbol & ((1 << SYMBOL_TABLE_BITS) - 1);
    return this.keys[i] === symbol ? this.ids[i] : -1;
  }

  set(symbol: number, id: number): void {
    const i = symbol & ((1 << SYMBOL_TABLE_BITS) - 1);
    this.keys[i] = symbol;
    this.ids[i] = id;
    this.used = true;
  }

  clear(): void {
    if (this.used) this.keys.fill(-1);
    this.used = false;
  }
}

/** Strings, dictionary-encoded. A row's id is -1 while it is null. */
export class StringDictBuffer implements ColumnBuffer {
  private ids = new Int32Array(1024).fill(-1);
  private values = 0;
  private readonly dict = new StringDictionary();

  constructor(
    readonly element: SchemaElement,
    readonly path: string[],
  ) {}

  /**
   * The last four values set and their ids, most recent first. Many columns repeat from one
   * row to the next or cycle through a few values (direction, protocol, action, interfaces),
   * usually as the same string object from the parser's constants or caches: a comparison or
   * two then replaces a dictionary lookup. With one value remembered, direction and protocol
   * still went to the dictionary ~900,000 times per 1M lines; with four, a few hundred.
   */
  private k0: string | null = null;
  private k1: string | null = null;
  private k2: string | null = null;
  private k3: string | null = null;
  private i0 = -1;
  private i1 = -1;
  private i2 = -1;
  private i3 = -1;
  private readonly symbols = new SymbolIds();
  /** The last symbol set and its id: consecutive lines often share a host, prefix or interface. */
  private lastSymbol = -1;
  private lastSymbolId = -1;

  set(row: number, v: unknown): void {
    if (row >= this.ids.length) this.ids = growFilled(this.ids, row, -1);
    const s = v as string;
    let id: number;
    if (s === this.k0) id = this.i0;
    else if (s === this.k1) id = this.i1;
    else if (s === this.k2) id = this.i2;
    else if (s === this.k3) id = this.i3;
    else {
      id = this.dict.id(s);
      this.k3 = this.k2;
      this.i3 = this.i2;
      this.k2 = this.k1;
      this.i2 = this.i1;
      this.k1 = this.k0;
      this.i1 = this.i0;
      this.k0 = s;
      this.i0 = id;
    }
    this.ids[row] = id;
    this.values++;
  }

  /** The last IPv4 address set by value and its id: a firewall's own address repeats row after row. */
  private lastIpv4 = -1;
  private lastIpv4Id = -1;

  /** Row `row`'s value: the IPv4 address `v` (0 .. 2^32 - 1), whose text is its dotted quad. */
  setIpv4(row: number, v: number): void {
    if (row >= this.ids.length) this.ids = growFilled(this.ids, row, -1);
    let id: number;
    if (v === this.lastIpv4) id = this.lastIpv4Id;
    else {
      id = this.dict.idIpv4(v);
      this.lastIpv4 = v;
      this.lastIpv4Id = id;
    }
    this.ids[row] = id;
    this.values++;
  }

  /** Row `row`'s value `v`, whose symbol is `symbol` (>= 0): found by the symbol after its first row. */
  setSymbol(row: number, v: string, symbol: number): void {
    if (row >= this.ids.length) this.ids = growFilled(this.ids, row, -1);
    let id: number;
    if (symbol === this.lastSymbol) id = this.lastSymbolId;
    else {
      id = this.symbols.get(symbol);
      if (id < 0) {
        id = this.dict.id(v);
        this.symbols.set(symbol, id);
      }
      this.lastSymbol = symbol;
      this.lastSymbolId = id;
    }
    this.ids[row] = id;
    this.values++;
  }

  reset(rows: number): void {
    if (this.values > 0) this.ids.fill(-1, 0, rows);
    this.values = 0;
    this.dict.reset();
    this.k0 = this.k1 = this.k2 = this.k3 = null;
    this.symbols.clear();
    this.lastSymbol = -1;
    this.lastIpv4 = -1;
  }

  encode(w: ChunkWriter, n: number): ChunkMeta {
    if (this.values === 0) return encodeAllNull(w, this.element, this.path, n);
    w.begin();
    this.dict.writePage(w);
    body.reset();
    if (this.values === n) {
      // Every row has a value (host, direction, addresses, protocol): one run of level 1, and
      // the ids are the buffer's own, in order.
      writeLevelRun(body, n, 1);
      this.dict.writeIds(body, n, this.ids);
    } else {
      scratch(n);
      let nn = 0;
      const from = this.ids;
      // Without a branch: nulls (-1) and values are mixed unpredictably on sparse columns, and
      // a mispredicted branch per row cost more than always storing the id and counting it only
      // when it is one (the next row's id overwrites a null's).
      // Rows past the array were never set (it grows only when a row past its end is set): null.
      const m = Math.min(n, from.length);
      for (let i = 0; i < m; i++) {
        const id = from[i];
        const present = (id >>> 31) ^ 1;
        defs[i] = present;
        ids[nn] = id;
        nn += present;
      }
      defs.fill(0, m, n);
      writeLevels(body, defs, n, 1);
      this.dict.writeIds(body, nn);
    }
    w.dataPage(body.view8(), n, 'RLE_DICTIONARY');
    return w.finish(this.element, this.path, n, this.dict.stats(n - this.values));
  }
}

/**
 * Free text (the raw line): PLAIN, pages of about `pageBytes`. Values are kept
 * as a PLAIN page holds them (a 4-byte length, then the UTF-8 bytes), one after
 * the other, so a page of rows with no nulls is one slice of the buffer, copied
 * once, after its levels. Row r's value starts at at[r]; at[r] is -1 while the
 * row is null.
 */
export class PlainStringBuffer implements ColumnBuffer {
  private data = new ByteBuffer(1 << 16);
  private at = new Int32Array(1024).fill(-1);
  /**
   * Row r's value length in bytes (valid where at[r] >= 0). Kept beside `at` rather than read
   * back from the length prefix in `data`: at encoding time that prefix is one cache miss per
   * row, a few MB behind (~20% of the raw column's encoding).
   */
  private lens = new Int32Array(1024);
  private values = 0;

  constructor(
    readonly element: SchemaElement,
    readonly path: string[],
    private readonly pageBytes = 1 << 20,
  ) {}

  set(row: number, v: unknown): void {
    const s = v as string;
    if (row >= this.at.length) this.grow(row);
    const data = this.data;
    data.ensure(4 + s.length * 3);
    const at = data.length;
    const n = utf8.encodeInto(s, data.bytes.subarray(at + 4)).written;
    this.prefix(at, n);
    this.at[row] = at;
    this.lens[row] = n;
    data.length = at + 4 + n;
    this.values++;
  }

  private grow(row: number): void {
    this.at = growFilled(this.at, row, -1);
    this.lens = growFilled(this.lens, row, 0);
  }

  /** Row `row`'s value from bytes[start, start + n), which must be ASCII (so already UTF-8). */
  setAscii(row: number, bytes: Uint8Array, start: number, n: number): void {
    if (row >= this.at.length) this.grow(row);
    const data = this.data;
    data.ensure(4 + n);
    const at = data.length;
    data.bytes.set(bytes.subarray(start, start + n), at + 4);
    this.prefix(at, n);
    this.at[row] = at;
    this.lens[row] = n;
    data.length = at + 4 + n;
    this.values++;
  }

  private prefix(at: number, n: number): void {
    const b = this.data.bytes;
    b[at] = n & 0xff;
    b[at + 1] = (n >>> 8) & 0xff;
    b[at + 2] = (n >>> 16) & 0xff;
    b[at + 3] = n >>> 24;
  }

  reset(rows: number): void {
    if (this.values > 0) this.at.fill(-1, 0, rows);
    this.values = 0;
    this.data.reset();
  }

  encode(w: ChunkWriter, n: number): ChunkMeta {
    if (this.values === 0) return encodeAllNull(w, this.element, this.path, n);
    scratch(n);
    w.begin();
    const at = this.at;
    const lens = this.lens;
    const data = this.data;
    let i = 0;
    while (i < n) {
      // One page: rows first..i, until their values pass pageBytes.
      const first = i;
      let bytes = 0;
      let nulls = 0;
      for (; i < n && bytes < this.pageBytes; i++) {
        // A row past the array was never set (it grows only when a row past its end is set): null.
        if (i >= at.length || at[i] < 0) {
          defs[i - first] = 0;
          nulls++;
        } else {
          defs[i - first] = 1;
          bytes += 4 + lens[i];
        }
      }
      body.reset();
      writeLevels(body, defs, i - first, 1);
      if (nulls === 0) {
        // Rows were set in order with no null between them: their values are contiguous.
        body.append(data.bytes.subarray(at[first], at[first] + bytes));
      } else {
        for (let r = first; r < i; r++) {
          if (at[r] >= 0) body.append(data.bytes.subarray(at[r], at[r] + 4 + lens[r]));
        }
      }
      w.dataPage(body.view8(), i - first, 'PLAIN');
    }
    // No min/max: nobody prunes on the raw line, and it would put two whole lines in every footer.
    return w.finish(this.element, this.path, n, { nullCount: n - this.values });
  }
}

/** Integers held as numbers (INT32, or INT64 within 2^53: bigint columns and epoch-ms timestamps). */
export class NumberBuffer implements ColumnBuffer {
  /**
   * The values in arrival order without gaps (rows without one are 0 in `present`, the
   * definition levels), as doubles (INT64 exact below 2^53). Kept so, the pages read them
   * straight; kept by row, encoding first gathered them out of every row of every column
   * that had a value anywhere in the part (~30 columns, most of them sparse).
   */
  protected vals = new Float64Array(1024);
  private present = new Uint8Array(1024);
  /** How many values: vals[0..values) are the non-null rows' values. */
  protected values = 0;
  protected readonly int64: boolean;
  /**
   * What collect() found: the values' min and max. They start as NaN, a double, not 0: V8 then
   * keeps them as doubles from the first NumberBuffer on. Started as 0 (a small integer), the
   * first part's timestamps made V8 change the field to a double there, which gave every
   * NumberBuffer a new hidden class in the middle of the ingest and threw away the optimized
   * code that had seen the old one (the appender, ingestLines: "wrong map" in --trace-deopt).
   */
  protected min = Number.NaN;
  protected max = Number.NaN;
  /**
   * 1000 when every value is a multiple of 1000 (epoch-ms timestamps of syslog stamps, which
   * have whole seconds): the dictionary then indexes its direct table by (v - min) / 1000, and
   * an hour of timestamps (3,600 seconds) uses the table instead of a Map.
   */
  protected step = 1;

  constructor(
    readonly element: SchemaElement,
    readonly path: string[],
  ) {
    this.int64 = element.type === 'INT64';
  }

  /** No row has a value. */
  protected nullOnly(): boolean {
    return this.values === 0;
  }

  set(row: number, v: unknown): void {
    if (row >= this.present.length) this.present = growFilled(this.present, row, 0);
    this.present[row] = 1;
    const k = this.values++;
    if (k >= this.vals.length) this.vals = growFilled(this.vals, k, 0);
    this.vals[k] = v as number;
  }

  reset(rows: number): void {
    if (this.values > 0) this.present.fill(0, 0, rows);
    this.values = 0;
  }

  encode(w: ChunkWriter, n: number): ChunkMeta {
    if (this.values === 0) return encodeAllNull(w, this.element, this.path, n);
    this.collect(n);
    w.begin();
    body.reset();
    this.writeDefinitions(n);
    const dictionary = this.dictionary(this.values, this.min, this.max);
    if (dictionary !== null) this.writeDictionary(w, n, dictionary);
    else this.writePlain(w, n);
    return this.finish(w, n);
  }

  /**
   * The values' min and max, and whether all are whole seconds. The definition levels
   * are `present` itself (writeDefinitions), so it is made to cover every row.
   */
  protected collect(n: number): void {
    scratch(n);
    // Rows past the array were never set (it grows only when a row past its end is set): null.
    if (this.present.length < n) this.present = growFilled(this.present, n - 1, 0);
    const nn = this.values;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let seconds = this.int64;
    const vals = this.vals;
    for (let k = 0; k < nn; k++) {
      const v = vals[k];
      if (v < min) min = v;
      if (v > max) max = v;
      // Whole seconds: exact for any integer below 2^53. Not `v % 1000`: a double's % is a call
      // into C (11% of encoding when run for every value).
      if (seconds && Math.floor(v / 1000) * 1000 !== v) seconds = false;
    }
    this.min = min;
    this.max = max;
    this.step = seconds ? 1000 : 1;
  }

  /** The definition levels, `present` itself: one run when every row has a value (most columns of most parts). */
  protected writeDefinitions(n: number): void {
    if (this.values === n) writeLevelRun(body, n, 1);
    else writeLevels(body, this.present, n, 1);
  }

  protected finish(w: ChunkWriter, n: number): ChunkMeta {
    return w.finish(this.element, this.path, n, {
      nullCount: n - this.values,
      min: this.min,
      max: this.max,
    });
  }

  // Each way of writing the values is a method of its own: one encode() with every branch was
  // compiled before the rarer branches had run, and V8 recompiled it each time one did.
  private writeDictionary(w: ChunkWriter, n: number, dictionary: number[]): void {
    values.reset();
    if (this.int64) for (const v of dictionary) values.i64(v);
    else for (const v of dictionary) values.i32(v);
    w.dictionaryPage(values.view8(), dictionary.length);
    const width = bitWidth(dictionary.length - 1);
    body.u8(width);
    writeRleHybrid(body, ids, 0, this.values, width);
    w.dataPage(body.view8(), n, 'RLE_DICTIONARY');
  }

  private writePlain(w: ChunkWriter, n: number): void {
    const nn = this.values;
    const vals = this.vals;
    if (this.int64) for (let i = 0; i < nn; i++) body.i64(vals[i]);
    else for (let i = 0; i < nn; i++) body.i32(vals[i]);
    w.dataPage(body.view8(), n, 'PLAIN');
  }

  /**
   * Fills `ids` with dictionary ids of vals[0..nn) and returns the dictionary, or null when
   * it would not be smaller than PLAIN: a dictionary of d values costs d values plus an id of
   * bitWidth(d) bits a row (timestamps of one hour: ~3,600 seconds for any number of rows, a
   * win; random IP IDs and source ports: nearly as many values as rows, a loss).
   */
  private dictionary(nn: number, min: number, max: number): number[] | null {
    const valueBytes = this.int64 ? 8 : 4;
    const plainBytes = nn * valueBytes;
    // Past this many distinct values a dictionary cannot win even with 1-bit ids.
    const limit = Math.floor((plainBytes - nn / 8) / valueBytes);
    const dict: number[] = [];
    const step = this.step;
    const vals = this.vals;
    if ((max - min) / step < 1 << 17) {
      // Small range (ports, TTLs, lengths, IDs): a direct table beats a Map by far. The table is
      // shared and left all -1 again afterwards (only the slots used are cleared): a fresh 512 KB
      // table per column per part was ~10 MB of garbage a part, which V8 frees late.
      const slot = slots;
      let id = 0;
      let i = 0;
      for (; i < nn; i++) {
        // Random values (IP IDs, ephemeral source ports) would fill the dictionary nearly to the
        // limit before it says no, a random read into the table per row: judge them early, as below.
        if (i === SAMPLE && dict.length > SAMPLE * 0.75) break;
        const k = (vals[i] - min) / step;
        id = slot[k];
        if (id < 0) {
          if (dict.length >= limit) break;
          id = dict.length;
          slot[k] = id;
          dict.push(vals[i]);
        }
        ids[i] = id;
      }
      for (const v of dict) slot[(v - min) / step] = -1;
      return i === nn && smallerThanPlain(dict.length, nn, valueBytes) ? dict : null;
    }
    // Wide range (sequence numbers, epoch-ms timestamps): a Map. Random values (TCP sequence
    // and ack numbers) would fill it with nearly every row before the limit says no, ~1.9M
    // Map inserts per 1M lines: give up when the first SAMPLE values are mostly distinct.
    // Timestamps of an hour stay well under (3,600 seconds: ~60% of 4,096 draws distinct).
    const map = new Map<number, number>();
    for (let i = 0; i < nn; i++) {
      if (i === SAMPLE && dict.length > SAMPLE * 0.75) return null;
      let id = map.get(vals[i]);
      if (id === undefined) {
        if (dict.length >= limit) return null;
        id = dict.length;
        map.set(vals[i], id);
        dict.push(vals[i]);
      }
      ids[i] = id;
    }
    return smallerThanPlain(dict.length, nn, valueBytes) ? dict : null;
  }
}

/** INT64 columns that grow steadily (line numbers): DELTA_BINARY_PACKED, a few bytes per 128 rows. */
export class DeltaNumberBuffer extends NumberBuffer {
  constructor(element: SchemaElement, path: string[]) {
    super(element, path);
    if (!this.int64) throw new Error(`${path.join('.')}: delta encoding is for INT64 columns`);
  }

  override encode(w: ChunkWriter, n: number): ChunkMeta {
    if (this.nullOnly()) return encodeAllNull(w, this.element, this.path, n);
    this.collect(n);
    w.begin();
    body.reset();
    this.writeDefinitions(n);
    writeDeltaBinaryPacked(body, this.vals, this.values);
    w.dataPage(body.view8(), n, 'DELTA_BINARY_PACKED');
    return this.finish(w, n);
  }
}

/** Values a wide-range integer column's dictionary attempt reads before judging them random. */
const SAMPLE = 4096;

/**
 * Whether a dictionary of d values (plus an id of bitWidth(d) bits per value) is smaller
 * than nn PLAIN values. A plain function, not a closure made per call: a new closure each
 * time made V8 throw away the optimized caller ("wrong call target") every part.
 */
function smallerThanPlain(d: number, nn: number, valueBytes: number): boolean {
  return d * valueBytes + (nn * bitWidth(d)) / 8 < nn * valueBytes;
}

/** Doubles and booleans: PLAIN (one double column, one boolean, both mostly null). */
export class PlainScalarBuffer implements ColumnBuffer {
  private vals = new Float64Array(1024);
  private present = new Uint8Array(1024);
  private values = 0;

  constructor(
    readonly element: SchemaElement,
    readonly path: string[],
  ) {}

  set(row: number, v: unknown): void {
    if (row >= this.present.length) {
      this.vals = growFilled(this.vals, row, 0);
      this.present = growFilled(this.present, row, 0);
    }
    this.present[row] = 1;
    this.vals[row] = Number(v);
    this.values++;
  }

  reset(rows: number): void {
    if (this.values > 0) this.present.fill(0, 0, rows);
    this.values = 0;
  }

  encode(w: ChunkWriter, n: number): ChunkMeta {
    if (this.values === 0) return encodeAllNull(w, this.element, this.path, n);
    scratch(n);
    let nn = 0;
    for (let i = 0; i < n; i++) {
      const r = i;
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
    return w.finish(this.element, this.path, n, { nullCount: n - nn });
  }
}

/** Distinct list arrays a StringListBuffer remembers per part (see its memo). */
const LIST_MEMO = 32;

/**
 * Lists of strings (flags) in the three-level LIST layout: definition level
 * 0 = null list, 1 = empty list, 3 = an element (elements are never null);
 * repetition level 0 starts a row, 1 continues its list. Row r's elements are
 * elems[from[r], to[r]); from is -1 while the row is null.
 */
export class StringListBuffer implements ColumnBuffer {
  private from = new Int32Array(1024).fill(-1);
  private to = new Int32Array(1024);
  private elems = new Int32Array(1024);
  private count = 0;
  private values = 0;
  private readonly dict = new StringDictionary();

  constructor(
    readonly element: SchemaElement,
    readonly path: string[],
  ) {}

  /**
   * Lists this part has met and where their elements are. The parser hands out one shared,
   * never-changed array per set of flags (TCP flags, IP flags), so a row whose array is one
   * of these points at the same elements, with no lookups and no copy. Only the first
   * LIST_MEMO arrays are remembered: a few dozen flag sets cover nearly every row (with only
   * the previous row's list remembered, ~850,000 elements per 1M lines went to the dictionary).
   */
  private readonly memoLists: (string[] | null)[] = new Array(LIST_MEMO).fill(null);
  private readonly memoFrom = new Int32Array(LIST_MEMO);
  private memoCount = 0;
  /** Elements over all rows (rows can share their elements, so this can be more than `count`). */
  private listed = 0;

  set(row: number, v: unknown): void {
    const list = v as string[];
    if (row >= this.from.length) {
      this.from = growFilled(this.from, row, -1);
      this.to = growFilled(this.to, row, 0);
    }
    this.listed += list.length;
    const memo = this.memoLists;
    for (let m = 0; m < this.memoCount; m++) {
      if (memo[m] === list) {
        const from = this.memoFrom[m];
        this.from[row] = from;
        this.to[row] = from + list.length;
        this.values++;
        return;
      }
    }
    if (this.count + list.length > this.elems.length)
      this.elems = grow(this.elems, Math.max(this.count + list.length, this.elems.length * 2));
    if (this.memoCount < LIST_MEMO) {
      memo[this.memoCount] = list;
      this.memoFrom[this.memoCount++] = this.count;
    }
    this.from[row] = this.count;
    for (let k = 0; k < list.length; k++) this.elems[this.count++] = this.dict.id(list[k]);
    this.to[row] = this.count;
    this.values++;
  }

  reset(rows: number): void {
    if (this.values > 0) this.from.fill(-1, 0, rows);
    this.values = 0;
    this.count = 0;
    this.listed = 0;
    this.dict.reset();
    this.memoLists.fill(null, 0, this.memoCount);
    this.memoCount = 0;
  }

  encode(w: ChunkWriter, n: number): ChunkMeta {
    if (this.values === 0) return encodeAllNull(w, this.element, this.path, n);
    scratch(n + this.listed);
    let levels = 0;
    let nn = 0;
    let nulls = 0;
    const starts = this.from;
    for (let r = 0; r < n; r++) {
      // A row past the array was never set (it grows only when a row past its end is set): a null
      // list. Reading it as undefined once wrote such rows as empty lists instead of nulls.
      const from = r < starts.length ? starts[r] : -1;
      const to = from < 0 ? from : this.to[r];
      if (from === to) {
        reps[levels] = 0;
        defs[levels++] = from < 0 ? 0 : 1;
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
    const stats = nn > 0 ? this.dict.stats(nulls) : { nullCount: nulls };
    return w.finish(this.element, this.path, levels, stats);
  }
}
