/**
 * Records → JSON lines as bytes, for the ingest path: the same text as
 * encodeJsonLine (json-lines.ts, a test holds the two byte for byte equal),
 * written straight into a growable byte buffer.
 *
 * Why not encodeJsonLine + join + gzip.write(string): profiled on 1M lines,
 * building each line as a string (concatenations, JSON.stringify per value)
 * cost ~6.5 s, flattening and joining those strings per part ~5.4 s, and their
 * garbage ~2.3 s, against ~1.3 s for parsing. Here a line costs its field reads
 * and a byte store per character, and the raw line is copied from the bytes it
 * was read from.
 */
import { growBytes } from './grow-bytes.ts';
import type { FirewallRecord } from './record.ts';
import { COLUMNS } from './schema.ts';

const QUOTE = 34;
const BACKSLASH = 92;
const encoder = new TextEncoder();
/**
 * Room every ensure() leaves beyond what it was asked for: enough for one key, so a key
 * that follows any value (or a line's start) is written without a check of its own.
 */
const KEY_ROOM = 64;
/** What closes every line: `}` and a newline. */
const LINE_END = new Uint8Array([125, 10]);
/** 1 for the bytes JSON.stringify escapes: controls, `"` and `\`. */
const ESCAPED = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) ESCAPED[c] = 1;
ESCAPED[QUOTE] = 1;
ESCAPED[BACKSLASH] = 1;

export class JsonBytes {
  bytes: Uint8Array;
  length = 0;

  constructor(initial = 1 << 16) {
    this.bytes = new Uint8Array(initial);
  }

  /** Makes room for `n` more bytes, and KEY_ROOM after them. */
  ensure(n: number): void {
    const need = this.length + n + KEY_ROOM;
    if (need > this.bytes.length) this.bytes = growBytes(this.bytes, this.length, need);
  }

  /** Bytes written so far, copied out; the buffer starts again empty (keeping its memory). */
  take(): Uint8Array {
    const out = this.bytes.slice(0, this.length);
    this.length = 0;
    return out;
  }

  /**
   * A key's bytes (`,"name":`, or the line's end), with no room check: it follows a line's
   * start or a value, and every ensure() leaves KEY_ROOM to spare.
   */
  key(k: Uint8Array): void {
    const b = this.bytes;
    let p = this.length;
    for (let i = 0; i < k.length; i++) b[p++] = k[i];
    this.length = p;
  }

  byte(b: number): void {
    this.ensure(1);
    this.bytes[this.length++] = b;
  }

  /** Any text as UTF-8, unquoted (a quarantine line already encoded as JSON). */
  text(s: string): void {
    this.ensure(s.length * 3);
    this.length += encoder.encodeInto(s, this.bytes.subarray(this.length)).written;
  }

  /**
   * `s` as JSON.stringify writes it. Printable ASCII without `"` or `\` (all but a few
   * values) is stored a byte per character; anything else starts this value again by
   * JSON.stringify, which knows every escape and lone surrogate.
   */
  string(s: string): void {
    const n = s.length;
    this.ensure(n + 2);
    const b = this.bytes;
    const start = this.length;
    let p = start;
    b[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) {
        this.length = start;
        this.text(JSON.stringify(s));
        return;
      }
      b[p++] = c;
    }
    b[p++] = QUOTE;
    this.length = p;
  }

  /**
   * The ASCII bytes src[start, start + n) as a JSON string: the raw line copied from the
   * bytes it was read from instead of read again character by character from its string.
   * `s` is the same text as a string, for the rare line that needs escapes.
   */
  asciiString(src: Uint8Array, start: number, n: number, s: string): void {
    this.ensure(n + 2);
    const b = this.bytes;
    const from = this.length;
    b[from] = QUOTE;
    // Copied whole (a memcpy), then checked: ~20% faster per line than a loop that tests and stores.
    b.set(src.subarray(start, start + n), from + 1);
    let bad = 0;
    const end = start + n;
    for (let i = start; i < end; i++) bad |= ESCAPED[src[i]];
    if (bad !== 0) {
      this.string(s);
      return;
    }
    b[from + n + 1] = QUOTE;
    this.length = from + n + 2;
  }

  /** A number as JS prints it (`${v}`): integers digit by digit, anything else by String(). */
  number(v: number): void {
    if (v >= 0 && v <= 0xffffffff && v === Math.floor(v)) {
      this.ensure(10);
      const b = this.bytes;
      let u = v >>> 0;
      let digits = 1;
      for (let t = u; t >= 10; t = (t / 10) >>> 0) digits++;
      let p = this.length + digits;
      this.length = p;
      do {
        const q = (u / 10) >>> 0;
        b[--p] = 48 + u - q * 10;
        u = q;
      } while (u !== 0);
      return;
    }
    this.text(String(v));
  }

  /** A list of strings as JSON.stringify writes it. */
  stringList(v: readonly string[]): void {
    this.byte(91); // [
    for (let i = 0; i < v.length; i++) {
      if (i > 0) this.byte(44); // ,
      this.string(v[i]);
    }
    this.byte(93); // ]
  }

  /**
   * `yyyy-MM-dd HH:mm:ss.SSS` (UTC) in quotes, as formatTimestamp writes it: the date's text
   * is kept for the last day seen, the time of day written digit by digit (a Date and
   * its ISO string per new second cost ~0.5 s per 1M lines, most of them a second apart).
   */
  timestamp(ms: number): void {
    const whole = Math.floor(ms);
    const day = Math.floor(whole / 86_400_000);
    if (day !== this.lastDay) {
      this.dayText = encoder.encode(`"${new Date(day * 86_400_000).toISOString().slice(0, 10)} `);
      this.lastDay = day;
    }
    const head = this.dayText;
    this.ensure(head.length + 13);
    const b = this.bytes;
    let p = this.length;
    for (let i = 0; i < head.length; i++) b[p++] = head[i];
    let t = whole - day * 86_400_000; // ms into the day
    const h = Math.floor(t / 3_600_000);
    t -= h * 3_600_000;
    const m = Math.floor(t / 60_000);
    t -= m * 60_000;
    const sec = Math.floor(t / 1000);
    const frac = t - sec * 1000;
    b[p++] = 48 + Math.floor(h / 10);
    b[p++] = 48 + (h % 10);
    b[p++] = 58; // :
    b[p++] = 48 + Math.floor(m / 10);
    b[p++] = 48 + (m % 10);
    b[p++] = 58;
    b[p++] = 48 + Math.floor(sec / 10);
    b[p++] = 48 + (sec % 10);
    b[p++] = 46; // .
    b[p++] = 48 + Math.floor(frac / 100);
    b[p++] = 48 + (Math.floor(frac / 10) % 10);
    b[p++] = 48 + (frac % 10);
    b[p++] = QUOTE;
    this.length = p;
  }

  private lastDay = Number.NaN;
  private dayText = new Uint8Array(0);
}

/** Writes one record as one JSON line and its newline; `rawBytes` as RecordSink.add describes. */
export type JsonLineWriter = (
  out: JsonBytes,
  r: FirewallRecord,
  rawBytes: Uint8Array | null,
  rawStart: number,
) => void;

/**
 * `(o, r, rb, rs) => { o.ensure(0); o.key(k[0]); o.timestamp(r.ts); v = r.host; if (v !== null) { o.key(k[1]); o.string(v); } ... o.key(END); }`,
 * generated from COLUMNS in their order, as encodeJsonLine writes them: each field read by
 * name (a loop over names makes every read a slow keyed lookup), nulls skipped, and the
 * writer chosen by the column's type instead of by testing each value. Keys and the line's
 * end (`}` and newline) are written without room checks: each follows the line's start or
 * a value, and every ensure() leaves KEY_ROOM.
 */
function compileWriter(): JsonLineWriter {
  const keys: Uint8Array[] = [];
  const body = COLUMNS.map((c, i) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(c.name)) throw new Error(`column name ${c.name} is not an identifier`);
    keys.push(encoder.encode(i === 0 ? `{${JSON.stringify(c.name)}:` : `,${JSON.stringify(c.name)}:`));
    if (keys[i].length > KEY_ROOM) throw new Error(`column name ${c.name} is too long for KEY_ROOM`);
    const k = `k[${i}]`;
    switch (c.type) {
      case 'timestamp':
        if (i !== 0) throw new Error('the timestamp column must come first (encodeJsonLine writes it first)');
        return `o.key(${k}); o.timestamp(r.${c.name});`;
      case 'string':
        if (c.name === 'raw')
          return `v = r.raw; if (v !== null) { o.key(${k}); if (rb !== null) o.asciiString(rb, rs, v.length, v); else o.string(v); }`;
        return `v = r.${c.name}; if (v !== null) { o.key(${k}); o.string(v); }`;
      case 'int':
      case 'bigint':
      case 'double':
        return `v = r.${c.name}; if (v !== null) { o.key(${k}); o.number(v); }`;
      case 'boolean':
        return `v = r.${c.name}; if (v !== null) { o.key(${k}); o.text(v ? 'true' : 'false'); }`;
      case 'array<string>':
        return `v = r.${c.name}; if (v !== null) { o.key(${k}); o.stringList(v); }`;
    }
    throw new Error(`column ${c.name} has a type the JSON writer does not know: ${c.type}`);
  }).join('\n');
  return new Function(
    'k',
    'END',
    `return function writeJsonLine(o, r, rb, rs) {\nlet v;\no.ensure(0);\n${body}\no.key(END);\n}`,
  )(keys, LINE_END) as JsonLineWriter;
}

export const writeJsonLine: JsonLineWriter = compileWriter();
