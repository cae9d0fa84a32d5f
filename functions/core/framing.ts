/**
 * Line framing: the syslog / journal header in front of a netfilter message.
 *
 * A netfilter kernel log line is `<header><rule prefix>IN=... OUT=... ...`. The caller
 * finds `nfStart` (the `IN=`) itself; this module parses the header in front of it and
 * reports where the rule's log prefix begins. Pure TypeScript, no I/O, no dependencies.
 *
 * Headers recognised (times are UTC unless the stamp carries an offset):
 *   Sep 17 22:26:23 host kernel: ...                   RFC 3164 / journalctl short
 *   Sep 17 22:26:23.123456 host kernel: ...            journalctl short-precise
 *   2026-11-20T00:00:00+0000 host kernel: ...          journalctl short-iso
 *   2026-11-20T00:00:00.123456+00:00 host kernel: ...  short-iso-precise, rsyslog RFC 3339
 *   1700000000.123456 host kernel: ...                 journalctl short-unix
 *   <4>Sep 17 22:26:23 host kernel: ...                any of the above behind a <PRI>
 *   <4>1 2026-11-20T00:00:00.123Z host kernel - - - .. RFC 5424
 *   [12345.678901] ...                                 dmesg, journalctl short-monotonic
 *   ... kernel: [12345.678901] ...                     kernel uptime stamp after the tag
 *   kern.log:12:Sep 17 ...                             leading grep junk (file name, line number)
 *
 * Speed matters (this runs on every line of multi-GB inputs), so the hot path is a
 * hand-written scanner: no regular expressions, and no allocation except the host substring,
 * which is reused while consecutive lines share a host (V8 may also box the tsMs double). When
 * the caller has the line's bytes (ingest always does), the usual `Mmm dd hh:mm:ss host kernel: `
 * is read from them in one function (usualHeader); every other header, and every line given
 * without its bytes, goes through the general scanner over charCodeAt, where the usual
 * `host kernel: ` run is matched against the previous line's in one native indexOf. The day's
 * epoch is cached either way, since consecutive lines share it.
 */
import { StringCache } from './string-cache.ts';

/** Reused output object (the caller allocates one and passes it on every call, to avoid per-line allocation). */
export class Header {
  /** Wall-clock time of the line, epoch ms UTC; null if the header carries none. */
  tsMs: number | null = null;
  /** Host name from the header, or null. */
  host: string | null = null;
  /** The host's symbol when it came from the hosts cache, else -1 (see line-symbols.ts). */
  hostSymbol = -1;
  /** Kernel uptime seconds from a `[12345.678901]` stamp, or null. */
  uptime: number | null = null;
  /** Index in `line` where the rule prefix starts (= end of header); <= nfStart. */
  prefixStart = 0;
}

const SP = 32;
const TAB = 9;
const COLON = 58;
const DOT = 46;
const LBRACKET = 91;
const RBRACKET = 93;
const BOM = 0xfeff;

const NONE = 0;
const OK = 1;
const ERR = 2;

const MS_PER_DAY = 86_400_000;

// Scratch results of the sub-parsers (module-level, so the hot path allocates nothing).
let errText = '';
let stampEnd = 0;
let stampMs = 0;
let upValue = 0;
let upEnd = 0;

// Host reuse: consecutive lines nearly always come from the same host.
let lastHost = '';
// Fast path for the common `host kernel: ` run: the exact text last matched (host, space, tag,
// space) and its host. Comparing it in one indexOf (native memcmp) is ~3x cheaper than scanning
// the word and comparing it char by char, which dominated the header's cost.
let lastHostTag = '';
// The line's bytes when the caller has them (one per character), and where the line starts in them.
let lineBytes: Uint8Array | null = null;
let lineOff = 0;
let lastHostTagHost = '';

// Reference-year cache (new Date() allocates, so only when the reference changes).
let cacheRef = Number.NaN;
let cacheRefYear = 0;

// RFC 3164 day cache for (month, day, reference): the start of the day in refYear, refYear - 1
// and refYear + 1, and, when the same candidate wins at every time of that day, its start.
let cacheMonth = -1;
let cacheDay = -1;
let cacheRefMs = Number.NaN;
let cacheD0 = Number.NaN;
let cacheD1 = Number.NaN;
let cacheD2 = Number.NaN;
let cacheWholeDay = Number.NaN;

// ISO day cache: start of (year, month, day).
let isoY = -1;
let isoM = -1;
let isoD = -1;
let isoDay = 0;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 1) return isLeap(y) ? 29 : 28;
  return m === 3 || m === 5 || m === 8 || m === 10 ? 30 : 31;
}

/** Epoch ms of 00:00 UTC of y-m-d (m 0-11), or NaN when the day does not exist. */
function dayStart(y: number, m: number, d: number): number {
  if (d < 1 || d > daysInMonth(y, m)) return Number.NaN;
  return Date.UTC(y, m, d);
}

function refYear(referenceMs: number): number {
  if (referenceMs !== cacheRef) {
    cacheRef = referenceMs;
    cacheRefYear = new Date(referenceMs).getUTCFullYear();
  }
  return cacheRefYear;
}

/** Of three candidate day starts (NaN = impossible), the one that puts `tod` closest to ref. */
function closest(d0: number, d1: number, d2: number, tod: number, referenceMs: number): number {
  let best = Number.NaN;
  let bestDist = Number.POSITIVE_INFINITY;
  // d0 (the reference year) first, so it wins a tie. NaN distances never compare less.
  let dist = Math.abs(d0 + tod - referenceMs);
  if (dist < bestDist) {
    best = d0 + tod;
    bestDist = dist;
  }
  dist = Math.abs(d1 + tod - referenceMs);
  if (dist < bestDist) {
    best = d1 + tod;
    bestDist = dist;
  }
  dist = Math.abs(d2 + tod - referenceMs);
  if (dist < bestDist) best = d2 + tod;
  return best;
}

/**
 * Year inference for RFC 3164 stamps, which have no year: returns the epoch ms of the given
 * month (0-11)/day/h/m/s/ms in the year (reference year -1, 0 or +1) that puts it closest to
 * referenceMs. So a Dec 31 line read with a Jan 2 reference lands in the previous year, and a
 * Jan 1 line read with a Dec 31 reference lands in the next. Returns NaN for an impossible date
 * (Feb 30, Feb 29 when no candidate year is leap, hour 25, ...). On an exact tie the reference
 * year wins.
 */
export function inferYear(
  month: number,
  day: number,
  h: number,
  m: number,
  s: number,
  ms: number,
  referenceMs: number,
): number {
  if (
    !Number.isInteger(month) ||
    month < 0 ||
    month > 11 ||
    !Number.isInteger(day) ||
    !(h >= 0 && h < 24) ||
    !(m >= 0 && m < 60) ||
    !(s >= 0 && s < 60) ||
    !(ms >= 0 && ms < 1000) ||
    !Number.isFinite(referenceMs)
  ) {
    return Number.NaN;
  }
  const y = refYear(referenceMs);
  const tod = ((h * 60 + m) * 60 + s) * 1000 + ms;
  return closest(
    dayStart(y, month, day),
    dayStart(y - 1, month, day),
    dayStart(y + 1, month, day),
    tod,
    referenceMs,
  );
}

/** Month index 0-11 from three (case-insensitive) letters, or -1. */
function monthIndex(a: number, b: number, c: number): number {
  a |= 0x20;
  b |= 0x20;
  c |= 0x20;
  switch (a) {
    case 106: // j
      if (b === 97 && c === 110) return 0; // jan
      if (b === 117) return c === 110 ? 5 : c === 108 ? 6 : -1; // jun, jul
      return -1;
    case 102: // f
      return b === 101 && c === 98 ? 1 : -1; // feb
    case 109: // m
      if (b !== 97) return -1;
      return c === 114 ? 2 : c === 121 ? 4 : -1; // mar, may
    case 97: // a
      if (b === 112 && c === 114) return 3; // apr
      return b === 117 && c === 103 ? 7 : -1; // aug
    case 115: // s
      return b === 101 && c === 112 ? 8 : -1; // sep
    case 111: // o
      return b === 99 && c === 116 ? 9 : -1; // oct
    case 110: // n
      return b === 111 && c === 118 ? 10 : -1; // nov
    case 100: // d
      return b === 101 && c === 99 ? 11 : -1; // dec
    default:
      return -1;
  }
}

function isLetter(c: number): boolean {
  c |= 0x20;
  return c >= 97 && c <= 122;
}

/** Two decimal digits at i as a number, or -1. */
function two(line: string, i: number): number {
  const a = line.charCodeAt(i) - 48;
  const b = line.charCodeAt(i + 1) - 48;
  if (!(a >= 0 && a <= 9) || !(b >= 0 && b <= 9)) return -1;
  return a * 10 + b;
}

/**
 * A fraction of a second at i (just after the dot): 1-9 digits, kept to millisecond
 * precision (the rest is truncated). Sets stampEnd; returns the ms or -1 when there are no digits.
 */
function fraction(line: string, i: number): number {
  let ms = 0;
  let n = 0;
  for (;;) {
    const d = line.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9) || n === 9) break;
    if (n < 3) ms = ms * 10 + d;
    n++;
    i++;
  }
  if (n === 0) return -1;
  if (n === 1) ms *= 100;
  else if (n === 2) ms *= 10;
  stampEnd = i;
  return ms;
}

function invalid(line: string, from: number, to: number): number {
  errText = `invalid date "${line.slice(from, to)}"`;
  return ERR;
}

/** The stamp must end at a space or exactly at the header's end. */
function stampEnds(line: string, i: number, end: number): boolean {
  return i >= end || line.charCodeAt(i) === SP;
}

/**
 * RFC 3164 `Mmm dd hh:mm:ss[.frac]` at p (day may be space-padded or a single digit).
 * Sets stampMs/stampEnd on OK; NONE when the shape does not match; ERR when it matches but
 * the date is impossible (including an unknown month name in an otherwise valid stamp).
 */
function stamp3164(line: string, p: number, end: number, referenceMs: number): number {
  const c0 = line.charCodeAt(p);
  const c1 = line.charCodeAt(p + 1);
  const c2 = line.charCodeAt(p + 2);
  if (!isLetter(c1) || !isLetter(c2) || line.charCodeAt(p + 3) !== SP) return NONE;
  let i = p + 4;
  let day: number;
  let d = line.charCodeAt(i) - 48;
  if (d === SP - 48) {
    day = line.charCodeAt(i + 1) - 48;
    if (!(day >= 0 && day <= 9)) return NONE;
    i += 2;
  } else {
    if (!(d >= 0 && d <= 9)) return NONE;
    day = d;
    d = line.charCodeAt(i + 1) - 48;
    if (d >= 0 && d <= 9) {
      day = day * 10 + d;
      i += 2;
    } else {
      i += 1;
    }
  }
  if (line.charCodeAt(i) !== SP) return NONE;
  i++;
  const h = two(line, i);
  const m = two(line, i + 3);
  const s = two(line, i + 6);
  if (h < 0 || m < 0 || s < 0 || line.charCodeAt(i + 2) !== COLON || line.charCodeAt(i + 5) !== COLON) {
    return NONE;
  }
  i += 8;
  let ms = 0;
  if (line.charCodeAt(i) === DOT) {
    ms = fraction(line, i + 1);
    if (ms < 0) return NONE;
    i = stampEnd;
  }
  if (!stampEnds(line, i, end)) return NONE;
  const month = monthIndex(c0, c1, c2);
  if (month < 0 || h > 23 || m > 59 || s > 59 || day < 1 || day > 31) return invalid(line, p, i);
  const t = place3164(month, day, ((h * 60 + m) * 60 + s) * 1000 + ms, referenceMs);
  if (Number.isNaN(t)) return invalid(line, p, i);
  stampMs = t;
  stampEnd = i;
  return OK;
}

/**
 * Epoch ms of a year-less stamp (month 0-11, day, time of day in ms): in whichever of the
 * reference's year and the years around it puts it nearest the reference; NaN when that day
 * exists in none of them (Feb 29 far from a leap year).
 */
function place3164(month: number, day: number, tod: number, referenceMs: number): number {
  if (month !== cacheMonth || day !== cacheDay || referenceMs !== cacheRefMs) {
    const y = refYear(referenceMs);
    cacheMonth = month;
    cacheDay = day;
    cacheRefMs = referenceMs;
    cacheD0 = dayStart(y, month, day);
    cacheD1 = dayStart(y - 1, month, day);
    cacheD2 = dayStart(y + 1, month, day);
    // Each pairwise comparison flips at most once as the time of day grows, so a candidate that
    // wins at both ends of the day wins all day.
    const first = closest(cacheD0, cacheD1, cacheD2, 0, referenceMs);
    const last = closest(cacheD0, cacheD1, cacheD2, MS_PER_DAY - 1, referenceMs);
    cacheWholeDay = last - first === MS_PER_DAY - 1 ? first : Number.NaN;
  }
  const whole = cacheWholeDay;
  return Number.isNaN(whole) ? closest(cacheD0, cacheD1, cacheD2, tod, referenceMs) : whole + tod;
}

/**
 * ISO 8601 / RFC 3339 `YYYY-MM-DDThh:mm:ss[.frac][Z|+hh:mm|+hhmm|+hh]` at p ('T', 't' or a
 * space between date and time; no offset means UTC). Same result convention as stamp3164.
 */
function stampIso(line: string, p: number, end: number): number {
  const y1 = two(line, p);
  const y2 = two(line, p + 2);
  const mo = two(line, p + 5);
  const d = two(line, p + 8);
  const sep = line.charCodeAt(p + 10);
  const h = two(line, p + 11);
  const m = two(line, p + 14);
  const s = two(line, p + 17);
  if (
    y1 < 0 ||
    y2 < 0 ||
    mo < 0 ||
    d < 0 ||
    h < 0 ||
    m < 0 ||
    s < 0 ||
    line.charCodeAt(p + 4) !== 45 ||
    line.charCodeAt(p + 7) !== 45 ||
    (sep !== 84 && sep !== 116 && sep !== SP) ||
    line.charCodeAt(p + 13) !== COLON ||
    line.charCodeAt(p + 16) !== COLON
  ) {
    return NONE;
  }
  let i = p + 19;
  let ms = 0;
  if (line.charCodeAt(i) === DOT) {
    ms = fraction(line, i + 1);
    if (ms < 0) return NONE;
    i = stampEnd;
  }
  let offMin = 0;
  const c = line.charCodeAt(i);
  if (c === 90 || c === 122) {
    i++; // Z
  } else if (c === 43 || c === 45) {
    const oh = two(line, i + 1);
    if (oh < 0) return NONE;
    let om = 0;
    i += 3;
    if (line.charCodeAt(i) === COLON) {
      om = two(line, i + 1);
      if (om < 0) return NONE;
      i += 3;
    } else if (line.charCodeAt(i) - 48 <= 9 && line.charCodeAt(i) >= 48) {
      om = two(line, i);
      if (om < 0) return NONE;
      i += 2;
    }
    if (oh > 23 || om > 59) return invalid(line, p, i);
    offMin = oh * 60 + om;
    if (c === 45) offMin = -offMin;
  }
  if (!stampEnds(line, i, end)) return NONE;
  const year = y1 * 100 + y2;
  if (mo < 1 || mo > 12 || h > 23 || m > 59 || s > 59) return invalid(line, p, i);
  if (year !== isoY || mo !== isoM || d !== isoD) {
    const start = dayStart(year, mo - 1, d);
    if (Number.isNaN(start)) return invalid(line, p, i);
    isoY = year;
    isoM = mo;
    isoD = d;
    isoDay = start;
  }
  stampMs = isoDay + ((h * 60 + m) * 60 + s) * 1000 + ms - offMin * 60_000;
  stampEnd = i;
  return OK;
}

/**
 * journalctl short-unix `1700000000.123456` at p: 9-12 integer digits (so a stray number
 * in a bare message is not taken for a time), a dot and 1-9 fraction digits.
 */
function stampUnix(line: string, p: number, end: number): number {
  let i = p;
  let sec = 0;
  for (;;) {
    const d = line.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) break;
    sec = sec * 10 + d;
    i++;
  }
  const n = i - p;
  if (n < 9 || n > 12 || line.charCodeAt(i) !== DOT) return NONE;
  const ms = fraction(line, i + 1);
  if (ms < 0 || !stampEnds(line, stampEnd, end)) return NONE;
  stampMs = sec * 1000 + ms;
  return OK;
}

/**
 * Kernel uptime stamp `[12345.678901]` (spaces allowed after the `[`) at p.
 * Sets upValue and upEnd (index after the `]`).
 */
function uptimeAt(line: string, p: number, end: number): boolean {
  let i = p + 1;
  while (line.charCodeAt(i) === SP) i++;
  const intStart = i;
  let v = 0;
  for (;;) {
    const d = line.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) break;
    v = v * 10 + d;
    i++;
  }
  if (i === intStart || line.charCodeAt(i) !== DOT) return false;
  const fracStart = ++i;
  let scale = 1;
  for (;;) {
    const d = line.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) break;
    v = v * 10 + d;
    scale *= 10;
    i++;
  }
  if (i === fracStart || line.charCodeAt(i) !== RBRACKET || i >= end) return false;
  // (int * 10^k + frac) / 10^k is correctly rounded, i.e. equals parseFloat, while it stays exact.
  upValue = i - intStart <= 16 ? v / scale : Number.parseFloat(line.slice(intStart, i));
  upEnd = i + 1;
  return true;
}

/** If a `kernel:` or `kernel[digits]:` tag starts at i, the index after it (and one space), else -1. */
function tagEnd(line: string, i: number, end: number): number {
  if (
    line.charCodeAt(i) !== 107 || // k
    line.charCodeAt(i + 1) !== 101 || // e
    line.charCodeAt(i + 2) !== 114 || // r
    line.charCodeAt(i + 3) !== 110 || // n
    line.charCodeAt(i + 4) !== 101 || // e
    line.charCodeAt(i + 5) !== 108 // l
  ) {
    return -1;
  }
  let j = i + 6;
  if (line.charCodeAt(j) === LBRACKET) {
    const digits = ++j;
    while (line.charCodeAt(j) - 48 <= 9 && line.charCodeAt(j) >= 48) j++;
    if (j === digits || line.charCodeAt(j) !== RBRACKET) return -1;
    j++;
  }
  if (j >= end || line.charCodeAt(j) !== COLON) return -1;
  j++;
  if (j < end && line.charCodeAt(j) === SP) j++;
  return j;
}

function hostAt(line: string, a: number, b: number): string {
  const h = lastHost;
  if (h.length === b - a && line.startsWith(h, a)) return h;
  lastHost = line.slice(a, b);
  return lastHost;
}

/**
 * The part after the time stamp: `[host] [kernel: ]` then an optional uptime stamp.
 * i is just past the space that follows the stamp.
 *
 * With a `kernel:` / `kernel[n]:` tag the host is simply the word before it (any characters).
 * Without one (relays that drop the tag) the host is a guess: the first word is taken as the
 * host when it is followed by a space before nfStart and looks like a host name (only letters,
 * digits, `.`, `-`, `_`). That is ambiguous: `Sep 17 22:26:23 fw1 IN=...` and
 * `Sep 17 22:26:23 DROP IN=...` look the same, and both yield a host (`fw1`, `DROP`) with an
 * empty prefix; likewise `... fw1 DROP IN=` gives host `fw1` and prefix `DROP `. Prefixes that
 * end in `:` (`filter/INPUT:`), contain `/`, or start with `[` are never taken for a host.
 * `guessHost` is false after an uptime-led stamp (dmesg / short-monotonic): there a host is only
 * recognised in front of the `kernel:` tag, since dmesg lines carry no host at all.
 */
function afterStamp(line: string, i: number, end: number, out: Header, guessHost: boolean): void {
  const hb = lineBytes;
  if (hb !== null) {
    // The common `host kernel: ` read from the line's bytes, the host looked up among recent ones.
    const bi = i + lineOff;
    const bend = end + lineOff;
    let j = bi;
    while (j < bend && hb[j] !== SP) j++;
    if (j > bi && j + 9 <= bend && isKernelTag(hb, j + 1)) {
      out.host = hosts.internBytes(hb, bi, j, line, i);
      out.hostSymbol = hosts.lastSymbol;
      i = j + 9 - lineOff;
      out.prefixStart = guessHost ? afterUptime(line, i, end, out) : i;
      return;
    }
  }
  const ht = lastHostTag;
  const n = ht.length;
  if (
    n !== 0 &&
    i + n <= end &&
    line.charCodeAt(i) === ht.charCodeAt(0) &&
    line.charCodeAt(i + n - 2) === COLON &&
    line.indexOf(ht, i) === i
  ) {
    // Same `host kernel: ` as a recent line: exactly what hostAndTag would find.
    out.host = lastHostTagHost;
    out.hostSymbol = -1;
    i += n;
  } else {
    i = hostAndTag(line, i, end, out, guessHost);
  }
  out.prefixStart = guessHost ? afterUptime(line, i, end, out) : i;
}

/** Past the uptime stamp (`[ 1234.567890]`, into out.uptime) and its space, when one is at i; else i. */
function afterUptime(line: string, i: number, end: number, out: Header): number {
  if (i < end && line.charCodeAt(i) === LBRACKET && uptimeAt(line, i, end)) {
    out.uptime = upValue;
    i = upEnd;
    if (i < end && line.charCodeAt(i) === SP) i++;
  }
  return i;
}

/**
 * The header nearly every line has, `Mmm dd hh:mm:ss host kernel: ` at the start of the line,
 * read from its bytes in one pass: true with `out` filled exactly as headerAt would fill it, or
 * false, having changed nothing in `out`, for anything else (a fraction of a second, another
 * stamp, a day of one digit, no `kernel:` tag, an impossible date), which headerAt then reads.
 * Why: read through headerAt, stamp3164 and afterStamp this header was ~20% of parsing a line
 * (parse-only with no header parsed at all ran ~25% faster); this path made parse-only ~3.5%
 * faster and `fwlake ingest` ~2% (alternated runs, 1M lines). test/core/framing.test.ts reads
 * every header it tests both ways, and thousands near this shape, and requires the same result.
 * q is where the line starts in `b`; end as in headerAt.
 */
function usualHeader(
  b: Uint8Array,
  q: number,
  line: string,
  end: number,
  referenceMs: number,
  out: Header,
): boolean {
  const qe = q + end;
  // Room for the stamp, a space and a host; then the fixed places of `Mmm dd hh:mm:ss ` (no fraction).
  if (q + 17 > qe) return false;
  if (b[q + 3] !== SP || b[q + 6] !== SP || b[q + 9] !== COLON || b[q + 12] !== COLON || b[q + 15] !== SP)
    return false;
  const month = monthIndex(b[q], b[q + 1], b[q + 2]);
  const day = b[q + 4] === SP ? oneDigit(b[q + 5]) : twoDigits(b, q + 4);
  const h = twoDigits(b, q + 7);
  const m = twoDigits(b, q + 10);
  const s = twoDigits(b, q + 13);
  if (month < 0 || day < 1 || day > 31 || h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59) return false;
  let j = q + 16;
  while (j < qe && b[j] !== SP) j++;
  if (j === q + 16 || j + 9 > qe || !isKernelTag(b, j + 1)) return false;
  const t = place3164(month, day, ((h * 60 + m) * 60 + s) * 1000, referenceMs);
  if (Number.isNaN(t)) return false;
  out.tsMs = t;
  out.host = hosts.internBytes(b, q + 16, j, line, 16);
  out.hostSymbol = hosts.lastSymbol;
  out.uptime = null;
  out.prefixStart = afterUptime(line, j + 9 - q, end, out);
  return true;
}

/** An ASCII digit's value, or -1. */
function oneDigit(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : -1;
}

/** Two ASCII digits at b[i] as a number, or -1. */
function twoDigits(b: Uint8Array, i: number): number {
  const x = b[i] - 48;
  const y = b[i + 1] - 48;
  return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : -1;
}

/** `kernel: ` at bytes[j]. */
function isKernelTag(b: Uint8Array, j: number): boolean {
  return (
    b[j] === 107 &&
    b[j + 1] === 101 &&
    b[j + 2] === 114 &&
    b[j + 3] === 110 &&
    b[j + 4] === 101 &&
    b[j + 5] === 108 &&
    b[j + 6] === COLON &&
    b[j + 7] === SP
  );
}

/** Hosts seen recently: a log interleaves a few firewalls, so most lines need no new string. */
const hosts = new StringCache<never>(10, 64);

/** The general case of afterStamp: host and tag from i; returns the index after them. */
function hostAndTag(line: string, i: number, end: number, out: Header, guessHost: boolean): number {
  const t = tagEnd(line, i, end);
  if (t >= 0) {
    i = t;
  } else {
    let e = i;
    let hostLike = true;
    for (; e < end; e++) {
      const c = line.charCodeAt(e);
      if (c === SP) break;
      if (
        !(
          (c >= 97 && c <= 122) ||
          (c >= 65 && c <= 90) ||
          (c >= 48 && c <= 57) ||
          c === 46 ||
          c === 45 ||
          c === 95
        )
      ) {
        hostLike = false;
      }
    }
    if (e < end && e > i) {
      const t2 = tagEnd(line, e + 1, end);
      if (t2 >= 0) {
        const host = hostAt(line, i, e);
        out.host = host;
        out.hostSymbol = -1;
        // Remember the run for the fast path, but only when it ends in the space after the tag
        // (else a later line with that space would be split differently).
        if (line.charCodeAt(t2 - 1) === SP) {
          lastHostTag = line.slice(i, t2);
          lastHostTagHost = host;
        }
        i = t2;
      } else if (guessHost && hostLike) {
        out.host = hostAt(line, i, e);
        out.hostSymbol = -1;
        i = e + 1;
      }
    }
  }
  return i;
}

/** Index after the space-terminated word at i (at the space), or -1 if it runs into end. */
function wordEnd(line: string, i: number, end: number): number {
  while (i < end) {
    if (line.charCodeAt(i) === SP) return i;
    i++;
  }
  return -1;
}

/**
 * RFC 5424 after `<PRI>VERSION `: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG].
 * Any field may be `-` (nil); STRUCTURED-DATA is `-` or `[...]` elements whose quoted values may
 * escape `"`, `\` and `]` with a backslash. A BOM at the start of MSG is skipped.
 */
function header5424(line: string, i: number, end: number, out: Header): number {
  if (line.charCodeAt(i) === 45 && line.charCodeAt(i + 1) === SP) {
    i += 2; // nil timestamp
  } else {
    const r = stampIso(line, i, end);
    if (r !== OK) return r;
    out.tsMs = stampMs;
    i = stampEnd + 1;
  }
  let e = wordEnd(line, i, end);
  if (e < 0) return NONE;
  if (!(e === i + 1 && line.charCodeAt(i) === 45)) out.host = hostAt(line, i, e);
  for (let f = 0; f < 3; f++) {
    e = wordEnd(line, e + 1, end);
    if (e < 0) return NONE;
  }
  i = e + 1;
  const c = line.charCodeAt(i);
  if (c === 45) {
    i++;
  } else if (c === LBRACKET) {
    while (i < end && line.charCodeAt(i) === LBRACKET) {
      let quoted = false;
      for (i++; ; i++) {
        if (i >= end) return NONE;
        const ch = line.charCodeAt(i);
        if (ch === 92)
          i++; // backslash escape
        else if (ch === 34) quoted = !quoted;
        else if (ch === RBRACKET && !quoted) break;
      }
      i++;
    }
  } else {
    return NONE;
  }
  if (i < end) {
    if (line.charCodeAt(i) !== SP) return NONE;
    i++;
    if (line.charCodeAt(i) === BOM) i++;
  }
  out.prefixStart = Math.min(afterUptime(line, i, end, out), end);
  return OK;
}

/** Tries every header format at p. OK (out filled), NONE, or ERR (errText set). */
function headerAt(line: string, p: number, end: number, referenceMs: number, out: Header): number {
  out.tsMs = null;
  out.host = null;
  out.hostSymbol = -1;
  out.uptime = null;
  let c = line.charCodeAt(p);
  let priEnd = -1;
  if (c === 60) {
    // <PRI>: 1-3 digits
    let i = p + 1;
    while (line.charCodeAt(i) - 48 <= 9 && line.charCodeAt(i) >= 48 && i - p <= 3) i++;
    if (i === p + 1 || line.charCodeAt(i) !== 62 || i >= end) return NONE;
    p = priEnd = i + 1;
    c = line.charCodeAt(p);
    if (c >= 49 && c <= 57 && line.charCodeAt(p + 1) === SP) {
      const r = header5424(line, p + 2, end, out);
      if (r !== NONE) return r;
      out.tsMs = null;
      out.host = null;
      out.hostSymbol = -1;
      out.uptime = null;
    }
  }
  let r = NONE;
  if (c >= 48 && c <= 57) {
    r = line.charCodeAt(p + 4) === 45 ? stampIso(line, p, end) : stampUnix(line, p, end);
  } else if (c === LBRACKET) {
    if (uptimeAt(line, p, end)) {
      out.uptime = upValue;
      let i = upEnd;
      if (i < end && line.charCodeAt(i) === SP) i++;
      afterStamp(line, i, end, out, false);
      return OK;
    }
  } else if (isLetter(c)) {
    r = stamp3164(line, p, end, referenceMs);
  }
  if (r === OK) {
    out.tsMs = stampMs;
    const i = stampEnd;
    afterStamp(line, i < end ? i + 1 : end, end, out, true);
    return OK;
  }
  if (r === ERR) return ERR;
  if (priEnd >= 0) {
    // A bare <PRI> (dmesg -r --notime, /dev/kmsg relays) is still a header.
    out.prefixStart = priEnd;
    return OK;
  }
  return NONE;
}

/**
 * Parses the header of `line` (everything before nfStart). Returns null on success, or a short
 * human-readable error reason (e.g. 'invalid date "Feb 30 10:00:00"') when a timestamp is present
 * but impossible; `out` is then not meaningful. Unknown/absent headers are NOT errors: tsMs=null,
 * host=null, prefixStart=start of text (after a BOM).
 *
 * Leading grep junk (`kern.log:`, `/var/log/kern.log.1:`, `kern.log:1234:`) is skipped: when no
 * header parses at the start, a header is tried after each of the first 3 colons, but only while
 * no space has been seen, so the colons of a time (`22:26:23`, always after a space) or of a rule
 * prefix (`filter/INPUT: IN=`) are never taken for the junk separator.
 *
 * `bytes`, when given, hold the line's characters one per byte from `byteStart` (an ASCII line's
 * UTF-8): the usual header, or else the host, is then read from them, which is faster. Same
 * result either way (test/core/framing.test.ts reads every header it tests both ways).
 */
export function parseSyslogHeader(
  line: string,
  nfStart: number,
  referenceMs: number,
  out: Header,
  bytes: Uint8Array | null = null,
  byteStart = 0,
): string | null {
  lineBytes = bytes;
  lineOff = byteStart;
  let end = nfStart;
  if (!(end >= 0) || end > line.length) end = line.length;
  const p = line.charCodeAt(0) === BOM ? 1 : 0;
  if (p === 0 && bytes !== null && usualHeader(bytes, byteStart, line, end, referenceMs, out)) return null;
  if (p < end) {
    let r = headerAt(line, p, end, referenceMs, out);
    if (r === OK) return null;
    if (r === ERR) return errText;
    let colons = 0;
    for (let i = p; i < end; i++) {
      const c = line.charCodeAt(i);
      if (c === COLON) {
        r = headerAt(line, i + 1, end, referenceMs, out);
        if (r === OK) return null;
        if (r === ERR) return errText;
        if (++colons === 3) break;
      } else if (c === SP || c === TAB) {
        break;
      }
    }
  }
  out.tsMs = null;
  out.host = null;
  out.hostSymbol = -1;
  out.uptime = null;
  out.prefixStart = Math.min(p, end);
  return null;
}

export interface JournalEntry {
  message: string;
  tsMs: number | null;
  host: string | null;
}

const utf8 = new TextDecoder('utf-8');

/**
 * Parses one `journalctl -o json` line. MESSAGE may be a string or an array of byte values
 * (journald does that for non-UTF-8 messages: decoded as UTF-8 with replacement characters).
 * A field that occurs several times in an entry is an array of values; the first is used.
 * Trailing CR/LF of MESSAGE are dropped. tsMs from __REALTIME_TIMESTAMP (a decimal string of
 * MICROseconds since epoch, truncated to ms), host from _HOSTNAME. Returns a string error
 * reason for invalid JSON / missing MESSAGE.
 */
export function parseJournalJson(line: string): JournalEntry | string {
  let v: unknown;
  try {
    v = JSON.parse(line.charCodeAt(0) === BOM ? line.slice(1) : line);
  } catch {
    return 'invalid JSON';
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'journal JSON is not an object';
  const o = v as Record<string, unknown>;
  let msg = o.MESSAGE;
  if (Array.isArray(msg) && msg.length > 0 && (typeof msg[0] === 'string' || Array.isArray(msg[0]))) {
    msg = msg[0];
  }
  let message: string;
  if (typeof msg === 'string') {
    message = msg;
  } else if (Array.isArray(msg)) {
    const bytes = new Uint8Array(msg.length);
    for (let i = 0; i < msg.length; i++) {
      const b = msg[i];
      if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255)
        return 'MESSAGE is not a byte array';
      bytes[i] = b;
    }
    message = utf8.decode(bytes);
  } else if (msg === undefined) {
    return 'missing MESSAGE';
  } else if (msg === null) {
    return 'MESSAGE is null (journalctl omits large fields; use --all)';
  } else {
    return 'MESSAGE is neither a string nor a byte array';
  }
  let n = message.length;
  while (n > 0 && (message.charCodeAt(n - 1) === 10 || message.charCodeAt(n - 1) === 13)) n--;
  if (n !== message.length) message = message.slice(0, n);

  let tsMs: number | null = null;
  const rt = first(o.__REALTIME_TIMESTAMP);
  if (typeof rt === 'string' && rt.length > 0 && rt.length <= 17) {
    let us = 0;
    let ok = true;
    for (let i = 0; i < rt.length; i++) {
      const d = rt.charCodeAt(i) - 48;
      if (!(d >= 0 && d <= 9)) {
        ok = false;
        break;
      }
      us = us * 10 + d;
    }
    if (ok) tsMs = Math.floor(us / 1000);
  } else if (typeof rt === 'number' && Number.isFinite(rt)) {
    tsMs = Math.floor(rt / 1000);
  }
  const h = first(o._HOSTNAME);
  return { message, tsMs, host: typeof h === 'string' && h.length > 0 ? h : null };
}

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}
