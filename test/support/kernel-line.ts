/**
 * A fast-check model of the lines net/netfilter/nf_log_syslog.c writes.
 *
 * An arbitrary packet (link header, IPv4 or IPv6 header with extension
 * headers, one transport header, the ICMP-quoted packet, socket owner and mark)
 * is printed exactly the way the kernel prints it: the printers below follow
 * nf_log_dump_packet_common, dump_ipv4_mac_header / dump_ipv6_mac_header,
 * dump_ipv4_packet, dump_ipv6_packet, nf_log_dump_tcp_header and
 * nf_log_dump_udp_header statement by statement, with the same format strings,
 * the same conditions and the same early returns. Next to the text they record
 * `expected`: the record fields a parser must read back.
 *
 * The model is independent of the parser: nothing here imports it. IPv6
 * addresses are expected in RFC 5952 form, computed by `rfc5952` below (the
 * property test cross-checks it against Node's URL parser).
 */
import fc from 'fast-check';

/** Record fields (snake_case column names) the parser must produce. */
export type Expected = Partial<Record<string, unknown>>;

export interface KernelLine {
  /** The whole line: short syslog header, rule prefix, netfilter part, then the line-end variant. */
  readonly line: string;
  /** Every field the line determines, absent ones included as null (framing fields: ts, host, raw, kernel_uptime). */
  readonly expected: Expected;
  /** Fields the kernel's text leaves open (the parser may fill them either way): not to be checked. */
  readonly unchecked: readonly string[];
  /** What the kernel wrote: rule prefix + netfilter part (its trailing space included). */
  readonly message: string;
  /** Index of `IN=` in `line`. */
  readonly nfStart: number;
  /** Syslog host of the header. */
  readonly host: string;
  /** The header's time: whole seconds since the epoch, and the microseconds a precise stamp adds. */
  readonly epochSeconds: number;
  readonly micros: number;
}

/** The reference time lines are generated around (year inference of `Sep 17` stamps). */
export const REFERENCE_MS = Date.UTC(2026, 8, 18, 12, 0, 0);

export type L4Kind = 'tcp' | 'udp' | 'icmp' | 'ipsec' | 'other';

export interface KernelLineOptions {
  /** IP version (default: either). */
  readonly family?: 4 | 6;
  /** Top-level transport kinds to draw from (default: all; ipsec means ESP/AH, IPv4 only). */
  readonly l4?: readonly L4Kind[];
  /** Only echo request/reply for ICMP and ICMPv6 (default false). */
  readonly echoOnly?: boolean;
  /** Non-first fragments, IPv4 or IPv6 (default true). */
  readonly fragments?: boolean;
  /** `INCOMPLETE [n bytes]` transport headers (default true). */
  readonly incomplete?: boolean;
  /** Force --log-tcp-sequence on or off (default: random). */
  readonly tcpSeq?: boolean;
  /**
   * Print VID= the kernel's way: the whole 16-bit TCI, priority bits included
   * (default true). False keeps the priority bits zero, i.e. VID <= 4095.
   */
  readonly vlanPriority?: boolean;
  /**
   * Generate IPv6 extension-header chains that stop inside a quoted packet
   * (`OPT ( )` or `OPT ( AH )` after a non-first fragment, then `]`) (default true).
   */
  readonly quotedExtStop?: boolean;
  /** Generate IPv4 AH non-first fragments followed by UID/GID or MARK (default true). */
  readonly ahFragmentTrailer?: boolean;
  /** Reference time the stamps are drawn around (default REFERENCE_MS). */
  readonly referenceMs?: number;
}

// ---------------------------------------------------------------- the packet model

type Bytes = readonly number[];

interface LogFlags {
  readonly tcpSeq: boolean; // NF_LOG_TCPSEQ
  readonly tcpOpt: boolean; // NF_LOG_TCPOPT
  readonly ipOpt: boolean; // NF_LOG_IPOPT
  readonly uid: boolean; // NF_LOG_UID
}

interface Tcp {
  readonly kind: 'tcp';
  readonly spt: number;
  readonly dpt: number;
  readonly seq: number;
  readonly ack: number;
  readonly window: number;
  readonly res: number;
  /** Bit i set: TCP_FLAG_WORDS[i] is printed. */
  readonly flags: number;
  readonly urgp: number;
  readonly options: Bytes;
  /** Bytes the skb had when the header did not fit: `INCOMPLETE [n bytes]`. */
  readonly incomplete: number | null;
}

interface Udp {
  readonly kind: 'udp';
  readonly lite: boolean;
  readonly spt: number;
  readonly dpt: number;
  readonly len: number;
  readonly incomplete: number | null;
}

interface Icmp {
  readonly kind: 'icmp';
  readonly type: number;
  readonly code: number;
  readonly id: number;
  readonly seq: number;
  /** IPv4 parameter problem: the pointer byte. */
  readonly parameter: number;
  /** IPv6 parameter problem: the 32-bit pointer. */
  readonly pointer: number;
  readonly gateway: Bytes;
  readonly mtu: number;
  readonly incomplete: number | null;
  /** The packet an error quotes (only at the top level: the kernel recurses once). */
  readonly quoted: IpPacket | null;
}

interface Ipsec {
  readonly kind: 'esp' | 'ah';
  readonly spi: number;
}

interface OtherProto {
  readonly kind: 'other';
  readonly proto: number;
}

type Transport = Tcp | Udp | Icmp | Ipsec | OtherProto;

interface Ip4 {
  readonly v: 4;
  readonly src: Bytes;
  readonly dst: Bytes;
  readonly len: number;
  readonly tos: number;
  readonly ttl: number;
  readonly id: number;
  readonly ce: boolean;
  readonly df: boolean;
  readonly mf: boolean;
  /** Fragment offset in 8-byte units (IP_OFFSET bits). */
  readonly frag: number;
  readonly options: Bytes;
  readonly l4: Transport;
}

type Ext6 =
  | { readonly kind: 'opt' } // hop-by-hop, routing or destination options
  | { readonly kind: 'frag'; readonly offset: number; readonly more: boolean; readonly id: number }
  | { readonly kind: 'ah'; readonly spi: number }
  | { readonly kind: 'esp'; readonly spi: number };

interface Ip6 {
  readonly v: 6;
  readonly src: readonly number[];
  readonly dst: readonly number[];
  readonly payloadLen: number;
  readonly tc: number;
  readonly hopLimit: number;
  readonly flowLabel: number;
  readonly exts: readonly Ext6[];
  readonly l4: Transport;
}

type IpPacket = Ip4 | Ip6;

type Link =
  | { readonly kind: 'mac'; readonly bytes: Bytes } // MAC= with a 14-byte Ethernet header
  | {
      readonly kind: 'decode'; // --log-macdecode
      readonly src: Bytes;
      readonly dst: Bytes;
      readonly vlan: { readonly proto: number; readonly tci: number } | null;
      readonly type: number;
    }
  | { readonly kind: 'raw'; readonly bytes: Bytes }; // other hard_header_len (0: tun, ppp, wireguard)

/** The skb fields printed after the packet, at the top level only. */
interface Trailer {
  readonly owner: { readonly uid: number; readonly gid: number } | null;
  readonly mark: number;
}

interface PrefixCase {
  /** As the rule wrote it, trailing space included. */
  readonly text: string;
  readonly prefix: string | null;
  readonly action: string | null;
  readonly ruleSet: string | null;
  readonly ruleNumber: string | null;
}

// ---------------------------------------------------------------- printing helpers

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');
const HEX2 = (b: number): string => hex2(b).toUpperCase();
const hex4 = (v: number): string => v.toString(16).padStart(4, '0');
const hex8 = (v: number): string => v.toString(16).padStart(8, '0');
/** %pI4 */
const pI4 = (b: Bytes): string => b.join('.');
/** %pI6: always the full form, 8 groups of 4 lowercase hex digits. */
const pI6 = (g: readonly number[]): string => g.map(hex4).join(':');
/** %pM */
const pM = (b: Bytes): string => b.map(hex2).join(':');
/** `%02X` over an option dump. */
const optDump = (b: Bytes): string => b.map(HEX2).join('');

/**
 * RFC 5952 text of 8 groups: lowercase, no leading zeros, the first longest run
 * of two or more zero groups as `::`, IPv4-mapped addresses ending in a dotted quad.
 */
export function rfc5952(groups: readonly number[]): string {
  if (groups.length !== 8) throw new Error('8 groups expected');
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`;
  }
  let at = -1;
  let len = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > len) {
      at = i;
      len = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const text = groups.map((g) => g.toString(16));
  if (at < 0) return text.join(':');
  return `${text.slice(0, at).join(':')}::${text.slice(at + len).join(':')}`;
}

/** The full %pI6 text of 8 groups (exported for tests that build addresses). */
export const fullIPv6 = pI6;

/** The record's name for a PROTO= number (the parser names GRE and SCTP). */
function protoName(n: number): string {
  return n === 47 ? 'GRE' : n === 132 ? 'SCTP' : String(n);
}

/** Field setter: the top level writes the field itself; a quoted packet only its inner_* columns. */
type Sink = (field: string, value: unknown) => void;

const INNER: Readonly<Record<string, string>> = {
  src: 'inner_src',
  dst: 'inner_dst',
  proto: 'inner_proto',
  spt: 'inner_spt',
  dpt: 'inner_dpt',
};

class Printer {
  text = '';
  readonly expected: Expected = {};
  readonly unchecked = new Set<string>();
  add(s: string): void {
    this.text += s;
  }
  readonly top: Sink = (field, value) => {
    this.expected[field] = value;
  };
  readonly inner: Sink = (field, value) => {
    const to = INNER[field];
    if (to !== undefined) this.expected[to] = value;
    // A quoted packet cut short: whether that makes the record `truncated` is the parser's call.
    if (field === 'truncated') this.unchecked.add('truncated');
  };
}

// ---------------------------------------------------------------- the kernel's printers

const TCP_FLAG_WORDS = ['AE', 'CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'];

/** nf_log_dump_packet_common */
function dumpCommon(
  m: Printer,
  set: Sink,
  prefix: PrefixCase,
  inIf: string,
  outIf: string,
  physIn: string | null,
  physOut: string | null,
): void {
  m.add(`${prefix.text}IN=${inIf} OUT=${outIf} `);
  set('prefix', prefix.prefix);
  set('action', prefix.action);
  set('rule_set', prefix.ruleSet);
  set('rule_number', prefix.ruleNumber);
  set('in_iface', inIf === '' ? null : inIf);
  set('out_iface', outIf === '' ? null : outIf);
  set('direction', inIf !== '' ? (outIf !== '' ? 'forward' : 'in') : outIf !== '' ? 'out' : null);
  if (physIn !== null) {
    m.add(`PHYSIN=${physIn} `);
    set('phys_in', physIn);
  }
  if (physOut !== null) {
    m.add(`PHYSOUT=${physOut} `);
    set('phys_out', physOut);
  }
}

/** dump_ipv4_mac_header / dump_ipv6_mac_header (called only when IN is set). */
function dumpMacHeader(m: Printer, set: Sink, link: Link): void {
  if (link.kind === 'decode') {
    m.add(`MACSRC=${pM(link.src)} MACDST=${pM(link.dst)} `);
    set('mac_src', pM(link.src));
    set('mac_dst', pM(link.dst));
    // nf_log_dump_vlan: VID is skb_vlan_tag_get(), the whole TCI.
    if (link.vlan !== null) {
      m.add(`VPROTO=${hex4(link.vlan.proto)} VID=${link.vlan.tci} `);
      set('vlan_proto', hex4(link.vlan.proto));
      set('vlan_id', link.vlan.tci);
    }
    m.add(`MACPROTO=${hex4(link.type)} `);
    set('ethertype', hex4(link.type));
    return;
  }
  m.add(`MAC=${link.bytes.map(hex2).join(':')} `);
  if (link.kind === 'mac') {
    set('mac_dst', pM(link.bytes.slice(0, 6)));
    set('mac_src', pM(link.bytes.slice(6, 12)));
    set('ethertype', hex2(link.bytes[12]) + hex2(link.bytes[13]));
  } else {
    set('mac_raw', link.bytes.map(hex2).join(':'));
  }
}

/** nf_log_dump_tcp_header; true when the caller must return (no trailer). */
function dumpTcp(m: Printer, set: Sink, t: Tcp, fragment: boolean, f: LogFlags): boolean {
  m.add('PROTO=TCP ');
  set('proto', 'TCP');
  if (fragment) return false;
  if (t.incomplete !== null) {
    m.add(`INCOMPLETE [${t.incomplete} bytes] `);
    set('truncated', true);
    return true;
  }
  m.add(`SPT=${t.spt} DPT=${t.dpt} `);
  set('spt', t.spt);
  set('dpt', t.dpt);
  if (f.tcpSeq) {
    m.add(`SEQ=${t.seq} ACK=${t.ack} `);
    set('tcp_seq', t.seq);
    set('tcp_ack', t.ack);
  }
  m.add(`WINDOW=${t.window} `);
  set('window', t.window);
  m.add(`RES=0x${hex2(t.res)} `);
  set('res', t.res);
  const flags: string[] = [];
  for (let i = 0; i < TCP_FLAG_WORDS.length; i++) {
    if (t.flags & (1 << i)) {
      m.add(`${TCP_FLAG_WORDS[i]} `);
      flags.push(TCP_FLAG_WORDS[i]);
    }
  }
  set('tcp_flags', flags);
  m.add(`URGP=${t.urgp} `);
  set('urgp', t.urgp);
  if (f.tcpOpt && t.options.length > 0) {
    m.add(`OPT (${optDump(t.options)}) `);
    set('tcp_options', optDump(t.options));
  }
  return false;
}

/** nf_log_dump_udp_header; true when the caller must return. */
function dumpUdp(m: Printer, set: Sink, u: Udp, fragment: boolean): boolean {
  m.add(u.lite ? 'PROTO=UDPLITE ' : 'PROTO=UDP ');
  set('proto', u.lite ? 'UDPLITE' : 'UDP');
  if (fragment) return false;
  if (u.incomplete !== null) {
    m.add(`INCOMPLETE [${u.incomplete} bytes] `);
    set('truncated', true);
    return true;
  }
  m.add(`SPT=${u.spt} DPT=${u.dpt} LEN=${u.len} `);
  set('spt', u.spt);
  set('dpt', u.dpt);
  set('udp_len', u.len);
  return false;
}

/** The socket owner and mark: printed for the top-level packet only. */
function dumpTrailer(m: Printer, set: Sink, f: LogFlags, t: Trailer): void {
  if (f.uid && t.owner !== null) {
    m.add(`UID=${t.owner.uid} GID=${t.owner.gid} `);
    set('uid', t.owner.uid);
    set('gid', t.owner.gid);
  }
  if (t.mark !== 0) {
    m.add(`MARK=0x${t.mark.toString(16)} `);
    set('mark', t.mark);
  }
}

/** dump_ipv4_packet; `trailer` is null for the packet quoted by an ICMP error (iphoff != 0). */
function dumpIPv4(m: Printer, set: Sink, ip: Ip4, f: LogFlags, trailer: Trailer | null): void {
  const top = trailer !== null;
  m.add(`SRC=${pI4(ip.src)} DST=${pI4(ip.dst)} `);
  set('ip_version', 4);
  set('src', pI4(ip.src));
  set('dst', pI4(ip.dst));
  m.add(
    `LEN=${ip.len} TOS=0x${HEX2(ip.tos & 0x1e)} PREC=0x${HEX2(ip.tos & 0xe0)} TTL=${ip.ttl} ID=${ip.id} `,
  );
  set('len', ip.len);
  set('tos', ip.tos & 0x1e);
  set('prec', ip.tos & 0xe0);
  set('ttl', ip.ttl);
  set('ip_id', ip.id);
  const flags: string[] = [];
  if (ip.ce) flags.push('CE');
  if (ip.df) flags.push('DF');
  if (ip.mf) flags.push('MF');
  for (const w of flags) m.add(`${w} `);
  set('ip_flags', flags.length > 0 ? flags : null);
  if (ip.frag !== 0) {
    m.add(`FRAG:${ip.frag} `);
    set('frag_offset', ip.frag);
  }
  if (f.ipOpt && ip.options.length > 0) {
    m.add(`OPT (${optDump(ip.options)}) `);
    set('ip_options', optDump(ip.options));
  }
  const fragment = ip.frag !== 0;
  const l4 = ip.l4;
  switch (l4.kind) {
    case 'tcp':
      if (dumpTcp(m, set, l4, fragment, f)) return;
      break;
    case 'udp':
      if (dumpUdp(m, set, l4, fragment)) return;
      break;
    case 'icmp': {
      m.add('PROTO=ICMP ');
      set('proto', 'ICMP');
      if (fragment) break;
      if (l4.incomplete !== null) {
        m.add(`INCOMPLETE [${l4.incomplete} bytes] `);
        set('truncated', true);
        break;
      }
      m.add(`TYPE=${l4.type} CODE=${l4.code} `);
      set('icmp_type', l4.type);
      set('icmp_code', l4.code);
      // The kernel's switch on the type, its REDIRECT case falling through into the errors.
      if (l4.type === 0 || l4.type === 8) {
        m.add(`ID=${l4.id} SEQ=${l4.seq} `);
        set('icmp_id', l4.id);
        set('icmp_seq', l4.seq);
      } else if (l4.type === 12) {
        m.add(`PARAMETER=${l4.parameter} `);
        set('icmp_parameter', l4.parameter);
      } else if (l4.type === 5 || l4.type === 3 || l4.type === 4 || l4.type === 11) {
        if (l4.type === 5) {
          m.add(`GATEWAY=${pI4(l4.gateway)} `);
          set('icmp_gateway', pI4(l4.gateway));
        }
        if (top && l4.quoted !== null && l4.quoted.v === 4) {
          m.add('[');
          dumpIPv4(m, m.inner, l4.quoted, f, null);
          m.add('] ');
        }
        if (l4.type === 3 && l4.code === 4) {
          m.add(`MTU=${l4.mtu} `);
          set('icmp_mtu', l4.mtu);
        }
      }
      break;
    }
    case 'ah':
      if (fragment) break;
      m.add('PROTO=AH ');
      set('proto', 'AH');
      m.add(`SPI=0x${l4.spi.toString(16)} `);
      set('spi', l4.spi);
      break;
    case 'esp':
      m.add('PROTO=ESP ');
      set('proto', 'ESP');
      if (fragment) break;
      m.add(`SPI=0x${l4.spi.toString(16)} `);
      set('spi', l4.spi);
      break;
    case 'other':
      m.add(`PROTO=${l4.proto} `);
      set('proto', protoName(l4.proto));
  }
  if (trailer !== null) dumpTrailer(m, set, f, trailer);
}

/** dump_ipv6_packet; `trailer` is null for a quoted packet (recurse == 0). */
function dumpIPv6(m: Printer, set: Sink, ip: Ip6, f: LogFlags, trailer: Trailer | null): void {
  const recurse = trailer !== null;
  m.add(`SRC=${pI6(ip.src)} DST=${pI6(ip.dst)} `);
  set('ip_version', 6);
  set('src', rfc5952(ip.src));
  set('dst', rfc5952(ip.dst));
  m.add(`LEN=${ip.payloadLen + 40} TC=${ip.tc} HOPLIMIT=${ip.hopLimit} FLOWLBL=${ip.flowLabel} `);
  set('len', ip.payloadLen + 40);
  set('tc', ip.tc);
  set('hop_limit', ip.hopLimit);
  set('flow_label', ip.flowLabel);

  const exts: string[] = [];
  const done = (): void => set('ip6_ext_headers', exts.length > 0 ? exts : null);
  let fragment = false;
  for (const x of ip.exts) {
    if (f.ipOpt) m.add('OPT ( ');
    switch (x.kind) {
      case 'frag':
        m.add('FRAG:');
        m.add(`${x.offset} `);
        exts.push('FRAG');
        set('frag_offset', x.offset);
        if (x.more) {
          m.add('INCOMPLETE ');
          set('ip_flags', ['MF']);
        }
        m.add(`ID:${hex8(x.id)} `);
        set('ip_id', x.id);
        if (x.offset !== 0) fragment = true;
        break;
      case 'opt':
        if (fragment) {
          if (f.ipOpt) {
            m.add(')');
            exts.push('OPT');
          }
          done();
          return;
        }
        if (f.ipOpt) exts.push('OPT');
        break;
      case 'ah':
        if (f.ipOpt) {
          m.add('AH ');
          exts.push('AH');
          if (fragment) {
            m.add(')');
            done();
            return;
          }
          m.add(`SPI=0x${x.spi.toString(16)} `);
          set('spi', x.spi);
        }
        break;
      case 'esp':
        if (f.ipOpt) {
          m.add('ESP ');
          exts.push('ESP');
          if (fragment) {
            m.add(')');
            done();
            return;
          }
          m.add(`SPI=0x${x.spi.toString(16)} )`);
          set('spi', x.spi);
        }
        done();
        return;
    }
    if (f.ipOpt) m.add(') ');
  }
  done();

  const l4 = ip.l4;
  switch (l4.kind) {
    case 'tcp':
      if (dumpTcp(m, set, l4, fragment, f)) return;
      break;
    case 'udp':
      if (dumpUdp(m, set, l4, fragment)) return;
      break;
    case 'icmp':
      m.add('PROTO=ICMPv6 ');
      set('proto', 'ICMPv6');
      if (fragment) break;
      if (l4.incomplete !== null) {
        m.add(`INCOMPLETE [${l4.incomplete} bytes] `);
        set('truncated', true);
        return;
      }
      m.add(`TYPE=${l4.type} CODE=${l4.code} `);
      set('icmp_type', l4.type);
      set('icmp_code', l4.code);
      // The kernel's switch on the type, its PARAMPROB case falling through into the errors.
      if (l4.type === 128 || l4.type === 129) {
        m.add(`ID=${l4.id} SEQ=${l4.seq} `);
        set('icmp_id', l4.id);
        set('icmp_seq', l4.seq);
      } else if (l4.type >= 1 && l4.type <= 4) {
        if (l4.type === 4) {
          m.add(`POINTER=${hex8(l4.pointer)} `);
          set('icmp_pointer', l4.pointer);
        }
        if (recurse && l4.quoted !== null && l4.quoted.v === 6) {
          m.add('[');
          dumpIPv6(m, m.inner, l4.quoted, f, null);
          m.add('] ');
        }
        if (l4.type === 2) {
          m.add(`MTU=${l4.mtu} `);
          set('icmp_mtu', l4.mtu);
        }
      } // 130-132 (MLD) and the rest: nothing more
      break;
    case 'other':
      m.add(`PROTO=${l4.proto} `);
      set('proto', protoName(l4.proto));
      break;
    default:
      throw new Error(`no ${l4.kind} transport in IPv6 (an extension header there)`);
  }
  if (trailer !== null) dumpTrailer(m, set, f, trailer);
}

// ---------------------------------------------------------------- arbitraries

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (n: number): fc.Arbitrary<number[]> => fc.array(u8, { minLength: n, maxLength: n });
/** Option bytes: a header longer than its fixed part by 1 to 10 32-bit words, or none. */
const optionBytes: fc.Arbitrary<number[]> = fc.oneof(
  { arbitrary: fc.constant<number[]>([]), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 10 }).chain((k) => bytes(4 * k)), weight: 1 },
);
/** `arb` in about one draw out of `n`, else null. */
const rarely = <T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary: fc.constant(null), weight: n - 1 }, { arbitrary: arb, weight: 1 });
const incompleteBytes = (max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max });

/** An IPv6 address as 8 groups, biased to the zero runs RFC 5952 compresses. */
const ipv6Groups: fc.Arbitrary<number[]> = fc.oneof(
  { arbitrary: fc.array(u16, { minLength: 8, maxLength: 8 }), weight: 2 },
  {
    arbitrary: fc.array(fc.oneof(fc.constant(0), fc.constant(1), u16), { minLength: 8, maxLength: 8 }),
    weight: 4,
  },
  {
    arbitrary: fc.constantFrom<number[]>(
      [0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 1],
      [0xfe80, 0, 0, 0, 0x21b, 0x21ff, 0xfe00, 0x1234],
      [0xff02, 0, 0, 0, 0, 0, 0, 0x16],
      [0x2001, 0xdb8, 0, 0, 1, 0, 0, 1],
      [0x2001, 0xdb8, 0, 1, 1, 1, 1, 1],
    ),
    weight: 1,
  },
  // IPv4-mapped ::ffff:a.b.c.d
  {
    arbitrary: bytes(4).map((b) => [0, 0, 0, 0, 0, 0xffff, (b[0] << 8) | b[1], (b[2] << 8) | b[3]]),
    weight: 1,
  },
);

/** Linux interface names: at most 15 characters, no space, '/' or ':'. */
const ifaceName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'eth0',
    'enp0s31f6',
    'enp0s29f7u2',
    'wlan0',
    'wlp2s0',
    'br-lan',
    'br0',
    'docker0',
    'wg0',
    'ppp0',
    'tun0',
    'lo',
    'eth0.100',
    'veth1a2b3c4',
    'pppoe-wan',
    'ipsec0',
  ),
  fc.stringMatching(/^[a-z][a-z0-9_.-]{0,14}$/),
);

const hostName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('fw1', 'mha.can.local', 'router', 'gw-01', 'edge.example.org', 'ubuntu', '10.0.0.1'),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,15}(\.[a-z][a-z0-9-]{0,8}){0,2}$/),
);

const PREFIXES: readonly PrefixCase[] = [
  { text: '', prefix: null, action: null, ruleSet: null, ruleNumber: null },
  { text: 'filter/INPUT: ', prefix: 'filter/INPUT:', action: null, ruleSet: null, ruleNumber: null },
  { text: '[UFW BLOCK] ', prefix: '[UFW BLOCK]', action: 'block', ruleSet: null, ruleNumber: null },
  { text: '[UFW ALLOW] ', prefix: '[UFW ALLOW]', action: 'allow', ruleSet: null, ruleNumber: null },
  { text: '[UFW AUDIT] ', prefix: '[UFW AUDIT]', action: 'log', ruleSet: null, ruleNumber: null },
  { text: 'FINAL_REJECT: ', prefix: 'FINAL_REJECT:', action: 'reject', ruleSet: null, ruleNumber: null },
  {
    text: 'filter_IN_public_REJECT: ',
    prefix: 'filter_IN_public_REJECT:',
    action: 'reject',
    ruleSet: null,
    ruleNumber: null,
  },
  {
    text: '[WAN_LOCAL-default-D]',
    prefix: '[WAN_LOCAL-default-D]',
    action: 'drop',
    ruleSet: 'WAN_LOCAL',
    ruleNumber: 'default',
  },
  {
    text: '[ipv6-WAN6_IN-10-A]',
    prefix: '[ipv6-WAN6_IN-10-A]',
    action: 'allow',
    ruleSet: 'ipv6-WAN6_IN',
    ruleNumber: '10',
  },
  {
    text: 'Shorewall:net-fw:DROP:',
    prefix: 'Shorewall:net-fw:DROP:',
    action: 'drop',
    ruleSet: null,
    ruleNumber: null,
  },
  { text: 'drop wan in: ', prefix: 'drop wan in:', action: 'drop', ruleSet: null, ruleNumber: null },
  { text: 'DROP(src wan)', prefix: 'DROP(src wan)', action: 'drop', ruleSet: null, ruleNumber: null },
  { text: 'LOG_DROP ', prefix: 'LOG_DROP', action: 'drop', ruleSet: null, ruleNumber: null },
];

interface Opts {
  readonly family: 4 | 6 | null;
  readonly l4: readonly L4Kind[];
  readonly echoOnly: boolean;
  readonly fragments: boolean;
  readonly incomplete: boolean;
  readonly tcpSeq: boolean | null;
  readonly vlanPriority: boolean;
  readonly quotedExtStop: boolean;
  readonly ahFragmentTrailer: boolean;
  readonly referenceMs: number;
}

function maybeIncomplete(o: Opts, max: number): fc.Arbitrary<number | null> {
  return o.incomplete ? rarely(incompleteBytes(max), 10) : fc.constant(null);
}

function tcp(o: Opts): fc.Arbitrary<Tcp> {
  return fc.record({
    kind: fc.constant('tcp' as const),
    spt: u16,
    dpt: u16,
    seq: u32,
    ack: u32,
    window: u16,
    // (tcp_flag_word & TCP_RESERVED_BITS) >> 22: the reserved nibble, shifted left by 2.
    res: fc.integer({ min: 0, max: 15 }).map((r) => r << 2),
    flags: fc.oneof(
      fc.integer({ min: 0, max: 511 }),
      fc.constantFrom(0b000000100, 0b000010000, 0b000010100, 0b000110000, 0b000011000, 0b000001001),
    ),
    urgp: u16,
    options: optionBytes,
    incomplete: maybeIncomplete(o, 19),
  });
}

function udp(o: Opts): fc.Arbitrary<Udp> {
  return fc.record({
    kind: fc.constant('udp' as const),
    lite: fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 }),
    spt: u16,
    dpt: u16,
    len: u16,
    incomplete: maybeIncomplete(o, 7),
  });
}

const ICMP4_TYPES = fc.oneof(
  { arbitrary: fc.constantFrom(0, 8), weight: 3 },
  { arbitrary: fc.constantFrom(3, 4, 5, 11), weight: 3 },
  { arbitrary: fc.constant(12), weight: 1 },
  { arbitrary: u8.filter((t) => ![0, 3, 4, 5, 8, 11, 12].includes(t)), weight: 1 },
);
const ICMP6_TYPES = fc.oneof(
  { arbitrary: fc.constantFrom(128, 129), weight: 3 },
  { arbitrary: fc.constantFrom(1, 2, 3, 4), weight: 3 },
  { arbitrary: fc.constantFrom(130, 131, 132, 133, 134, 135, 136, 143), weight: 1 },
  { arbitrary: u8, weight: 1 },
);

function icmp(o: Opts, v: 4 | 6, top: boolean): fc.Arbitrary<Icmp> {
  const echo: fc.Arbitrary<number> = v === 4 ? fc.constantFrom(0, 8) : fc.constantFrom(128, 129);
  const quoted: fc.Arbitrary<IpPacket | null> = top
    ? v === 4
      ? ip4(o, false)
      : ip6(o, false)
    : fc.constant(null);
  return fc.record({
    kind: fc.constant('icmp' as const),
    type: o.echoOnly ? echo : v === 4 ? ICMP4_TYPES : ICMP6_TYPES,
    code: fc.oneof(fc.constant(4), fc.integer({ min: 0, max: 15 }), u8),
    id: u16,
    seq: u16,
    parameter: u8,
    pointer: u32,
    gateway: bytes(4),
    mtu: v === 4 ? u16 : u32,
    incomplete: maybeIncomplete(o, 7),
    quoted,
  });
}

const ipsec: fc.Arbitrary<Ipsec> = fc.record({
  kind: fc.constantFrom('esp' as const, 'ah' as const),
  spi: u32,
});

/** Protocol numbers the kernel prints as PROTO=%u (everything it has no branch for). */
function otherProto(v: 4 | 6): fc.Arbitrary<OtherProto> {
  // IPv6: also not an extension header (nf_ip6_ext_hdr), except 59 (no next header), printed as a number.
  const named = v === 4 ? [1, 6, 17, 50, 51, 136] : [0, 6, 17, 43, 44, 50, 51, 58, 60, 136];
  return fc
    .oneof(fc.constantFrom(47, 132, 2, 41, 89, 103, 112, 59, 58, 1), u8)
    .filter((n) => !named.includes(n))
    .map((proto) => ({ kind: 'other' as const, proto }));
}

function transport(o: Opts, v: 4 | 6, top: boolean): fc.Arbitrary<Transport> {
  const kinds = top ? o.l4 : (['tcp', 'udp', 'icmp', 'ipsec', 'other'] as const);
  const arbs: fc.WeightedArbitrary<Transport>[] = [];
  for (const k of kinds) {
    if (k === 'tcp') arbs.push({ arbitrary: tcp(o), weight: 4 });
    if (k === 'udp') arbs.push({ arbitrary: udp(o), weight: 3 });
    if (k === 'icmp') arbs.push({ arbitrary: icmp(o, v, top), weight: 3 });
    if (k === 'ipsec' && v === 4) arbs.push({ arbitrary: ipsec, weight: 1 });
    if (k === 'other') arbs.push({ arbitrary: otherProto(v), weight: 1 });
  }
  if (arbs.length === 0) throw new Error(`no transport of ${kinds.join(', ')} exists in IPv${v}`);
  return fc.oneof(...arbs);
}

function ip4(o: Opts, top: boolean): fc.Arbitrary<Ip4> {
  return fc
    .record({
      v: fc.constant(4 as const),
      src: bytes(4),
      dst: bytes(4),
      len: u16,
      tos: u8,
      ttl: u8,
      id: u16,
      ce: fc.boolean(),
      df: fc.boolean(),
      mf: fc.boolean(),
      frag: o.fragments
        ? fc.oneof(
            { arbitrary: fc.constant(0), weight: 5 },
            { arbitrary: fc.integer({ min: 1, max: 0x1fff }), weight: 1 },
          )
        : fc.constant(0),
      options: optionBytes,
      l4: transport(o, 4, top),
    })
    .filter((ip) => o.ahFragmentTrailer || !(top && ip.frag !== 0 && ip.l4.kind === 'ah'));
}

const ext6Frag = (o: Opts): fc.Arbitrary<Ext6> =>
  fc.record({
    kind: fc.constant('frag' as const),
    offset: o.fragments
      ? fc.oneof(
          fc.constant(0),
          fc.integer({ min: 1, max: 0x1fff }).map((x) => x << 3),
        )
      : fc.constant(0),
    more: fc.boolean(),
    id: u32,
  });
const ext6Opt: fc.Arbitrary<Ext6> = fc.constant({ kind: 'opt' as const });
const ext6Ah: fc.Arbitrary<Ext6> = u32.map((spi) => ({ kind: 'ah' as const, spi }));
const ext6Esp: fc.Arbitrary<Ext6> = u32.map((spi) => ({ kind: 'esp' as const, spi }));

/** An extension-header chain: options/AH, at most one fragment header, options/AH, maybe a final ESP. */
function ext6Chain(o: Opts): fc.Arbitrary<Ext6[]> {
  const optOrAh = fc.oneof(ext6Opt, ext6Ah);
  return fc
    .tuple(
      fc.array(optOrAh, { maxLength: 2 }),
      fc.option(ext6Frag(o)),
      fc.array(optOrAh, { maxLength: 1 }),
      rarely(ext6Esp, 6),
    )
    .map(([a, frag, b, esp]) => [
      ...a,
      ...(frag === null ? [] : [frag]),
      ...b,
      ...(esp === null ? [] : [esp]),
    ]);
}

function ip6(o: Opts, top: boolean): fc.Arbitrary<Ip6> {
  return fc
    .record({
      v: fc.constant(6 as const),
      src: ipv6Groups,
      dst: ipv6Groups,
      payloadLen: u16,
      tc: u8,
      hopLimit: u8,
      flowLabel: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xfffff })),
      exts: fc.oneof(
        { arbitrary: fc.constant<Ext6[]>([]), weight: 2 },
        { arbitrary: ext6Chain(o), weight: 1 },
      ),
      l4: transport(o, 6, top),
    })
    .filter((ip) => top || o.quotedExtStop || !stopsAfterFragment(ip.exts));
}

/** Whether the chain ends the packet with `)` right after a non-first fragment (options or AH follow it). */
function stopsAfterFragment(exts: readonly Ext6[]): boolean {
  let fragment = false;
  for (const x of exts) {
    if (x.kind === 'frag' && x.offset !== 0) fragment = true;
    else if (fragment && (x.kind === 'opt' || x.kind === 'ah')) return true;
  }
  return false;
}

function link(o: Opts): fc.Arbitrary<Link> {
  const mac = bytes(6);
  const ethertype = fc.oneof(fc.constantFrom(0x0800, 0x86dd, 0x8100), u16);
  return fc.oneof(
    {
      arbitrary: fc
        .tuple(mac, mac, ethertype)
        .map(([d, s, t]): Link => ({ kind: 'mac', bytes: [...d, ...s, t >> 8, t & 255] })),
      weight: 6,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('decode' as const),
        src: mac,
        dst: mac,
        vlan: fc.option(
          fc.record({
            proto: fc.constantFrom(0x8100, 0x88a8),
            tci: o.vlanPriority ? u16 : fc.integer({ min: 0, max: 4095 }),
          }),
        ),
        type: ethertype,
      }),
      weight: 3,
    },
    {
      arbitrary: fc
        .oneof(fc.constant(0), fc.constantFrom(4, 16, 18, 24))
        .chain((n) => bytes(n))
        .map((b): Link => ({ kind: 'raw', bytes: b })),
      weight: 1,
    },
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_S = 86_400;

/** `Mmm dd HH:MM:SS` of epoch seconds (UTC), the day space-padded to 2. */
export function syslogStamp(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())}`;
}

type Ending = 'keep' | 'drop-space' | 'cr' | 'crlf' | 'lf';

/** Lines in the kernel's format, with the fields they carry. */
export function kernelLine(options: KernelLineOptions = {}): fc.Arbitrary<KernelLine> {
  const o: Opts = {
    family: options.family ?? null,
    l4: options.l4 ?? ['tcp', 'udp', 'icmp', 'ipsec', 'other'],
    echoOnly: options.echoOnly ?? false,
    fragments: options.fragments ?? true,
    incomplete: options.incomplete ?? true,
    tcpSeq: options.tcpSeq ?? null,
    vlanPriority: options.vlanPriority ?? true,
    quotedExtStop: options.quotedExtStop ?? true,
    ahFragmentTrailer: options.ahFragmentTrailer ?? true,
    referenceMs: options.referenceMs ?? REFERENCE_MS,
  };
  const refS = Math.floor(o.referenceMs / 1000);
  const families: fc.Arbitrary<IpPacket>[] = [];
  if (o.family !== 6) families.push(ip4(o, true));
  // ESP and AH are extension headers in IPv6, not transports.
  if (o.family !== 4 && o.l4.some((k) => k !== 'ipsec')) families.push(ip6(o, true));
  return fc
    .record({
      // Within five months of the reference, so the year of a `Sep 17` stamp is never in doubt.
      epochSeconds: fc.integer({ min: refS - 150 * DAY_S, max: refS + 150 * DAY_S }),
      micros: fc.integer({ min: 0, max: 999_999 }),
      host: hostName,
      prefix: fc.constantFrom(...PREFIXES),
      direction: fc.constantFrom('in', 'in', 'forward', 'out'),
      inIf: ifaceName,
      outIf: ifaceName,
      physIn: rarely(ifaceName, 6),
      physOut: rarely(ifaceName, 6),
      link: link(o),
      ip: fc.oneof(...families),
      flags: fc.record({
        tcpSeq: o.tcpSeq === null ? fc.boolean() : fc.constant(o.tcpSeq),
        tcpOpt: fc.boolean(),
        ipOpt: fc.boolean(),
        uid: fc.boolean(),
      }),
      owner: fc.option(fc.record({ uid: u32, gid: u32 })),
      mark: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: u32, weight: 1 }),
      ending: fc.constantFrom<Ending>('keep', 'keep', 'keep', 'drop-space', 'cr', 'crlf', 'lf'),
    })
    .map((m): KernelLine => {
      const p = new Printer();
      const inIf = m.direction === 'out' ? '' : m.inIf;
      const outIf = m.direction === 'in' ? '' : m.outIf;
      dumpCommon(
        p,
        p.top,
        m.prefix,
        inIf,
        outIf,
        inIf !== '' ? m.physIn : null,
        outIf !== '' ? m.physOut : null,
      );
      if (inIf !== '') dumpMacHeader(p, p.top, m.link);
      const trailer: Trailer = { owner: m.owner, mark: m.mark };
      if (m.ip.v === 4) dumpIPv4(p, p.top, m.ip, m.flags, trailer);
      else dumpIPv6(p, p.top, m.ip, m.flags, trailer);

      const message = p.text;
      const header = `${syslogStamp(m.epochSeconds)} ${m.host} kernel: `;
      let line = header + message;
      if (m.ending === 'drop-space' && line.endsWith(' ')) line = line.slice(0, -1);
      else if (m.ending === 'cr') line += '\r';
      else if (m.ending === 'crlf') line += '\r\n';
      else if (m.ending === 'lf') line += '\n';
      const raw = line.replace(/[\r\n]+$/, '');
      return {
        line,
        expected: { ...p.expected, ts: m.epochSeconds * 1000, host: m.host, raw, kernel_uptime: null },
        unchecked: [...p.unchecked],
        message,
        nfStart: header.length + m.prefix.text.length,
        host: m.host,
        epochSeconds: m.epochSeconds,
        micros: m.micros,
      };
    });
}
