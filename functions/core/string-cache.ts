/**
 * Recognises values that repeat from line to line (interface names, MAC
 * headers, log prefixes, hosts) without allocating: a small direct-mapped
 * table, probed with a cheap hash of a few characters and confirmed with a
 * native comparison. A hit returns the cached string (and whatever was
 * derived from it once, e.g. the MAC split into its parts); a miss costs one
 * slice, as it would have anyway.
 */
export class StringCache<T> {
  private readonly keys: string[];
  /** Each key's characters as bytes (keys looked up by bytes are ASCII): compared faster than string chars. */
  private readonly keyBytes: Uint8Array[];
  private readonly values: (T | undefined)[];
  private readonly mask: number;

  constructor(bits = 6) {
    this.keys = new Array<string>(1 << bits).fill('');
    this.keyBytes = Array.from({ length: 1 << bits }, () => EMPTY);
    this.values = new Array<T | undefined>(1 << bits).fill(undefined);
    this.mask = (1 << bits) - 1;
  }

  /** Slot for s[start, end): length and four characters spread over the value. */
  private slot(s: string, start: number, end: number): number {
    const n = end - start;
    const h =
      n * 31 +
      s.charCodeAt(end - 1) * 7 +
      s.charCodeAt(end - 2) * 131 +
      s.charCodeAt(start + (n >> 1)) * 17 +
      s.charCodeAt(start + (n >> 2)) * 3;
    return (h ^ (h >>> 6)) & this.mask;
  }

  /** Slot for bytes[start, end): the same hash over the same (ASCII) characters. */
  private slotOf(b: Uint8Array, start: number, end: number): number {
    const n = end - start;
    const h = n * 31 + b[end - 1] * 7 + b[end - 2] * 131 + b[start + (n >> 1)] * 17 + b[start + (n >> 2)] * 3;
    return (h ^ (h >>> 6)) & this.mask;
  }

  /** Like intern(), for a value whose bytes are at hand: `s` and `bytes` hold the same ASCII text. */
  internBytes(bytes: Uint8Array, s: string, start: number, end: number): string {
    if (end - start >= 2) {
      const i = this.slotOf(bytes, start, end);
      if (sameBytes(this.keyBytes[i], bytes, start, end)) return this.keys[i];
      const v = s.slice(start, end);
      this.keys[i] = v;
      this.keyBytes[i] = bytes.slice(start, end);
      return v;
    }
    return s.slice(start, end);
  }

  /** Like get(), for a value whose bytes are at hand. */
  getBytes(bytes: Uint8Array, start: number, end: number): T | undefined {
    if (end - start < 2) return undefined;
    const i = this.slotOf(bytes, start, end);
    return sameBytes(this.keyBytes[i], bytes, start, end) ? this.values[i] : undefined;
  }

  /** The cached key equal to s[start, end), or null. */
  key(s: string, start: number, end: number): string | null {
    if (end - start < 2) return null;
    const k = this.keys[this.slot(s, start, end)];
    return same(k, s, start, end) ? k : null;
  }

  /** s[start, end) as a string: the cached one if present, else a new slice, cached for next time. */
  intern(s: string, start: number, end: number): string {
    const k = this.key(s, start, end);
    if (k !== null) return k;
    const v = s.slice(start, end);
    if (v.length >= 2) {
      const i = this.slot(v, 0, v.length);
      this.keys[i] = v;
      this.keyBytes[i] = asciiBytes(v);
    }
    return v;
  }

  /** The slot holding the key equal to s[start, end), or -1: one probe for key and value. */
  find(s: string, start: number, end: number): number {
    if (end - start < 2) return -1;
    const i = this.slot(s, start, end);
    return same(this.keys[i], s, start, end) ? i : -1;
  }

  keyAt(slot: number): string {
    return this.keys[slot];
  }

  valueAt(slot: number): T {
    return this.values[slot] as T;
  }

  /** The value stored with the key equal to s[start, end), or undefined. */
  get(s: string, start: number, end: number): T | undefined {
    if (end - start < 2) return undefined;
    const i = this.slot(s, start, end);
    const k = this.keys[i];
    return same(k, s, start, end) ? this.values[i] : undefined;
  }

  /** Stores k (which is s[start, end)) with its value, replacing whatever shared its slot. */
  set(k: string, value: T): T {
    if (k.length < 2) return value;
    const i = this.slot(k, 0, k.length);
    this.keys[i] = k;
    this.keyBytes[i] = asciiBytes(k);
    this.values[i] = value;
    return value;
  }
}

/** k === s.slice(start, end), compared from the end (where values differ most) without allocating.
 *  A char loop: cheaper here than the startsWith builtin for values this short. */
function same(k: string, s: string, start: number, end: number): boolean {
  if (k.length !== end - start) return false;
  for (let i = k.length - 1, j = end - 1; i >= 0; i--, j--)
    if (k.charCodeAt(i) !== s.charCodeAt(j)) return false;
  return true;
}

const EMPTY = new Uint8Array(0);

/** The key's characters as bytes; a key with other characters gets bytes that match no ASCII text. */
function asciiBytes(k: string): Uint8Array {
  const out = new Uint8Array(k.length);
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    out[i] = c < 128 ? c : 0xff;
  }
  return out;
}

function sameBytes(k: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (k.length !== end - start) return false;
  for (let i = k.length - 1, j = end - 1; i >= 0; i--, j--) if (k[i] !== b[j]) return false;
  return true;
}
