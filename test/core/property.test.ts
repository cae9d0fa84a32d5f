/**
 * Property-based tests of parseLine against lines printed the way the kernel
 * prints them (test/support/kernel-line.ts follows nf_log_syslog.c format
 * string by format string): every field must come back exactly, repeated keys
 * must stay apart, broken lines must never throw, and the framing in front of
 * the netfilter part must not change what is read from it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  isQuarantined,
  type ParseOptions,
  type ParseResult,
  parseLine,
} from '../../functions/core/parse-line.ts';
import { FirewallRecord } from '../../functions/core/record.ts';
import { COLUMN_NAMES } from '../../functions/core/schema.ts';
import {
  type Expected,
  fullIPv6,
  type KernelLine,
  type KernelLineOptions,
  kernelLine,
  REFERENCE_MS,
  rfc5952,
  syslogStamp,
} from '../support/kernel-line.ts';

const OPTS: ParseOptions = { referenceMs: REFERENCE_MS, sourceKey: 'property.log', fallbackHost: null };

/**
 * Kernel output the parser does not read yet (see "known parser bugs" below).
 * The broad properties steer clear of it so that they keep finding new bugs;
 * drop an entry once its bug is fixed.
 */
const AVOID_KNOWN_BUGS: KernelLineOptions = {
  vlanPriority: false, // VID= above 4095
  ahFragmentTrailer: false, // AH non-first fragment, then UID/GID or MARK
  quotedExtStop: false, // quoted IPv6 packet ending in `OPT ( )]`
};

const KERNEL = kernelLine(AVOID_KNOWN_BUGS);

/** Columns that come from the framing or the caller, not from the netfilter part. */
const FRAMING_COLUMNS = new Set(['ts', 'host', 'raw', 'kernel_uptime', 'source_key', 'line_no']);

function show(line: string): string {
  return JSON.stringify(line);
}

function field(r: FirewallRecord, name: string): unknown {
  return (r as unknown as Record<string, unknown>)[name];
}

/** The record of a line that must parse; fails with the quarantine reason otherwise. */
function record(line: string, opts: ParseOptions = OPTS): FirewallRecord {
  const r = parseLine(line, 42, opts);
  if (r === null) assert.fail(`not recognised as a netfilter line: ${show(line)}`);
  if (isQuarantined(r)) assert.fail(`quarantined (${r.reason}): ${show(line)}`);
  return r;
}

/** Every column: as expected when the model sets it, null when the line does not carry it. */
function assertFields(
  r: FirewallRecord,
  expected: Expected,
  unchecked: readonly string[],
  line: string,
): void {
  for (const name of COLUMN_NAMES) {
    if (name === 'source_key' || name === 'line_no' || unchecked.includes(name)) continue;
    const want = Object.hasOwn(expected, name) ? expected[name] : null;
    assert.deepStrictEqual(field(r, name), want, `${name} of ${show(line)}`);
  }
  assert.equal(r.source_key, OPTS.sourceKey);
  assert.equal(r.line_no, 42);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** What an RFC 3164 header says, read from its text: in the year (reference year or next to it) nearest the reference. */
function headerTime(line: string): number {
  const m = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) /.exec(line);
  assert.ok(m !== null, `no RFC 3164 stamp at the start of ${show(line)}`);
  const [mon, day, h, min, sec] = [
    MONTHS.indexOf(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
  ];
  const y = new Date(REFERENCE_MS).getUTCFullYear();
  const candidates = [y, y - 1, y + 1].map((year) => Date.UTC(year, mon, day, h, min, sec));
  return candidates.reduce((a, b) => (Math.abs(b - REFERENCE_MS) < Math.abs(a - REFERENCE_MS) ? b : a));
}

function roundTrip(k: KernelLine): FirewallRecord {
  const r = record(k.line);
  assertFields(r, k.expected, k.unchecked, k.line);
  assert.equal(r.raw, k.line.replace(/[\r\n]+$/, ''));
  return r;
}

/** A parse outcome is one of the three the API promises. */
function assertWellFormed(r: ParseResult, line: string): void {
  if (r === null) return;
  if (isQuarantined(r)) {
    assert.equal(typeof r.reason, 'string', `reason of ${show(line)}`);
    assert.ok(r.reason.length > 0, `empty quarantine reason for ${show(line)}`);
    assert.equal(r.line_no, 42);
    return;
  }
  assert.ok(r instanceof FirewallRecord, `neither record, quarantine nor null: ${show(line)}`);
  assert.ok(Number.isFinite(r.ts), `ts of ${show(line)}`);
  assert.equal(r.raw, line.replace(/[\r\n]+$/, ''));
}

function parseSafely(line: string, opts: ParseOptions = OPTS): ParseResult {
  try {
    return parseLine(line, 42, opts);
  } catch (e) {
    assert.fail(`parseLine threw ${String(e)} on ${show(line)}`);
  }
}

// ---------------------------------------------------------------- 1. round trip

describe('round trip: lines printed from the kernel format strings read back exactly', () => {
  it('the expected IPv6 text (RFC 5952) agrees with the WHATWG URL serializer', () => {
    const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (g) => {
        // URL writes IPv4-mapped addresses in hex; RFC 5952 section 5 wants the dotted quad.
        fc.pre(!(g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff));
        assert.equal(`[${rfc5952(g)}]`, new URL(`http://[${fullIPv6(g)}]/`).hostname);
      }),
      { numRuns: 1000 },
    );
    assert.equal(rfc5952([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]), '::ffff:192.0.2.1');
  });

  it('every field, the time, the host and raw come back as printed', () => {
    fc.assert(
      fc.property(KERNEL, (k) => {
        const r = roundTrip(k);
        assert.equal(r.ts, headerTime(k.line), `ts of ${show(k.line)}`);
        assert.equal(r.ts, k.epochSeconds * 1000);
      }),
      { numRuns: 5000 },
    );
  });

  it('IPv4 and IPv6 alike', () => {
    for (const family of [4, 6] as const) {
      fc.assert(
        fc.property(kernelLine({ ...AVOID_KNOWN_BUGS, family }), (k) => {
          assert.equal(roundTrip(k).ip_version, family);
        }),
        { numRuns: 1000 },
      );
    }
  });
});

// ---------------------------------------------------------------- 2. repeated keys

describe('keys that repeat never overwrite each other', () => {
  const whole = { ...AVOID_KNOWN_BUGS, fragments: false, incomplete: false };

  it('UDP: the IP LEN= and the UDP LEN=', () => {
    fc.assert(
      fc.property(kernelLine({ ...whole, l4: ['udp'] }), (k) => {
        const r = roundTrip(k);
        assert.equal(r.len, k.expected.len);
        // An IPv6 chain ending in ESP hides the UDP header; otherwise it is there.
        if (k.expected.proto !== undefined) {
          assert.equal(typeof k.expected.udp_len, 'number');
          assert.equal(r.udp_len, k.expected.udp_len);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('ICMP echo: the IP ID= (or IPv6 fragment ID:) and the echo ID=, the echo SEQ=', () => {
    fc.assert(
      fc.property(kernelLine({ ...whole, l4: ['icmp'], echoOnly: true }), (k) => {
        const r = roundTrip(k);
        assert.equal(r.ip_id, k.expected.ip_id ?? null);
        if (k.expected.icmp_type !== undefined) {
          assert.equal(r.icmp_id, k.expected.icmp_id);
          assert.equal(r.icmp_seq, k.expected.icmp_seq);
          assert.equal(r.tcp_seq, null);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('TCP SEQ= and ICMP SEQ=, also when an ICMP error quotes a TCP packet with SEQ=', () => {
    fc.assert(
      fc.property(kernelLine({ ...AVOID_KNOWN_BUGS, l4: ['tcp', 'icmp'], tcpSeq: true }), (k) => {
        const r = roundTrip(k);
        assert.equal(r.tcp_seq, k.expected.tcp_seq ?? null);
        assert.equal(r.tcp_ack, k.expected.tcp_ack ?? null);
        assert.equal(r.icmp_seq, k.expected.icmp_seq ?? null);
        if (r.proto !== 'TCP') assert.equal(r.tcp_seq, null);
      }),
      { numRuns: 500 },
    );
  });

  it('an ICMP error: the quoted packet fills inner_* and leaves the outer SRC/DST/LEN/ID alone', () => {
    fc.assert(
      fc.property(kernelLine({ ...whole, l4: ['icmp'] }), (k) => {
        const r = roundTrip(k);
        for (const name of ['src', 'dst', 'len', 'ip_id', 'proto', 'spt', 'dpt', 'ttl', 'hop_limit']) {
          assert.deepStrictEqual(field(r, name), k.expected[name] ?? null, name);
        }
        for (const name of ['inner_src', 'inner_dst', 'inner_proto', 'inner_spt', 'inner_dpt']) {
          assert.deepStrictEqual(field(r, name), k.expected[name] ?? null, name);
        }
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------- 3. and 4. robustness

/** Any single character that is not an ASCII digit (U+FFFD often). */
const nonDigit = fc.oneof(
  fc.constant('\uFFFD'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !/^[0-9]$/.test(c)),
);

/** A character no decimal value can contain and no separator: not a digit, not blank. */
const notDigitNorBlank = fc.oneof(
  fc.constant('\uFFFD'),
  fc.constantFrom(...'abcdefxGQZ-+.:/=[]()_,;%#'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !/^[0-9\s]$/.test(c)),
);

/** Indexes of the digits of decimal values in the netfilter part (keys parsed with a decimal reader). */
function decimalDigits(k: KernelLine): number[] {
  const re =
    /(?:\b(?:LEN|TTL|ID|SPT|DPT|SEQ|ACK|WINDOW|URGP|TYPE|CODE|PARAMETER|MTU|UID|GID|TC|HOPLIMIT|FLOWLBL|VID|PROTO)=|FRAG:)(\d+)/g;
  const out: number[] = [];
  re.lastIndex = k.nfStart;
  for (let m = re.exec(k.line); m !== null; m = re.exec(k.line)) {
    const start = m.index + m[0].length - m[1].length;
    for (let i = 0; i < m[1].length; i++) out.push(start + i);
  }
  return out;
}

function digitsAfter(line: string, from: number): number[] {
  const out: number[] = [];
  for (let i = from; i < line.length; i++)
    if (line.charCodeAt(i) >= 48 && line.charCodeAt(i) <= 57) out.push(i);
  return out;
}

describe('robustness: broken lines never throw', () => {
  it('a line cut anywhere in its netfilter part gives a record, null or a quarantine with a reason', () => {
    fc.assert(
      fc.property(KERNEL, fc.nat(), (k, n) => {
        const cut = k.line.slice(0, k.nfStart + (n % (k.line.length - k.nfStart + 1)));
        assertWellFormed(parseSafely(cut), cut);
      }),
      { numRuns: 3000 },
    );
  });

  it('one digit of the netfilter part replaced by any non-digit (U+FFFD included)', () => {
    fc.assert(
      fc.property(KERNEL, fc.nat(), nonDigit, (k, n, c) => {
        const digits = digitsAfter(k.line, k.nfStart);
        const i = digits[n % digits.length];
        const line = k.line.slice(0, i) + c + k.line.slice(i + 1);
        assertWellFormed(parseSafely(line), line);
      }),
      { numRuns: 3000 },
    );
  });

  it('one digit of a decimal value replaced by a non-digit, non-blank character is quarantined', () => {
    fc.assert(
      fc.property(KERNEL, fc.nat(), notDigitNorBlank, (k, n, c) => {
        const digits = decimalDigits(k);
        const i = digits[n % digits.length];
        const line = k.line.slice(0, i) + c + k.line.slice(i + 1);
        const r = parseSafely(line);
        assertWellFormed(r, line);
        assert.ok(r !== null && isQuarantined(r), `accepted a broken number: ${show(line)}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary strings, bare or as a journal MESSAGE', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        assertWellFormed(parseSafely(s), s);
        const behind = `IN=eth0 OUT= ${s}`;
        assertWellFormed(parseSafely(behind), behind);
        const json = JSON.stringify({ __REALTIME_TIMESTAMP: '1758148800000000', MESSAGE: s });
        assertWellFormed(parseSafely(json), json);
      }),
      { numRuns: 5000 },
    );
  });

  it('fragments of real lines glued in any order', () => {
    /** Tokens of a line: each key with its value, spaces and brackets kept. */
    const tokens = (line: string): string[] => line.split(/(?<=[ =:[\]()])/);
    const glued = fc.tuple(KERNEL, KERNEL).chain(([a, b]) =>
      fc
        .array(fc.constantFrom(...tokens(a.line), ...tokens(b.line), '', ' ', '\r', ']', '['), {
          maxLength: 80,
        })
        .map((t) => t.join('')),
    );
    fc.assert(
      fc.property(
        glued,
        fc.constantFrom('', 'IN=eth0 OUT= ', 'Sep 17 22:26:23 fw kernel: IN= OUT=x '),
        (s, lead) => {
          const line = lead + s;
          assertWellFormed(parseSafely(line), line);
          const json = JSON.stringify({ __REALTIME_TIMESTAMP: '1758148800000000', MESSAGE: line });
          assertWellFormed(parseSafely(json), json);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

// ---------------------------------------------------------------- 5. framing

const two = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM-DDTHH:MM:SS` of epoch seconds shifted by an offset, and the offset as `+hhmm` or `+hh:mm`. */
function isoLocal(epochSeconds: number, offsetMin: number, colon: boolean): string {
  const local = new Date((epochSeconds + offsetMin * 60) * 1000).toISOString().slice(0, 19);
  const a = Math.abs(offsetMin);
  return `${local}${offsetMin < 0 ? '-' : '+'}${two(Math.floor(a / 60))}${colon ? ':' : ''}${two(a % 60)}`;
}

interface Framed {
  readonly name: string;
  readonly line: string;
  readonly ts: number;
  readonly host: string | null;
  readonly uptime: number | null;
}

const FALLBACK_HOST = 'fallback-host';

/** The kernel's message behind each framing a log pipeline puts in front of it. */
function framings(k: KernelLine, offsetMin: number, upSec: number, upMicros: number): Framed[] {
  const s = k.epochSeconds;
  const msg = k.message;
  const us6 = String(k.micros).padStart(6, '0');
  const preciseTs = s * 1000 + Math.floor(k.micros / 1000);
  const short = `${syslogStamp(s)} ${k.host} kernel: `;
  const up = `${upSec}.${String(upMicros).padStart(6, '0')}`;
  const uptime = Number(up);
  const f = (
    name: string,
    line: string,
    ts: number,
    host: string | null,
    up: number | null = null,
  ): Framed => ({
    name,
    line,
    ts,
    host,
    uptime: up,
  });
  return [
    f('short', short + msg, s * 1000, k.host),
    f('<PRI> short', `<4>${short}${msg}`, s * 1000, k.host),
    f('short-iso', `${isoLocal(s, offsetMin, false)} ${k.host} kernel: ${msg}`, s * 1000, k.host),
    f('RFC 3339', `${isoLocal(s, offsetMin, true)} ${k.host} kernel: ${msg}`, s * 1000, k.host),
    f('short-precise', `${syslogStamp(s)}.${us6} ${k.host} kernel: ${msg}`, preciseTs, k.host),
    f('short-unix', `${s}.${us6} ${k.host} kernel: ${msg}`, preciseTs, k.host),
    f('uptime after the tag', `${short}[${up}] ${msg}`, s * 1000, k.host, uptime),
    f('grep file name', `kern.log:${short}${msg}`, s * 1000, k.host),
    f('grep file name and line number', `/var/log/kern.log.1:1234:${short}${msg}`, s * 1000, k.host),
    f(
      'RFC 5424',
      `<4>1 ${new Date(s * 1000).toISOString().slice(0, 19)}.${us6}Z ${k.host} kernel - - - ${msg}`,
      preciseTs,
      k.host,
    ),
    f('bare message, no header', msg, REFERENCE_MS, FALLBACK_HOST),
    f(
      'dmesg',
      `[${String(upSec).padStart(5, ' ')}.${String(upMicros).padStart(6, '0')}] ${msg}`,
      REFERENCE_MS,
      FALLBACK_HOST,
      uptime,
    ),
    f(
      'journalctl -o json',
      JSON.stringify({
        __REALTIME_TIMESTAMP: String(s * 1_000_000 + k.micros),
        _HOSTNAME: k.host,
        MESSAGE: msg,
      }),
      preciseTs,
      k.host,
    ),
  ];
}

describe('framing independence: the same message behind any framing gives the same fields', () => {
  it('short, <PRI>, ISO, RFC 3339, precise, unix, uptime, grep junk, RFC 5424, bare, dmesg, journal JSON', () => {
    const opts: ParseOptions = { ...OPTS, fallbackHost: FALLBACK_HOST };
    fc.assert(
      fc.property(
        KERNEL,
        fc.constantFrom(0, 0, 120, -300, 330, 345, -720, 840),
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.integer({ min: 0, max: 999_999 }),
        (k, offsetMin, upSec, upMicros) => {
          const all = framings(k, offsetMin, upSec, upMicros);
          const base = record(all[0].line, opts);
          for (const fr of all) {
            const r = record(fr.line, opts);
            const where = `${fr.name}: ${show(fr.line)}`;
            for (const name of COLUMN_NAMES) {
              if (FRAMING_COLUMNS.has(name)) continue;
              assert.deepStrictEqual(field(r, name), field(base, name), `${name} differs, ${where}`);
            }
            assertFields(
              r,
              { ...k.expected, ts: fr.ts, host: fr.host, kernel_uptime: fr.uptime, raw: fr.line },
              k.unchecked,
              where,
            );
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------- known parser bugs

/**
 * Lines the kernel prints that the parser quarantines today. Each test fails
 * until its bug is fixed; the last one runs the round trip over the kernel's
 * full output, the cases AVOID_KNOWN_BUGS leaves out included.
 */
describe('known parser bugs (these fail until fixed)', () => {
  it('VID= is the whole 802.1Q TCI (priority bits included), so it can exceed 4095', () => {
    // nf_log_dump_vlan prints skb_vlan_tag_get(skb): the TCI. 8292 = priority 2, VLAN 100.
    const line =
      'Sep 17 22:26:23 fw1 kernel: IN=eth0 OUT= MACSRC=00:11:22:33:44:55 MACDST=66:77:88:99:aa:bb ' +
      'VPROTO=8100 VID=8292 MACPROTO=0800 SRC=10.0.0.1 DST=10.0.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 ' +
      'PROTO=UDP SPT=5353 DPT=5353 LEN=40 ';
    const r = record(line);
    assert.equal(r.vlan_id, 8292);
    assert.equal(r.udp_len, 40);
  });

  it('an AH non-first fragment prints no PROTO= but still gets UID/GID and MARK', () => {
    // dump_ipv4_packet: `case IPPROTO_AH: if (frag_off & IP_OFFSET) break;` before "PROTO=AH ",
    // then the UID/GID and MARK that follow every top-level packet.
    const line =
      'Sep 17 22:26:23 fw1 kernel: IN= OUT=eth0 SRC=10.0.0.1 DST=10.0.0.2 LEN=1500 TOS=0x00 PREC=0x00 ' +
      'TTL=64 ID=7 FRAG:185 UID=0 GID=0 MARK=0x1 ';
    const r = record(line);
    assert.equal(r.proto, null);
    assert.equal(r.frag_offset, 185);
    assert.equal(r.uid, 0);
    assert.equal(r.mark, 1);
  });

  it('a quoted IPv6 packet may end in `OPT ( )` right before the `]`', () => {
    // dump_ipv6_packet with --log-ip-options: an options (or AH) header after a non-first
    // fragment prints ")" with no space and returns; the caller then prints "] ".
    const a = '2001:0db8:0000:0000:0000:0000:0000:0001';
    const b = '2001:0db8:0000:0000:0000:0000:0000:0002';
    const line =
      `Sep 17 22:26:23 fw1 kernel: IN=eth0 OUT= MAC= SRC=${a} DST=${b} LEN=1280 TC=0 HOPLIMIT=64 FLOWLBL=0 ` +
      `PROTO=ICMPv6 TYPE=3 CODE=0 [SRC=${b} DST=${a} LEN=1240 TC=0 HOPLIMIT=1 FLOWLBL=0 ` +
      'OPT ( FRAG:1232 ID:0000abcd ) OPT ( )] ';
    const r = record(line);
    assert.equal(r.icmp_type, 3);
    assert.equal(r.inner_src, '2001:db8::2');
    assert.equal(r.inner_dst, '2001:db8::1');
    assert.equal(r.inner_proto, null);
  });

  it('round trip over the full kernel output, known-bug cases included', () => {
    fc.assert(
      fc.property(kernelLine(), (k) => {
        roundTrip(k);
      }),
      { numRuns: 1000 },
    );
  });
});
