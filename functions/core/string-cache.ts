/**
 * Recognises values that repeat from line to line (interface names, MAC
 * headers, log prefixes, hosts) without allocating: a direct-mapped table
 * (sized so that the few values a log repeats rarely share a slot: 2^10 slots
 * for a handful of keys measured ~0 misses where 2^5 missed one line in five),
 * probed with a hash of the value's characters and confirmed by comparing
 * them. A hit returns the cached string (and whatever was derived from it
 * once, e.g. the MAC split into its parts); a miss costs one slice, as it
 * would have anyway.
 *
 * Values can be looked up as a range of a string or as a range of bytes (the
 * scanner reads bytes, which V8 reads faster than string chars). The bytes of
 * every key live in one pooled array: allocating a typed array per key cost
 * more than the lookups saved. Each stored key gets a symbol (line-symbols.ts).
 */
import { checkSymbolSlots, newSymbol } from './line-symbols.ts';

export class StringCache<T> {
  private readonly keys: string[];
  private readonly values: (T | undefined)[];
  /** Key i's bytes are pool[i * maxLen, i * maxLen + lens[i]) (ASCII keys up to maxLen only; else lens[i] = -1). */
  private readonly pool: Uint8Array;
  private readonly lens: Int32Array;
  /** Each slot's symbol (line-symbols.ts): new each time the slot stores a key. */
  private readonly symbols: Float64Array;
  private readonly mask: number;
  /** The symbol of the key the last intern() or internBytes() returned. */
  lastSymbol = -1;

  constructor(
    bits = 10,
    private readonly maxLen = 64,
  ) {
    checkSymbolSlots(bits);
    const size = 1 << bits;
    this.keys = new Array<string>(size).fill('');
    this.values = new Array<T | undefined>(size).fill(undefined);
    this.pool = new Uint8Array(size * maxLen);
    this.lens = new Int32Array(size).fill(-1);
    this.symbols = new Float64Array(size).fill(-1);
    this.mask = size - 1;
  }

  /** The slot holding the key equal to s[start, end), or -1. */
  find(s: string, start: number, end: number): number {
    const slot = hashString(s, start, end) & this.mask;
    const k = this.keys[slot];
    if (k.length !== end - start) return -1;
    for (let i = k.length - 1, j = end - 1; i >= 0; i--, j--)
      if (k.charCodeAt(i) !== s.charCodeAt(j)) return -1;
    return slot;
  }

  /** The slot holding the key equal to bytes[start, end) (ASCII), or -1. */
  findBytes(bytes: Uint8Array, start: number, end: number): number {
    const n = end - start;
    const slot = hashBytes(bytes, start, end) & this.mask;
    if (this.lens[slot] !== n) return -1;
    const pool = this.pool;
    for (let i = slot * this.maxLen + n - 1, j = end - 1; j >= start; i--, j--)
      if (pool[i] !== bytes[j]) return -1;
    return slot;
  }

  keyAt(slot: number): string {
    return this.keys[slot];
  }

  valueAt(slot: number): T {
    return this.values[slot] as T;
  }

  /** The symbol of the key in `slot` (see line-symbols.ts). */
  symbolAt(slot: number): number {
    return this.symbols[slot];
  }

  /** Stores key k with its value (replacing whatever shared its slot); returns the value. */
  set(k: string, value: T): T {
    const slot = hashString(k, 0, k.length) & this.mask;
    this.keys[slot] = k;
    this.values[slot] = value;
    this.symbols[slot] = newSymbol(slot);
    this.lastSymbol = this.symbols[slot];
    let len = k.length <= this.maxLen ? k.length : -1;
    const base = slot * this.maxLen;
    for (let i = 0; i < k.length && len >= 0; i++) {
      const c = k.charCodeAt(i);
      if (c > 127) len = -1;
      else this.pool[base + i] = c;
    }
    this.lens[slot] = len;
    return value;
  }

  /** s[start, end) as a string: the cached one if present, else a new slice, cached for next time. */
  intern(s: string, start: number, end: number): string {
    const slot = this.find(s, start, end);
    if (slot >= 0) {
      this.lastSymbol = this.symbols[slot];
      return this.keys[slot];
    }
    const v = s.slice(start, end);
    this.set(v, undefined as T);
    return v;
  }

  /** Like intern(), for a value whose bytes are at hand: bytes[start, end) is the ASCII text s[sStart...]. */
  internBytes(bytes: Uint8Array, start: number, end: number, s: string, sStart: number): string {
    const slot = this.findBytes(bytes, start, end);
    if (slot >= 0) {
      this.lastSymbol = this.symbols[slot];
      return this.keys[slot];
    }
    const v = s.slice(sStart, sStart + end - start);
    this.set(v, undefined as T);
    return v;
  }
}

/**
 * The hash of a value: its length and a sample of its characters (the first
 * and last four, and three around the middle and the three-quarter mark),
 * which is where values that share a slot usually differ (host numbers, MAC
 * source bytes, interface numbers). Sampling, not hashing every character,
 * keeps a lookup cheaper than the slice it saves. String and byte forms agree
 * for ASCII text.
 */
export function hashString(s: string, start: number, end: number): number {
  const n = end - start;
  let h = n;
  if (n <= 12) {
    for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  } else {
    for (let i = 0; i < 4; i++)
      h = Math.imul(h ^ s.charCodeAt(start + i) ^ (s.charCodeAt(end - 1 - i) << 8), 0x01000193);
    const mid = start + (n >> 1);
    const q3 = start + ((n * 3) >> 2);
    for (let i = -1; i <= 1; i++)
      h = Math.imul(h ^ s.charCodeAt(mid + i) ^ (s.charCodeAt(q3 + i) << 8), 0x01000193);
  }
  return h ^ (h >>> 15);
}

function hashBytes(b: Uint8Array, start: number, end: number): number {
  const n = end - start;
  let h = n;
  if (n <= 12) {
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  } else {
    for (let i = 0; i < 4; i++) h = Math.imul(h ^ b[start + i] ^ (b[end - 1 - i] << 8), 0x01000193);
    const mid = start + (n >> 1);
    const q3 = start + ((n * 3) >> 2);
    for (let i = -1; i <= 1; i++) h = Math.imul(h ^ b[mid + i] ^ (b[q3 + i] << 8), 0x01000193);
  }
  return h ^ (h >>> 15);
}
