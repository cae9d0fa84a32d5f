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
  private readonly values: (T | undefined)[];
  private readonly mask: number;

  constructor(bits = 6) {
    this.keys = new Array<string>(1 << bits).fill('');
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

  /** The cached key equal to s[start, end), or null. */
  key(s: string, start: number, end: number): string | null {
    if (end - start < 2) return null;
    const k = this.keys[this.slot(s, start, end)];
    return k.length === end - start && s.startsWith(k, start) ? k : null;
  }

  /** s[start, end) as a string: the cached one if present, else a new slice, cached for next time. */
  intern(s: string, start: number, end: number): string {
    const k = this.key(s, start, end);
    if (k !== null) return k;
    const v = s.slice(start, end);
    if (v.length >= 2) {
      const i = this.slot(v, 0, v.length);
      this.keys[i] = v;
    }
    return v;
  }

  /** The value stored with the key equal to s[start, end), or undefined. */
  get(s: string, start: number, end: number): T | undefined {
    if (end - start < 2) return undefined;
    const i = this.slot(s, start, end);
    const k = this.keys[i];
    return k.length === end - start && s.startsWith(k, start) ? this.values[i] : undefined;
  }

  /** Stores k (which is s[start, end)) with its value, replacing whatever shared its slot. */
  set(k: string, value: T): T {
    if (k.length < 2) return value;
    const i = this.slot(k, 0, k.length);
    this.keys[i] = k;
    this.values[i] = value;
    return value;
  }
}
