import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitLines } from '../../functions/core/lines.ts';
import {
  isQuarantined,
  MAX_LINE_CHARS,
  type ParseOptions,
  type ParseResult,
  parseLine,
} from '../../functions/core/parse-line.ts';
import { FirewallRecord } from '../../functions/core/record.ts';
import { COLUMN_NAMES } from '../../functions/core/schema.ts';
import { REAL_LINES } from '../fixtures/real-lines.ts';

const REF = Date.parse('2026-09-18T12:00:00Z');
const opts: ParseOptions = { referenceMs: REF, sourceKey: 'test.log', fallbackHost: null };

function record(line: string, o: ParseOptions = opts): FirewallRecord {
  const r = parseLine(line, 7, o);
  assert.ok(r !== null, `not recognised as netfilter: ${line}`);
  assert.ok(!isQuarantined(r), `quarantined (${isQuarantined(r) ? r.reason : ''}): ${line}`);
  return r as FirewallRecord;
}

function reason(r: ParseResult): string {
  assert.ok(r !== null && isQuarantined(r), `expected a quarantine entry, got ${JSON.stringify(r)}`);
  return r.reason;
}

const STATE_LOSS =
  'Sep 17 23:32:04 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=69.89.31.130 DST=192.168.254.3 LEN=121 TOS=0x00 PREC=0x00 TTL=54 ID=48741 DF PROTO=TCP SPT=993 DPT=60304 WINDOW=405 RES=0x00 ACK PSH URGP=0 ';

describe('record shape', () => {
  it('has exactly the schema columns, in order', () => {
    assert.deepEqual(Object.keys(new FirewallRecord()), COLUMN_NAMES);
  });
});

describe('one record reused for every line (ingest)', () => {
  it('parses each real line into a reused record exactly as into a new one, nothing left from the line before', () => {
    const reused = new FirewallRecord();
    // Every line after every other: a field one line sets and the next does not must come back null.
    const lines = REAL_LINES.map((l) => l.line);
    for (const before of lines) {
      for (const line of lines) {
        parseLine(before, 7, opts, undefined, -1, reused);
        const got = parseLine(line, 7, opts, undefined, -1, reused);
        const fresh = parseLine(line, 7, opts);
        assert.equal(got, isQuarantined(got) || got === null ? got : reused);
        assert.deepEqual({ ...(got as object) }, { ...(fresh as object) }, line);
      }
    }
  });
});

describe('real lines from public sources', () => {
  for (const { what, line, expect } of REAL_LINES) {
    it(what, () => {
      const r = record(line);
      for (const [k, v] of Object.entries(expect))
        assert.deepEqual(r[k as keyof FirewallRecord], v, `field ${k}`);
      assert.equal(r.raw, line);
      assert.equal(r.line_no, 7);
      assert.equal(r.source_key, 'test.log');
    });
  }
});

describe('the state-loss example (journalctl -k short)', () => {
  it('reads every field of an ACK PSH from :993', () => {
    const r = record(STATE_LOSS);
    assert.equal(r.ts, Date.UTC(2026, 8, 17, 23, 32, 4));
    assert.equal(r.host, 'mha.can.local');
    assert.equal(r.prefix, 'filter/INPUT:');
    assert.equal(r.direction, 'in');
    assert.equal(r.in_iface, 'enp0s29f7u2');
    assert.equal(r.mac_dst, '00:24:9b:17:3a:fa');
    assert.equal(r.mac_src, '50:39:55:62:7b:5b');
    assert.equal(r.ethertype, '0800');
    assert.equal(r.ip_version, 4);
    assert.equal(r.src, '69.89.31.130');
    assert.equal(r.dst, '192.168.254.3');
    assert.deepEqual([r.len, r.tos, r.prec, r.ttl, r.ip_id], [121, 0, 0, 54, 48741]);
    assert.deepEqual(r.ip_flags, ['DF']);
    assert.deepEqual([r.proto, r.spt, r.dpt, r.window, r.res, r.urgp], ['TCP', 993, 60304, 405, 0, 0]);
    assert.deepEqual(r.tcp_flags, ['ACK', 'PSH']);
    assert.equal(r.tcp_seq, null);
  });

  it('parses the same with CRLF, without the trailing space, with extra trailing spaces', () => {
    const base = record(STATE_LOSS);
    for (const variant of [
      `${STATE_LOSS}\r\n`,
      STATE_LOSS.trimEnd(),
      `${STATE_LOSS}   `,
      `${STATE_LOSS}\r`,
    ]) {
      const r = record(variant);
      assert.deepEqual({ ...r, raw: '' }, { ...base, raw: '' });
    }
  });

  it('skips grep junk in front of the header', () => {
    for (const junk of ['kern.log:', '/var/log/kern.log.1:', 'kern.log:1234:']) {
      const r = record(junk + STATE_LOSS);
      assert.equal(r.host, 'mha.can.local');
      assert.equal(r.prefix, 'filter/INPUT:');
      assert.equal(r.ts, Date.UTC(2026, 8, 17, 23, 32, 4));
    }
  });

  it('takes the year nearest the reference time, across New Year', () => {
    const dec31 = STATE_LOSS.replace('Sep 17', 'Dec 31');
    assert.equal(
      record(dec31, { ...opts, referenceMs: Date.UTC(2027, 0, 2) }).ts,
      Date.UTC(2026, 11, 31, 23, 32, 4),
    );
    const jan1 = STATE_LOSS.replace('Sep 17', 'Jan  1');
    assert.equal(
      record(jan1, { ...opts, referenceMs: Date.UTC(2026, 11, 31) }).ts,
      Date.UTC(2027, 0, 1, 23, 32, 4),
    );
  });

  it('falls back to the caller’s host when the header names none', () => {
    const body = STATE_LOSS.slice(STATE_LOSS.indexOf('filter/INPUT'));
    const r = record(body, { ...opts, fallbackHost: 'from-key' });
    assert.equal(r.host, 'from-key');
    assert.equal(r.ts, REF);
  });
});

describe('framings', () => {
  const body = STATE_LOSS.slice(STATE_LOSS.indexOf('filter/INPUT'));
  const at = Date.UTC(2026, 8, 17, 23, 32, 4);
  const cases: [string, string, number, string | null][] = [
    ['short-iso', `2026-09-17T23:32:04+0000 fw1 kernel: ${body}`, at, 'fw1'],
    ['short-iso with offset', `2026-09-18T01:32:04+02:00 fw1 kernel: ${body}`, at, 'fw1'],
    ['short-precise', `Sep 17 23:32:04.123456 fw1 kernel: ${body}`, at + 123, 'fw1'],
    ['short-unix', `${at / 1000}.250000 fw1 kernel: ${body}`, at + 250, 'fw1'],
    ['RFC 3339 high precision', `2026-09-17T23:32:04.500000Z fw1 kernel: ${body}`, at + 500, 'fw1'],
    ['PRI + RFC 3164', `<4>Sep 17 23:32:04 fw1 kernel: ${body}`, at, 'fw1'],
    ['RFC 5424', `<4>1 2026-09-17T23:32:04.000Z fw1 kernel - - - ${body}`, at, 'fw1'],
    ['uptime after the tag', `Sep 17 23:32:04 fw1 kernel: [12345.678901] ${body}`, at, 'fw1'],
    ['relay without the kernel: tag', `Sep 17 23:32:04 fw1 ${body}`, at, 'fw1'],
    ['relay without the host', `Sep 17 23:32:04 kernel: ${body}`, at, null],
  ];
  for (const [name, line, ts, host] of cases) {
    it(name, () => {
      const r = record(line);
      assert.equal(r.ts, ts);
      assert.equal(r.host, host);
      assert.equal(r.prefix, 'filter/INPUT:');
      assert.equal(r.src, '69.89.31.130');
    });
  }

  it('journalctl -o json, MESSAGE as text and as a byte array', () => {
    const us = String(at * 1000 + 42_000);
    const text = JSON.stringify({ __REALTIME_TIMESTAMP: us, _HOSTNAME: 'fw9', MESSAGE: body });
    const bytes = JSON.stringify({
      __REALTIME_TIMESTAMP: us,
      _HOSTNAME: 'fw9',
      MESSAGE: [...Buffer.from(body)],
    });
    for (const line of [text, bytes]) {
      const r = record(line);
      assert.equal(r.ts, at + 42);
      assert.equal(r.host, 'fw9');
      assert.equal(r.spt, 993);
      assert.equal(r.raw, line);
    }
  });
});

describe('protocol details', () => {
  const v4 =
    'IN=eth0 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=198.51.100.7 DST=192.0.2.1 LEN=1500 TOS=0x00 PREC=0x00 TTL=54 ID=4242 ';

  it('a non-first IPv4 fragment ends right after PROTO=', () => {
    const r = record(`${v4}MF FRAG:185 PROTO=UDP `);
    assert.deepEqual(r.ip_flags, ['MF']);
    assert.equal(r.frag_offset, 185);
    assert.equal(r.proto, 'UDP');
    assert.equal(r.spt, null);
  });

  it('numeric protocols, with GRE and SCTP named', () => {
    assert.equal(record(`${v4}PROTO=47 `).proto, 'GRE');
    assert.equal(record(`${v4}PROTO=132 `).proto, 'SCTP');
    assert.equal(record(`${v4}PROTO=103 `).proto, '103');
  });

  it('ICMP redirect with its gateway and quoted packet; parameter problem; frag-needed MTU', () => {
    const inner =
      '[SRC=192.0.2.1 DST=203.0.113.5 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=1 PROTO=UDP SPT=5000 DPT=53 LEN=40 ] ';
    const redirect = record(`${v4}PROTO=ICMP TYPE=5 CODE=1 GATEWAY=192.0.2.254 ${inner}`);
    assert.equal(redirect.icmp_gateway, '192.0.2.254');
    assert.equal(redirect.inner_dst, '203.0.113.5');
    assert.equal(record(`${v4}PROTO=ICMP TYPE=12 CODE=0 PARAMETER=20 ${inner}`).icmp_parameter, 20);
    const mtu = record(`${v4}PROTO=ICMP TYPE=3 CODE=4 ${inner}MTU=1400 `);
    assert.deepEqual([mtu.icmp_mtu, mtu.inner_spt, mtu.len, mtu.udp_len], [1400, 5000, 1500, null]);
  });

  it('IPv6 fragment header, with and without the OPT ( ) wrapper', () => {
    const v6 =
      'IN=eth0 OUT= SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 LEN=1280 TC=0 HOPLIMIT=64 FLOWLBL=0 ';
    const first = record(`${v6}FRAG:0 INCOMPLETE ID:0000abcd PROTO=UDP SPT=1000 DPT=53 LEN=1232 `);
    assert.deepEqual(
      [first.frag_offset, first.ip_id, first.ip_flags, first.ip6_ext_headers],
      [0, 0xabcd, ['MF'], ['FRAG']],
    );
    assert.equal(first.spt, 1000);
    const later = record(`${v6}OPT ( FRAG:1232 ID:0000abcd ) PROTO=UDP `);
    assert.deepEqual([later.frag_offset, later.ip_flags, later.spt], [1232, null, null]);
    const hop = record(`${v6}OPT ( ) PROTO=ICMPv6 TYPE=143 CODE=0 `);
    assert.deepEqual(hop.ip6_ext_headers, ['OPT']);
    const unknown = record(`${v6}Unknown Ext Hdr 135`);
    assert.deepEqual(unknown.ip6_ext_headers, ['UNKNOWN:135']);
  });

  it('ICMPv6 packet-too-big and parameter problem with the quoted packet', () => {
    const v6 =
      'IN=eth0 OUT= SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 LEN=1280 TC=0 HOPLIMIT=64 FLOWLBL=0 ';
    const inner =
      '[SRC=2001:0db8:0000:0000:0000:0000:0000:0002 DST=2001:0db8:0000:0000:0000:0000:0000:0009 LEN=1500 TC=0 HOPLIMIT=63 FLOWLBL=5 PROTO=TCP SPT=443 DPT=50000 WINDOW=0 RES=0x00 ACK URGP=0 ] ';
    const big = record(`${v6}PROTO=ICMPv6 TYPE=2 CODE=0 ${inner}MTU=1280 `);
    assert.deepEqual(
      [big.icmp_mtu, big.inner_src, big.inner_dst, big.inner_spt],
      [1280, '2001:db8::2', '2001:db8::9', 443],
    );
    assert.equal(big.flow_label, 0);
    const param = record(`${v6}PROTO=ICMPv6 TYPE=4 CODE=1 POINTER=00000028 ${inner}`);
    assert.equal(param.icmp_pointer, 0x28);
  });

  it('VLAN, macdecode and SIT tunnel link headers', () => {
    const vlan = record(
      'IN=eth0 OUT= MACSRC=00:11:22:33:44:55 MACDST=66:77:88:99:aa:bb VPROTO=8100 VID=42 MACPROTO=0800 SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=0 RES=0x00 RST URGP=0 ',
    );
    assert.deepEqual(
      [vlan.mac_src, vlan.mac_dst, vlan.vlan_proto, vlan.vlan_id, vlan.ethertype],
      ['00:11:22:33:44:55', '66:77:88:99:aa:bb', '8100', 42, '0800'],
    );
    const sit = record(
      'IN=sit1 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 TUNNEL=198.51.100.1->192.0.2.1 SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=1 DPT=22 WINDOW=0 RES=0x00 SYN URGP=0 ',
    );
    assert.equal(sit.tunnel, '198.51.100.1->192.0.2.1');
    const long = record(
      'IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:81:00:00:2a:08:00 SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=47 ',
    );
    assert.equal(long.mac_raw, '00:11:22:33:44:55:66:77:88:99:aa:bb:81:00:00:2a:08:00');
    assert.equal(long.mac_src, null);
  });

  it('a non-IP frame (netdev family) keeps its link header only', () => {
    const r = record('nft: IN=eth0 OUT= MACSRC=00:11:22:33:44:55 MACDST=ff:ff:ff:ff:ff:ff MACPROTO=88cc ');
    assert.deepEqual([r.ethertype, r.proto, r.src], ['88cc', null, null]);
  });

  it('TOS without 0x (old kernels) and the AE flag (new kernels)', () => {
    const r = record(
      'IN=eth0 OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=10 PREC=00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=0 RES=0x00 AE CWR ECE SYN URGP=0 ',
    );
    assert.equal(r.tos, 0x10);
    assert.deepEqual(r.tcp_flags, ['AE', 'CWR', 'ECE', 'SYN']);
  });
});

describe('lines that are not netfilter lines are skipped', () => {
  for (const line of [
    'Sep 17 22:26:20 mha.can.local kernel: Netfilter messages via NETLINK v0.30.',
    'Nov 20 00:00:01 fw01 kernel: nf_conntrack: nf_conntrack: table full, dropping packet',
    '',
    '   ',
    JSON.stringify({ MESSAGE: 'usb 1-1: new high-speed USB device', __REALTIME_TIMESTAMP: '1' }),
  ]) {
    it(JSON.stringify(line.slice(0, 50)), () => assert.equal(parseLine(line, 1, opts), null));
  }
});

describe('bad netfilter lines are quarantined with a reason, never thrown', () => {
  const cut = STATE_LOSS.slice(0, STATE_LOSS.indexOf(' WINDOW='));
  it('truncated in the transport header', () => assert.match(reason(parseLine(cut, 1, opts)), /WINDOW/));
  it('truncated right after IN=', () =>
    assert.match(reason(parseLine('Sep 17 23:32:04 fw kernel: filter/INPUT: IN=eth0', 1, opts)), /OUT=/));
  it('an invalid address', () =>
    assert.match(
      reason(parseLine(STATE_LOSS.replace('69.89.31.130', '69.89.31.300'), 1, opts)),
      /SRC.*69\.89\.31\.300/,
    ));
  it('a number out of range', () =>
    assert.match(reason(parseLine(STATE_LOSS.replace('SPT=993', 'SPT=99300'), 1, opts)), /SPT/));
  it('garbage bytes inside a number', () =>
    assert.match(reason(parseLine(STATE_LOSS.replace('TTL=54', 'TTL=5\uFFFD'), 1, opts)), /TTL/));
  it('an impossible date', () =>
    assert.match(reason(parseLine(STATE_LOSS.replace('Sep 17', 'Feb 30'), 1, opts)), /Feb 30/));
  it('a 1 MB line keeps its first 64 KiB and says why', () => {
    const huge = STATE_LOSS + 'x'.repeat(1 << 20);
    const q = parseLine(huge, 1, opts);
    assert.match(reason(q), /too long/);
    assert.ok(q !== null && isQuarantined(q) && q.raw.length === MAX_LINE_CHARS);
  });
  it('unknown tokens after the packet', () =>
    assert.match(reason(parseLine(`${STATE_LOSS}BOGUS=1 `, 1, opts)), /BOGUS/));
});

describe('bytes to lines', () => {
  async function* chunks(parts: (string | Uint8Array)[]) {
    for (const p of parts) yield typeof p === 'string' ? new TextEncoder().encode(p) : p;
  }
  async function all(parts: (string | Uint8Array)[]) {
    const out: string[] = [];
    for await (const b of splitLines(chunks(parts))) out.push(...b.lines);
    return out;
  }

  it('joins lines split across chunks, including a multi-byte character', async () => {
    const euro = new TextEncoder().encode('€');
    const lines = await all([
      'ab',
      'c\nd',
      new Uint8Array([euro[0]]),
      new Uint8Array([euro[1], euro[2], 10]),
      'tail',
    ]);
    assert.deepEqual(lines, ['abc', 'd€', 'tail']);
  });

  it('turns invalid UTF-8 into U+FFFD, which spoils only the field it is in', async () => {
    const bytes = Buffer.concat([
      Buffer.from(STATE_LOSS.replace('filter/INPUT:', 'filter/IN\xffPUT:'), 'latin1'),
      Buffer.from('\n'),
    ]);
    const [line] = await all([bytes]);
    const r = record(line);
    assert.equal(r.prefix, 'filter/IN\uFFFDPUT:');
    const bad = Buffer.from(`${STATE_LOSS.replace('SRC=69.89.31.130', 'SRC=69.89.\xff1.130')}\n`, 'latin1');
    const [badLine] = await all([bad]);
    assert.match(reason(parseLine(badLine, 1, opts)), /SRC/);
  });

  it('says which batches are all ASCII (their lines are exactly their bytes) and decodes both kinds alike', async () => {
    const batches: { lines: string[]; ascii: boolean; bytes: string[] }[] = [];
    for await (const b of splitLines(
      chunks(['plain line\nsecond\n', 'caf\u00e9 \u20ac\nascii again\n', 'x\n']),
    )) {
      const dec = new TextDecoder();
      batches.push({
        lines: b.lines,
        ascii: b.ascii,
        bytes: b.lines.map((l, i) => dec.decode(b.bytes.subarray(b.starts[i], b.starts[i] + l.length))),
      });
    }
    assert.deepEqual(
      batches.map((b) => [b.lines, b.ascii]),
      [
        [['plain line', 'second'], true],
        [['caf\u00e9 \u20ac', 'ascii again'], false],
        [['x'], true],
      ],
    );
    // In an ASCII batch, line.length bytes from its start are the line itself.
    for (const b of batches.filter((x) => x.ascii)) assert.deepEqual(b.bytes, b.lines);
  });

  it('cuts an overlong line so memory stays bounded, and counts what it dropped', async () => {
    const stats = { droppedBytes: 0 };
    const out: string[] = [];
    const big = 'IN='.padEnd(MAX_LINE_CHARS * 3, 'y');
    for await (const { lines } of splitLines(
      chunks([big.slice(0, 100_000), big.slice(100_000), '\nnext\n']),
      stats,
    ))
      out.push(...lines);
    assert.equal(out.length, 2);
    assert.equal(out[0].length, MAX_LINE_CHARS + 1);
    assert.equal(out[1], 'next');
    assert.equal(stats.droppedBytes, MAX_LINE_CHARS * 3 - MAX_LINE_CHARS - 1);
  });
});
