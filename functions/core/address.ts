/**
 * IP address validation and canonical text.
 *
 * The kernel prints IPv4 as a dotted quad (`%pI4`: `52.84.17.45`) and IPv6 in
 * full form (`%pI6`: `2001:0db8:0000:0000:0000:ff00:0042:8329`). Records keep
 * IPv4 as a plain dotted quad and IPv6 in RFC 5952 form
 * (`2001:db8::ff00:42:8329`), so the same address is always the same string.
 *
 * Both parsers scan char codes between two indexes of the line, with no regex,
 * split or intermediate strings; the only allocation is the result.
 */

/**
 * Validates a dotted-quad IPv4 in s[start, end): exactly 4 decimal parts of 1 to 3 ASCII digits, each 0-255, no
 * sign, no empty part. Returns the canonical text or null when invalid. Leading zeros are read as decimal (`01` is
 * 1, never octal) and dropped from the result (`010.001.0.1` gives `10.1.0.1`); otherwise, the usual case, the
 * result is the substring itself.
 */
export function ipv4At(s: string, start: number, end: number): string | null {
  if (start < 0 || end > s.length || end - start < 7 || end - start > 15) return null;
  if (!parseIPv4(s, start, end)) return null;
  if (!v4LeadingZero) return start === 0 && end === s.length ? s : s.slice(start, end);
  return dotted(v4Hi, v4Lo);
}

/**
 * Validates an IPv6 address in s[start, end) and returns its RFC 5952 canonical text, or null if invalid. Accepts
 * the kernel's full form (fast path) and any RFC 4291 text form: 1 to 4 hex digits per group in either case, one
 * `::` standing for one or more zero groups, the last 32 bits as an embedded dotted quad (read as ipv4At does).
 * Not accepted: zone ids (`fe80::1%eth0`), brackets, prefix lengths, surrounding spaces.
 *
 * Canonical text (RFC 5952 section 4): lowercase, no leading zeros, the longest run of two or more zero groups
 * written `::` (the first such run on a tie), a lone zero group written `0`. IPv4-mapped addresses (`::ffff:0:0/96`)
 * end in a dotted quad (section 5): `::ffff:1.2.3.4`. Other embeddings (IPv4-compatible `::a.b.c.d`, NAT64
 * `64:ff9b::/96`) are written in hex, as nothing in the address itself marks them reliably.
 */
export function ipv6At(s: string, start: number, end: number): string | null {
  if (start < 0 || end > s.length || end - start < 2 || end - start > 45) return null;
  if (!(end - start === 39 && fullForm(s, start)) && !anyForm(s, start, end)) return null;
  return format();
}

/** ipv4At over a whole string. */
export function canonicalIPv4(s: string): string | null {
  return ipv4At(s, 0, s.length);
}

/** ipv6At over a whole string. */
export function canonicalIPv6(s: string): string | null {
  return ipv6At(s, 0, s.length);
}

// ---------------------------------------------------------------------------
// IPv4

// Results of parseIPv4, in module variables so that nothing is allocated (a 32-bit
// value would not fit V8's small integers): the high and low 16 bits, and whether
// some part had a leading zero (so the text is not canonical).
let v4Hi = 0;
let v4Lo = 0;
let v4LeadingZero = false;

const v4Scratch = new Uint8Array(16);

/** Whether s[start, end) is a dotted quad; sets v4Hi, v4Lo and v4LeadingZero. */
function parseIPv4(s: string, start: number, end: number): boolean {
  const n = end - start;
  if (n > 15) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(start + i);
    if (c > 127) return false;
    v4Scratch[i] = c;
  }
  return scanIPv4(v4Scratch, 0, n) === n;
}

/**
 * Reads a dotted quad from s[start] up to the first character that is neither
 * a digit nor a dot (or `limit`), in one pass. Returns where it stopped, or -1
 * if what it read is not a dotted quad; sets v4Hi, v4Lo and v4LeadingZero.
 */
function scanIPv4(s: Uint8Array, start: number, limit: number): number {
  let hi = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  let zero = false;
  let i = start;
  for (; i < limit; i++) {
    const c = s[i];
    if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) zero = true;
      if (++digits > 3) return -1;
      part = part * 10 + (c - 48);
    } else if (c === 46) {
      if (digits === 0 || part > 255 || parts === 3) return -1;
      if (++parts === 2) {
        v4Hi = (hi << 8) | part;
        hi = 0;
      } else {
        hi = part;
      }
      part = 0;
      digits = 0;
    } else break;
  }
  if (digits === 0 || part > 255 || parts !== 3) return -1;
  v4Lo = (hi << 8) | part;
  v4LeadingZero = zero;
  return i;
}

/**
 * The dotted quad starting at bytes[start], ending at the first byte that is
 * not part of one (or limit): its end index, or -1 if it is not a valid one.
 * Its canonical text is then ipv4Text(s, start, end), s being the same text as a string.
 * For scanners that do not know where the value ends: it is found in the same
 * pass that checks it, over bytes (which V8 reads faster than string chars).
 */
export function ipv4Scan(bytes: Uint8Array, start: number, limit: number): number {
  return scanIPv4(bytes, start, limit);
}

/**
 * Recent IPv4 addresses' text, direct-mapped by the address. A firewall logs the same
 * sources and destinations over and over: a hit returns the same string object as last
 * time, which costs no allocation. A miss slices the text from the line as before (a slice
 * keeps its line alive while cached: at most 8,192 lines of a few hundred bytes).
 */
const V4_BITS = 13;
const v4Keys = new Int32Array(1 << V4_BITS);
const v4Texts: string[] = new Array<string>(1 << V4_BITS).fill('');

/** The canonical text of the dotted quad ipv4Scan just read at s[start, end). */
export function ipv4Text(s: string, start: number, end: number): string {
  const v = (v4Hi << 16) | v4Lo;
  const slot = Math.imul(v, 0x9e3779b1) >>> (32 - V4_BITS);
  const cached = v4Texts[slot];
  if (v4Keys[slot] === v && cached !== '') return cached;
  const text = v4LeadingZero ? dotted(v4Hi, v4Lo) : s.slice(start, end);
  v4Keys[slot] = v;
  v4Texts[slot] = text;
  return text;
}

/**
 * The value (0 .. 2^32 - 1) of the dotted quad ipv4Scan last read: its canonical text is
 * exactly that number's dotted quad, so the two stand for each other (see line-symbols.ts).
 */
export function ipv4Value(): number {
  return v4Hi * 65536 + v4Lo;
}

function dotted(hi: number, lo: number): string {
  return `${hi >>> 8}.${hi & 255}.${lo >>> 8}.${lo & 255}`;
}

// ---------------------------------------------------------------------------
// IPv6

/** The eight 16-bit groups of the address last parsed (one line is handled at a time). */
const groups = new Uint16Array(8);

/** Value of an ASCII hex digit (either case), or -1. A table beats the range tests by about a fifth here. */
function hex(c: number): number {
  return c < 128 ? HEX_VALUE[c] : -1;
}

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(d)] = d;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(d)] = d;
}

/** The kernel's form: exactly 8 groups of exactly 4 hex digits (39 chars from start). Fills `groups`. */
function fullForm(s: string, start: number): boolean {
  let i = start;
  for (let g = 0; g < 8; g++) {
    if (g > 0 && s.charCodeAt(i++) !== 58) return false;
    const a = hex(s.charCodeAt(i));
    const b = hex(s.charCodeAt(i + 1));
    const c = hex(s.charCodeAt(i + 2));
    const d = hex(s.charCodeAt(i + 3));
    if ((a | b | c | d) < 0) return false;
    groups[g] = (a << 12) | (b << 8) | (c << 4) | d;
    i += 4;
  }
  return true;
}

/** Any RFC 4291 text form of s[start, end). Fills `groups`. */
function anyForm(s: string, start: number, end: number): boolean {
  let n = 0; // groups read so far
  let gap = -1; // index in groups where `::` stands, or -1
  let i = start;
  if (s.charCodeAt(i) === 58) {
    // A leading colon must be half of `::`.
    if (s.charCodeAt(i + 1) !== 58) return false;
    gap = 0;
    i += 2;
  }
  while (i < end) {
    const begin = i;
    let v = 0;
    for (;;) {
      const h = hex(s.charCodeAt(i));
      if (h < 0) break;
      v = v * 16 + h;
      if (++i - begin > 4) return false;
      if (i === end) break;
    }
    if (i === begin) return false; // empty group: `:::`, or a stray character
    if (i < end && s.charCodeAt(i) === 46) {
      // Embedded dotted quad: must be the rest of the text, and fill the last two groups.
      if (n > 6) return false;
      if (!parseIPv4(s, begin, end)) return false;
      groups[n++] = v4Hi;
      groups[n++] = v4Lo;
      break;
    }
    if (n === 8) return false;
    groups[n++] = v;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false; // a second `::`
      gap = n;
      i++;
    } else if (i === end) {
      return false; // a trailing single colon
    }
  }
  if (gap < 0) return n === 8;
  if (n > 7) return false; // `::` stands for at least one group
  // Move the groups after `::` to the end and zero the gap.
  const tail = n - gap;
  for (let k = 1; k <= tail; k++) groups[8 - k] = groups[n - k];
  for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  return true;
}

/** RFC 5952 text of `groups`. */
function format(): string {
  // IPv4-mapped ::ffff:a.b.c.d (RFC 5952 section 5).
  if (groups[5] === 0xffff && (groups[0] | groups[1] | groups[2] | groups[3] | groups[4]) === 0) {
    return `::ffff:${dotted(groups[6], groups[7])}`;
  }
  // Longest run of zero groups, the first one on a tie; a run of one is not compressed.
  let bestAt = -1;
  let bestLen = 1;
  for (let g = 0; g < 8; g++) {
    if (groups[g] !== 0) continue;
    let e = g + 1;
    while (e < 8 && groups[e] === 0) e++;
    if (e - g > bestLen) {
      bestAt = g;
      bestLen = e - g;
    }
    g = e;
  }
  let out = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestAt) {
      out += '::';
      g += bestLen - 1;
      continue;
    }
    if (out.length > 0 && g !== bestAt + bestLen) out += ':';
    const v = groups[g];
    out += v < 256 ? HEX[v] : HEX[v >>> 8] + HEX2[v & 255];
  }
  return out;
}

/** Hex text of a byte without (HEX) and with (HEX2) its leading zero: a group is one or the other two. */
const HEX: string[] = [];
const HEX2: string[] = [];
for (let v = 0; v < 256; v++) {
  HEX.push(v.toString(16));
  HEX2.push(v.toString(16).padStart(2, '0'));
}
