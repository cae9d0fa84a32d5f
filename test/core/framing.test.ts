import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Header, inferYear, parseJournalJson, parseSyslogHeader } from '../../functions/core/framing.ts';

const NF =
  'IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=52.84.17.45 DST=192.168.254.3 LEN=40 ' +
  'TOS=0x00 PREC=0x00 TTL=247 ID=61276 DF PROTO=TCP SPT=443 DPT=52316 WINDOW=0 RES=0x00 RST URGP=0 ';

/** 2026-09-18T00:00:00Z, the day after most sample lines. */
const REF = Date.UTC(2026, 8, 18);

interface Parsed {
  err: string | null;
  tsMs: number | null;
  host: string | null;
  uptime: number | null;
  prefix: string;
  prefixStart: number;
  nfStart: number;
}

const out = new Header();

/** The header as parseSyslogHeader reads it from the string alone, or from the line's bytes at `byteStart` too. */
function readHeader(
  line: string,
  nfStart: number,
  ref: number,
  bytes: Uint8Array | null,
  byteStart: number,
): Parsed {
  const err = parseSyslogHeader(line, nfStart, ref, out, bytes, byteStart);
  return {
    err,
    tsMs: err === null ? out.tsMs : null,
    host: err === null ? out.host : null,
    uptime: err === null ? out.uptime : null,
    prefix: err === null ? line.slice(out.prefixStart, nfStart) : '',
    prefixStart: err === null ? out.prefixStart : -1,
    nfStart,
  };
}

/**
 * `line` within a buffer, one byte per character, after `at` bytes of another line: how ingest
 * hands a line's bytes to the parser. Null when the line is not ASCII (ingest then passes none).
 */
function bytesOf(line: string, at: number): Uint8Array | null {
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) > 127) return null;
  const b = new Uint8Array(at + line.length + 1);
  b.fill(0x41, 0, at); // 'A'
  for (let i = 0; i < line.length; i++) b[at + i] = line.charCodeAt(i);
  b[at + line.length] = 10;
  return b;
}

/**
 * The header of `line`, read from the string; for an ASCII line it is also read from its bytes
 * (as ingest reads it, which takes the faster paths for the usual header), and the two must agree.
 */
function parse(line: string, ref = REF): Parsed {
  const nfStart = line.indexOf('IN=');
  assert.ok(nfStart >= 0, 'test line must contain IN=');
  const fromString = readHeader(line, nfStart, ref, null, 0);
  if (fromString.err === null) {
    assert.ok(
      fromString.prefixStart >= 0 && fromString.prefixStart <= nfStart,
      `prefixStart ${fromString.prefixStart} <= ${nfStart}`,
    );
  }
  const bytes = bytesOf(line, 7);
  if (bytes !== null) {
    assert.deepEqual(
      readHeader(line, nfStart, ref, bytes, 7),
      fromString,
      `bytes and string disagree on ${JSON.stringify(line)}`,
    );
  }
  return fromString;
}

function expectHeader(
  line: string,
  want: { tsMs: number | null; host: string | null; prefix: string; uptime?: number | null },
  ref = REF,
): void {
  const got = parse(line, ref);
  assert.equal(got.err, null, `error for ${JSON.stringify(line)}`);
  assert.equal(got.tsMs, want.tsMs, `tsMs for ${JSON.stringify(line)}`);
  assert.equal(got.host, want.host, `host for ${JSON.stringify(line)}`);
  assert.equal(got.uptime, want.uptime ?? null, `uptime for ${JSON.stringify(line)}`);
  assert.equal(got.prefix, want.prefix, `prefix for ${JSON.stringify(line)}`);
}

const SEP17 = Date.UTC(2026, 8, 17, 22, 26, 23);

describe('RFC 3164 / journalctl short', () => {
  it('parses the canonical line', () => {
    expectHeader(`Sep 17 22:26:23 mha.can.local kernel: filter/INPUT: ${NF}`, {
      tsMs: SEP17,
      host: 'mha.can.local',
      prefix: 'filter/INPUT: ',
    });
  });

  it('accepts a space-padded and an unpadded single-digit day', () => {
    const ref = Date.UTC(2026, 10, 10);
    const want = { tsMs: Date.UTC(2026, 10, 5, 1, 2, 3), host: 'fw', prefix: 'DROP ' };
    expectHeader(`Nov  5 01:02:03 fw kernel: DROP ${NF}`, want, ref);
    expectHeader(`Nov 5 01:02:03 fw kernel: DROP ${NF}`, want, ref);
  });

  it('gives prefixStart === nfStart when the prefix is empty', () => {
    const got = parse(`Sep 17 22:26:23 gw kernel: ${NF}`);
    assert.equal(got.prefixStart, got.nfStart);
    assert.equal(got.host, 'gw');
    assert.equal(got.tsMs, SEP17);
  });

  it('accepts kernel[digits]: as the tag', () => {
    expectHeader(`Sep 17 22:26:23 gw kernel[0]: [UFW BLOCK] ${NF}`, {
      tsMs: SEP17,
      host: 'gw',
      prefix: '[UFW BLOCK] ',
    });
  });

  it('takes any word in front of the kernel: tag as the host (IPv6 address, a host named kernel)', () => {
    expectHeader(`Sep 17 22:26:23 2001:db8::1 kernel: DROP ${NF}`, {
      tsMs: SEP17,
      host: '2001:db8::1',
      prefix: 'DROP ',
    });
    expectHeader(`Sep 17 22:26:23 kernel kernel: DROP ${NF}`, {
      tsMs: SEP17,
      host: 'kernel',
      prefix: 'DROP ',
    });
  });

  it('accepts month names in any case', () => {
    expectHeader(`SEP 17 22:26:23 gw kernel: ${NF}`, { tsMs: SEP17, host: 'gw', prefix: '' });
  });

  it('parses every month', () => {
    const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    names.forEach((name, month) => {
      const ref = Date.UTC(2026, month, 15);
      expectHeader(
        `${name} 14 12:00:00 gw kernel: ${NF}`,
        { tsMs: Date.UTC(2026, month, 14, 12), host: 'gw', prefix: '' },
        ref,
      );
    });
  });

  it('tracks the reference and the day across calls (caches are invalidated)', () => {
    const line = `Jul  1 00:00:00 gw kernel: ${NF}`;
    assert.equal(parse(line, Date.UTC(2026, 6, 2)).tsMs, Date.UTC(2026, 6, 1));
    assert.equal(parse(line, Date.UTC(2031, 6, 2)).tsMs, Date.UTC(2031, 6, 1));
    assert.equal(parse(`Jul  2 00:00:00 gw kernel: ${NF}`, Date.UTC(2031, 6, 2)).tsMs, Date.UTC(2031, 6, 2));
    assert.equal(parse(line, Date.UTC(2026, 6, 2)).tsMs, Date.UTC(2026, 6, 1));
  });

  it('keeps host and prefix right whatever the previous line was (host cache)', () => {
    const seq: [string, string | null, string][] = [
      [`Sep 17 22:26:23 a1 kernel: DROP ${NF}`, 'a1', 'DROP '],
      [`Sep 17 22:26:23 b2 DROP ${NF}`, 'b2', 'DROP '],
      [`Sep 17 22:26:23 a1 kernel: DROP ${NF}`, 'a1', 'DROP '],
      [`Sep 17 22:26:23 a1 kernel:DROP ${NF}`, 'a1', 'DROP '],
      [`Sep 17 22:26:23 a1 kernel:  DROP ${NF}`, 'a1', ' DROP '],
      [`Sep 17 22:26:23 a1 kernel[0]: DROP ${NF}`, 'a1', 'DROP '],
      [`Sep 17 22:26:23 a1 kernel: DROP ${NF}`, 'a1', 'DROP '],
      [`<4>1 2026-09-17T22:26:23Z c3 kernel - - - DROP ${NF}`, 'c3', 'DROP '],
      [`Sep 17 22:26:23 a1 kernel: ${NF}`, 'a1', ''],
      [`Sep 17 22:26:23 a1 kernel: [7.5] DROP ${NF}`, 'a1', 'DROP '],
      [`[7.5] a1 kernel: DROP ${NF}`, 'a1', 'DROP '],
      [`Sep 17 22:26:23 a1x kernel: DROP ${NF}`, 'a1x', 'DROP '],
      [`Sep 17 22:26:23 kernel: DROP ${NF}`, null, 'DROP '],
    ];
    for (const [line, host, prefix] of seq) {
      const got = parse(line);
      assert.equal(got.host, host, line);
      assert.equal(got.prefix, prefix, line);
    }
  });

  it('reports hosts correctly when they alternate', () => {
    for (const h of ['a1', 'b2', 'a1', 'a1', 'longer-host.example.org', 'b2']) {
      assert.equal(parse(`Sep 17 22:26:23 ${h} kernel: ${NF}`).host, h);
    }
  });
});

describe('journalctl short-precise', () => {
  it('keeps millisecond precision and truncates the rest', () => {
    const cases: [string, number][] = [
      ['123456', 123],
      ['1', 100],
      ['12', 120],
      ['123', 123],
      ['999999999', 999],
    ];
    for (const [frac, ms] of cases) {
      expectHeader(`Sep 17 22:26:23.${frac} mha.can.local kernel: filter/INPUT: ${NF}`, {
        tsMs: SEP17 + ms,
        host: 'mha.can.local',
        prefix: 'filter/INPUT: ',
      });
    }
  });
});

describe('ISO 8601 / RFC 3339 (short-iso, short-iso-precise, rsyslog)', () => {
  const base = Date.parse('2026-11-20T00:00:00Z');
  const cases: [string, number][] = [
    ['2026-11-20T00:00:00+0000', base],
    ['2026-11-20T00:00:00Z', base],
    ['2026-11-20T00:00:00', base],
    ['2026-11-20T00:00:00.123456+00:00', base + 123],
    ['2026-11-20T00:00:00.123456Z', base + 123],
    ['2026-11-20T02:00:00+0200', base],
    ['2026-11-20T02:00:00+02:00', base],
    ['2026-11-19T19:00:00-05:00', base],
    ['2026-11-19T19:00:00.5-0500', base + 500],
    ['2026-11-20T05:30:00+05:30', base],
  ];
  for (const [stamp, want] of cases) {
    it(`parses ${stamp}`, () => {
      expectHeader(`${stamp} fw1.example.net kernel: [WAN_LOCAL-default-D] ${NF}`, {
        tsMs: want,
        host: 'fw1.example.net',
        prefix: '[WAN_LOCAL-default-D] ',
      });
    });
  }

  it('crosses the year on a negative offset', () => {
    expectHeader(`2026-12-31T23:30:00-01:00 gw kernel: ${NF}`, {
      tsMs: Date.parse('2027-01-01T00:30:00Z'),
      host: 'gw',
      prefix: '',
    });
  });
});

describe('journalctl short-unix', () => {
  it('parses seconds with a fraction', () => {
    expectHeader(`1700000000.123456 mha.can.local kernel: filter/INPUT: ${NF}`, {
      tsMs: 1_700_000_000_123,
      host: 'mha.can.local',
      prefix: 'filter/INPUT: ',
    });
  });

  it('does not take a short number in a bare message for a time', () => {
    expectHeader(`12.5 DROP ${NF}`, { tsMs: null, host: null, prefix: '12.5 DROP ' });
  });
});

describe('<PRI> in front', () => {
  it('parses <4> and <12> before an RFC 3164 stamp', () => {
    for (const pri of ['<4>', '<12>', '<191>']) {
      expectHeader(`${pri}Sep 17 22:26:23 mha.can.local kernel: filter/INPUT: ${NF}`, {
        tsMs: SEP17,
        host: 'mha.can.local',
        prefix: 'filter/INPUT: ',
      });
    }
  });

  it('parses a <PRI> before an RFC 3339 stamp (rsyslog forward format)', () => {
    expectHeader(`<4>2026-11-20T00:00:00.123+00:00 gw kernel: DROP ${NF}`, {
      tsMs: Date.parse('2026-11-20T00:00:00.123Z'),
      host: 'gw',
      prefix: 'DROP ',
    });
  });

  it('strips a bare <PRI> (dmesg -r) and one before an uptime stamp', () => {
    expectHeader(`<4>filter/INPUT: ${NF}`, { tsMs: null, host: null, prefix: 'filter/INPUT: ' });
    expectHeader(`<4>[ 1234.500000] filter/INPUT: ${NF}`, {
      tsMs: null,
      host: null,
      uptime: 1234.5,
      prefix: 'filter/INPUT: ',
    });
  });
});

describe('RFC 5424', () => {
  const t = Date.parse('2026-11-20T00:00:00.123Z');

  it('parses nil fields', () => {
    expectHeader(`<4>1 2026-11-20T00:00:00.123Z host kernel - - - filter/INPUT: ${NF}`, {
      tsMs: t,
      host: 'host',
      prefix: 'filter/INPUT: ',
    });
  });

  it('parses an offset, a nil host and a nil timestamp', () => {
    expectHeader(`<12>1 2026-11-20T01:00:00.123+01:00 - kernel - - - DROP ${NF}`, {
      tsMs: t,
      host: null,
      prefix: 'DROP ',
    });
    expectHeader(`<4>1 - fw kernel - - - DROP ${NF}`, { tsMs: null, host: 'fw', prefix: 'DROP ' });
  });

  it('skips structured data with quoted strings and escaped ]', () => {
    const sd = String.raw`[meta sequenceId="17" note="a\]b [x] \"q\""][origin@32473 ip="10.0.0.1"]`;
    expectHeader(`<4>1 2026-11-20T00:00:00.123Z edge-1 kernel 0 KERN ${sd} filter/INPUT: ${NF}`, {
      tsMs: t,
      host: 'edge-1',
      prefix: 'filter/INPUT: ',
    });
  });

  it('skips a BOM at the start of the message and keeps an uptime stamp', () => {
    expectHeader(`<4>1 2026-11-20T00:00:00.123Z edge-1 kernel - - - \uFEFF[ 42.000001] DROP ${NF}`, {
      tsMs: t,
      host: 'edge-1',
      uptime: 42.000001,
      prefix: 'DROP ',
    });
  });

  it('gives an empty prefix when IN= follows the structured data', () => {
    const got = parse(`<4>1 2026-11-20T00:00:00.123Z edge-1 kernel - - [a b="c"] ${NF}`);
    assert.equal(got.prefixStart, got.nfStart);
    assert.equal(got.host, 'edge-1');
  });
});

describe('kernel uptime stamps', () => {
  it('reads the uptime after the tag', () => {
    expectHeader(`Sep 17 22:26:23 mha.can.local kernel: [12345.678901] filter/INPUT: ${NF}`, {
      tsMs: SEP17,
      host: 'mha.can.local',
      uptime: 12345.678901,
      prefix: 'filter/INPUT: ',
    });
    expectHeader(`Sep 17 22:26:23 gw kernel: [    5.123456] [UFW BLOCK] ${NF}`, {
      tsMs: SEP17,
      host: 'gw',
      uptime: 5.123456,
      prefix: '[UFW BLOCK] ',
    });
  });

  it('does not take a bracketed prefix for an uptime', () => {
    expectHeader(`Sep 17 22:26:23 gw kernel: [UFW BLOCK] ${NF}`, {
      tsMs: SEP17,
      host: 'gw',
      prefix: '[UFW BLOCK] ',
    });
  });

  it('reads dmesg lines (uptime only)', () => {
    expectHeader(`[12345.678901] filter/INPUT: ${NF}`, {
      tsMs: null,
      host: null,
      uptime: 12345.678901,
      prefix: 'filter/INPUT: ',
    });
    expectHeader(`[    5.123456] DROP ${NF}`, { tsMs: null, host: null, uptime: 5.123456, prefix: 'DROP ' });
    expectHeader(`[    5.123456] ${NF}`, { tsMs: null, host: null, uptime: 5.123456, prefix: '' });
  });

  it('reads journalctl short-monotonic', () => {
    expectHeader(`[12345.678901] mha.can.local kernel: filter/INPUT: ${NF}`, {
      tsMs: null,
      host: 'mha.can.local',
      uptime: 12345.678901,
      prefix: 'filter/INPUT: ',
    });
  });
});

describe('relays that drop the tag and/or the host', () => {
  it('no tag', () => {
    expectHeader(`Sep 17 22:26:23 mha.can.local filter/INPUT: ${NF}`, {
      tsMs: SEP17,
      host: 'mha.can.local',
      prefix: 'filter/INPUT: ',
    });
  });

  it('no host', () => {
    expectHeader(`Sep 17 22:26:23 kernel: filter/INPUT: ${NF}`, {
      tsMs: SEP17,
      host: null,
      prefix: 'filter/INPUT: ',
    });
  });

  it('neither', () => {
    expectHeader(`Sep 17 22:26:23 filter/INPUT: ${NF}`, {
      tsMs: SEP17,
      host: null,
      prefix: 'filter/INPUT: ',
    });
    expectHeader(`Sep 17 22:26:23 [UFW BLOCK] ${NF}`, { tsMs: SEP17, host: null, prefix: '[UFW BLOCK] ' });
    expectHeader(`Sep 17 22:26:23 ${NF}`, { tsMs: SEP17, host: null, prefix: '' });
  });

  it('takes a lone plain word before IN= as the host (documented ambiguity)', () => {
    expectHeader(`Sep 17 22:26:23 fw1 ${NF}`, { tsMs: SEP17, host: 'fw1', prefix: '' });
    expectHeader(`Sep 17 22:26:23 DROP ${NF}`, { tsMs: SEP17, host: 'DROP', prefix: '' });
    expectHeader(`Sep 17 22:26:23 fw1 DROP ${NF}`, { tsMs: SEP17, host: 'fw1', prefix: 'DROP ' });
  });

  it('does not take a word glued to IN= for a host', () => {
    const line = `Sep 17 22:26:23 DROP:${NF}`;
    expectHeader(line, { tsMs: SEP17, host: null, prefix: 'DROP:' });
  });
});

describe('bare messages', () => {
  it('has no header', () => {
    expectHeader(`filter/INPUT: ${NF}`, { tsMs: null, host: null, prefix: 'filter/INPUT: ' });
    expectHeader(`[UFW BLOCK] ${NF}`, { tsMs: null, host: null, prefix: '[UFW BLOCK] ' });
    expectHeader(NF, { tsMs: null, host: null, prefix: '' });
    expectHeader(`DROP ${NF}`, { tsMs: null, host: null, prefix: 'DROP ' });
  });
});

describe('leading grep junk', () => {
  it('skips file names and grep -n line numbers', () => {
    for (const junk of ['kern.log:', '/var/log/kern.log.1:', 'kern.log:1234:', '1234:', 'kern.log:12:']) {
      expectHeader(`${junk}Sep 17 22:26:23 mha.can.local kernel: filter/INPUT: ${NF}`, {
        tsMs: SEP17,
        host: 'mha.can.local',
        prefix: 'filter/INPUT: ',
      });
    }
  });

  it('skips junk before other formats', () => {
    expectHeader(`kern.log:2026-11-20T00:00:00Z gw kernel: DROP ${NF}`, {
      tsMs: Date.parse('2026-11-20T00:00:00Z'),
      host: 'gw',
      prefix: 'DROP ',
    });
    expectHeader(`dmesg.txt:[ 5.5] DROP ${NF}`, { tsMs: null, host: null, uptime: 5.5, prefix: 'DROP ' });
  });

  it('does not take a rule prefix colon for a junk separator', () => {
    expectHeader(`filter/INPUT:Sep ${NF}`, { tsMs: null, host: null, prefix: 'filter/INPUT:Sep ' });
  });

  it('reports an impossible date behind junk', () => {
    assert.equal(parse(`kern.log:Feb 30 10:00:00 gw kernel: ${NF}`).err, 'invalid date "Feb 30 10:00:00"');
  });
});

describe('BOM and CR', () => {
  it('skips a BOM at the start', () => {
    expectHeader(`\uFEFFSep 17 22:26:23 gw kernel: DROP ${NF}`, { tsMs: SEP17, host: 'gw', prefix: 'DROP ' });
    const bare = parse(`\uFEFFDROP ${NF}`);
    assert.equal(bare.prefix, 'DROP ');
    assert.equal(bare.prefixStart, 1);
  });

  it('ignores a CR at the end', () => {
    expectHeader(`Sep 17 22:26:23 gw kernel: DROP ${NF}\r`, { tsMs: SEP17, host: 'gw', prefix: 'DROP ' });
  });
});

describe('impossible dates', () => {
  const cases: [string, string][] = [
    ['Feb 30 10:00:00', 'invalid date "Feb 30 10:00:00"'],
    ['Sep 17 25:00:00', 'invalid date "Sep 17 25:00:00"'],
    ['Sep 17 22:61:00', 'invalid date "Sep 17 22:61:00"'],
    ['Sep 00 22:00:00', 'invalid date "Sep 00 22:00:00"'],
    ['Sep 31 22:00:00.5', 'invalid date "Sep 31 22:00:00.5"'],
    ['Foo 17 22:26:23', 'invalid date "Foo 17 22:26:23"'],
    ['2026-02-30T00:00:00Z', 'invalid date "2026-02-30T00:00:00Z"'],
    ['2026-13-01T00:00:00Z', 'invalid date "2026-13-01T00:00:00Z"'],
    ['2026-11-20T24:00:00+00:00', 'invalid date "2026-11-20T24:00:00+00:00"'],
    ['2026-11-20T00:00:00+25:00', 'invalid date "2026-11-20T00:00:00+25:00"'],
    ['<4>Feb 29 10:00:00', 'invalid date "Feb 29 10:00:00"'],
  ];
  for (const [stamp, reason] of cases) {
    it(`rejects ${stamp}`, () => {
      // Reference mid-2026: the candidate years 2025-2027 are not leap, so Feb 29 is impossible too.
      assert.equal(parse(`${stamp} gw kernel: DROP ${NF}`, Date.UTC(2026, 5, 1)).err, reason);
    });
  }

  it('accepts Feb 29 in a leap year', () => {
    expectHeader(
      `Feb 29 10:00:00 gw kernel: ${NF}`,
      { tsMs: Date.UTC(2028, 1, 29, 10), host: 'gw', prefix: '' },
      Date.UTC(2028, 2, 1),
    );
    expectHeader(`2028-02-29T10:00:00Z gw kernel: ${NF}`, {
      tsMs: Date.UTC(2028, 1, 29, 10),
      host: 'gw',
      prefix: '',
    });
  });
});

describe('inferYear', () => {
  it('puts a Dec 31 line read on Jan 2 in the previous year', () => {
    assert.equal(
      inferYear(11, 31, 23, 59, 59, 999, Date.UTC(2027, 0, 2)),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
    );
    expectHeader(
      `Dec 31 23:59:59 gw kernel: ${NF}`,
      { tsMs: Date.UTC(2026, 11, 31, 23, 59, 59), host: 'gw', prefix: '' },
      Date.UTC(2027, 0, 2),
    );
  });

  it('puts a Jan 1 line read on Dec 31 in the next year', () => {
    assert.equal(inferYear(0, 1, 0, 0, 1, 0, Date.UTC(2026, 11, 31, 23)), Date.UTC(2027, 0, 1, 0, 0, 1));
    expectHeader(
      `Jan  1 00:00:01 gw kernel: ${NF}`,
      { tsMs: Date.UTC(2027, 0, 1, 0, 0, 1), host: 'gw', prefix: '' },
      Date.UTC(2026, 11, 31, 23),
    );
  });

  it('keeps the reference year for nearby dates', () => {
    assert.equal(inferYear(8, 17, 22, 26, 23, 0, REF), SEP17);
    assert.equal(inferYear(4, 1, 0, 0, 0, 0, REF), Date.UTC(2026, 4, 1));
    // Closest wins, even forwards: Mar 1 2027 is 164 days after the reference, Mar 1 2026 201 days before.
    assert.equal(inferYear(2, 1, 0, 0, 0, 0, REF), Date.UTC(2027, 2, 1));
  });

  it('handles leap days', () => {
    assert.equal(inferYear(1, 29, 12, 0, 0, 0, Date.UTC(2028, 2, 1)), Date.UTC(2028, 1, 29, 12));
    // From Jan 2029 the closest Feb 29 is in 2028 (the only leap candidate).
    assert.equal(inferYear(1, 29, 12, 0, 0, 0, Date.UTC(2029, 0, 5)), Date.UTC(2028, 1, 29, 12));
    // Candidates 2025, 2026, 2027: none leap.
    assert.ok(Number.isNaN(inferYear(1, 29, 12, 0, 0, 0, Date.UTC(2026, 5, 1))));
  });

  it('returns NaN for impossible dates', () => {
    assert.ok(Number.isNaN(inferYear(1, 30, 0, 0, 0, 0, REF)));
    assert.ok(Number.isNaN(inferYear(3, 31, 0, 0, 0, 0, REF)));
    assert.ok(Number.isNaN(inferYear(0, 0, 0, 0, 0, 0, REF)));
    assert.ok(Number.isNaN(inferYear(0, 1, 25, 0, 0, 0, REF)));
    assert.ok(Number.isNaN(inferYear(0, 1, 0, 60, 0, 0, REF)));
    assert.ok(Number.isNaN(inferYear(12, 1, 0, 0, 0, 0, REF)));
  });

  it('always lands within half a year (plus a day) of the reference', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1980, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 0, max: 86_399_999 }),
        (ref, month, day, tod) => {
          const h = Math.floor(tod / 3_600_000);
          const m = Math.floor(tod / 60_000) % 60;
          const s = Math.floor(tod / 1000) % 60;
          const t = inferYear(month, day, h, m, s, tod % 1000, ref);
          const d = new Date(t);
          assert.equal(d.getUTCMonth(), month);
          assert.equal(d.getUTCDate(), day);
          assert.ok(Math.abs(t - ref) <= 184 * 86_400_000);
        },
      ),
    );
  });
});

describe('round trip and robustness', () => {
  const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number) => String(n).padStart(2, '0');

  it('recovers any time from short, short-precise, short-iso and short-unix renderings', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) }), (t) => {
        const d = new Date(t);
        const hms = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
        const ms = String(d.getUTCMilliseconds()).padStart(3, '0');
        const day = String(d.getUTCDate()).padStart(2, ' ');
        const sec = Math.floor(t / 1000) * 1000;
        assert.equal(parse(`${MON[d.getUTCMonth()]} ${day} ${hms} gw kernel: ${NF}`, t).tsMs, sec);
        assert.equal(parse(`${MON[d.getUTCMonth()]} ${day} ${hms}.${ms}789 gw kernel: ${NF}`, t).tsMs, t);
        assert.equal(parse(`${d.toISOString().slice(0, 19)}.${ms}+00:00 gw kernel: ${NF}`, REF).tsMs, t);
        assert.equal(parse(`${Math.floor(t / 1000)}.${ms}456 gw kernel: ${NF}`, REF).tsMs, t);
      }),
    );
  });

  it('never throws and keeps prefixStart within [0, nfStart] on arbitrary input', () => {
    const h = new Header();
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.nat(100), (s, k) => {
        const nfStart = Math.min(k, s.length);
        const err = parseSyslogHeader(s, nfStart, REF, h);
        assert.ok(err === null || typeof err === 'string');
        assert.ok(h.prefixStart >= 0 && h.prefixStart <= nfStart);
      }),
    );
    const pieces = [
      'Sep',
      ' ',
      '17',
      '22:26:23',
      '.123',
      '<4>',
      '1',
      '[',
      ']',
      '5.5',
      'kernel:',
      'gw',
      '-',
      ':',
      '"',
      '\\',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 20 }), (parts) => {
        const s = `${parts.join('')}${NF}`;
        const nfStart = s.indexOf('IN=');
        parseSyslogHeader(s, nfStart, REF, h);
        assert.ok(h.prefixStart >= 0 && h.prefixStart <= nfStart);
      }),
    );
  });
});

describe('parseJournalJson', () => {
  const msg = `filter/INPUT: ${NF.trimEnd()}`;

  it('parses a string MESSAGE, the realtime stamp and the host', () => {
    const line = JSON.stringify({
      __REALTIME_TIMESTAMP: '1758147983123456',
      _HOSTNAME: 'mha.can.local',
      MESSAGE: msg,
      SYSLOG_IDENTIFIER: 'kernel',
    });
    assert.deepEqual(parseJournalJson(line), {
      message: msg,
      tsMs: 1_758_147_983_123,
      host: 'mha.can.local',
    });
  });

  it('decodes a byte-array MESSAGE with an invalid UTF-8 byte as a replacement character', () => {
    const bytes = [...Buffer.from('[x', 'utf8'), 0xff, ...Buffer.from('] IN=eth0 OUT=', 'utf8')];
    const got = parseJournalJson(
      JSON.stringify({ MESSAGE: bytes, __REALTIME_TIMESTAMP: '1700000000000999' }),
    );
    assert.deepEqual(got, { message: '[x\uFFFD] IN=eth0 OUT=', tsMs: 1_700_000_000_000, host: null });
  });

  it('takes the first value of a repeated field', () => {
    const got = parseJournalJson(JSON.stringify({ MESSAGE: ['a IN=x', 'b'], _HOSTNAME: ['h1', 'h2'] }));
    assert.deepEqual(got, { message: 'a IN=x', tsMs: null, host: 'h1' });
  });

  it('reports invalid JSON and a missing or unusable MESSAGE', () => {
    assert.equal(parseJournalJson('{"MESSAGE": "x"'), 'invalid JSON');
    assert.equal(parseJournalJson(''), 'invalid JSON');
    assert.equal(parseJournalJson('[1,2]'), 'journal JSON is not an object');
    assert.equal(parseJournalJson('{"_HOSTNAME":"h"}'), 'missing MESSAGE');
    assert.equal(typeof parseJournalJson('{"MESSAGE":null}'), 'string');
    assert.equal(typeof parseJournalJson('{"MESSAGE":[300]}'), 'string');
    assert.equal(typeof parseJournalJson('{"MESSAGE":{}}'), 'string');
  });

  it('tolerates a BOM and CR/LF', () => {
    assert.deepEqual(parseJournalJson(`\uFEFF${JSON.stringify({ MESSAGE: 'IN=a\r\n' })}\r`), {
      message: 'IN=a',
      tsMs: null,
      host: null,
    });
  });
});

describe('a header read from the line bytes', () => {
  // Ingest hands the parser each line's bytes, and the usual `Mmm dd hh:mm:ss host kernel: `
  // header is then read by a path of its own: it must read every header exactly as the general
  // one does, and leave whatever is not that header to it. `parse` checks both ways agree.
  const base = 'Sep 17 22:26:23 fw1.example.net kernel: [12345.678901] [UFW BLOCK] ';
  const alphabet = [...'0123456789 :.[]-_abcdekrnlNSepFb<>Z+T\t'];

  it('agrees with the string path on every header one character away from the usual ones', () => {
    for (const h of [base, base.replace('17', ' 7'), base.replace('[12345.678901] ', '')]) {
      for (let i = 0; i < 45; i++) {
        for (const c of alphabet) {
          parse(h.slice(0, i) + c + h.slice(i + 1) + NF); // replaced
          parse(h.slice(0, i) + c + h.slice(i) + NF); // inserted
        }
        parse(h.slice(0, i) + h.slice(i + 1) + NF); // deleted
      }
    }
  });

  it('agrees with the string path where the usual header is cut short or stretched', () => {
    for (const h of [
      'Sep 17 22:26:23  kernel: ', // no host
      'Sep 17 22:26:23 kernel: ', // the tag where the host would be
      'Sep 17 22:26:23 fw1 kernel:', // the tag without its space, IN= right after
      'Sep 17 22:26:23 fw1 kernel[7]: ',
      'Sep 17 22:26:23 fw1 ',
      'Sep 17 22:26:23 ',
      'Sep 17 22:26:23',
      'Sep 17 22:26:23.5 fw1 kernel: ',
      'Sep 7 22:26:23 fw1 kernel: ',
      'sep 17 22:26:23 fw1 kernel: ',
      'SEP 17 22:26:23 fw1 kernel: ',
      'Feb 29 10:00:00 fw1 kernel: ',
      '\ufeffSep 17 22:26:23 fw1 kernel: ',
    ]) {
      parse(h + NF);
    }
  });

  it('agrees with the string path on headers a few random edits away from the usual one', () => {
    const edit = fc.record({
      at: fc.integer({ min: 0, max: base.length - 1 }),
      op: fc.constantFrom('replace', 'insert', 'delete'),
      c: fc.constantFrom(...alphabet),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 0, maxLength: 3 }), fc.boolean(), (edits, withUptime) => {
        let h = withUptime ? base : base.replace('[12345.678901] ', '');
        for (const { at, op, c } of edits) {
          const i = Math.min(at, h.length);
          h =
            op === 'replace'
              ? h.slice(0, i) + c + h.slice(i + 1)
              : op === 'insert'
                ? h.slice(0, i) + c + h.slice(i)
                : h.slice(0, i) + h.slice(i + 1);
        }
        parse(h + NF);
      }),
      { numRuns: 5_000, seed: 20261207 },
    );
  });

  it('reads the usual header, day padded or not, near a year end, with and without an uptime', () => {
    expectHeader(`Sep 17 22:26:23 fw1 kernel: ${NF}`, { tsMs: SEP17, host: 'fw1', prefix: '' });
    expectHeader(`Sep  7 22:26:23 fw1 kernel: [UFW BLOCK] ${NF}`, {
      tsMs: Date.UTC(2026, 8, 7, 22, 26, 23),
      host: 'fw1',
      prefix: '[UFW BLOCK] ',
    });
    expectHeader(
      `Dec 31 23:59:59 fw1 kernel: [  42.000001] ${NF}`,
      { tsMs: Date.UTC(2025, 11, 31, 23, 59, 59), host: 'fw1', prefix: '', uptime: 42.000001 },
      Date.UTC(2026, 0, 1, 0, 0, 5),
    );
    for (const bad of [
      'Sep 31 22:26:23',
      'Sep 17 24:26:23',
      'Sep 17 22:60:23',
      'Sep 00 22:26:23',
      'Sen 17 22:26:23',
    ]) {
      assert.match(parse(`${bad} fw1 kernel: ${NF}`).err ?? '', /invalid date/, bad);
    }
  });
});
