/**
 * The netfilter scanner: reads the part of a kernel log line that the kernel's
 * nf_log_syslog.c wrote, from `IN=` to the end, into a FirewallRecord.
 *
 * The kernel prints its fields in a fixed order (common part, link header, IP
 * header, one transport header, then UID/GID and MARK), each followed by one
 * space. So this is a hand-written, order-driven scanner over char codes: at
 * each point it knows which keys may come next, which is also how it tells the
 * repeated keys apart (IP `LEN` vs UDP `LEN`, IP `ID` vs ICMP echo `ID`, TCP
 * `SEQ` vs ICMP `SEQ`): by where they stand, never by name alone.
 *
 * Anything the kernel would not print (a bad number, an invalid address, a
 * token out of place) stops the scan with a reason; the caller quarantines the
 * line with it. Nothing here throws on input.
 */
import { ipv4At, ipv6At } from './address.ts';
import { FirewallRecord } from './record.ts';
import { StringCache } from './string-cache.ts';

// Scanner state lives in module variables: one line is scanned at a time, and
// this keeps the hot path free of property loads and allocations.
let s = '';
let p = 0;
let e = 0;
let err: string | null = null;

const SPACE = 32;

/** Scans `line[start, end)` (start is the index of `IN=`). Returns null, or why the line is not valid. */
export function scanNetfilter(line: string, start: number, end: number, r: FirewallRecord): string | null {
  s = line;
  p = start;
  // Trailing spaces are the kernel's own (each field ends with one); some relays strip them.
  while (end > start && isBlank(line.charCodeAt(end - 1))) end--;
  e = end;
  err = null;
  scanCommon(r);
  if (err === null) scanLink(r);
  if (err === null) scanNetwork(r);
  const reason = err;
  s = '';
  return reason;
}

function isBlank(c: number): boolean {
  return c === SPACE || c === 9 || c === 13 || c === 10;
}

function fail(reason: string): false {
  if (err === null) err = reason;
  return false;
}

/** What stands at the cursor, for error messages. */
function here(): string {
  if (p >= e) return 'end of line';
  let q = p;
  while (q < e && s.charCodeAt(q) !== SPACE && q - p < 24) q++;
  return `"${s.slice(p, q)}"`;
}

/**
 * Consumes the mandatory `KEY=` that the kernel prints next. The order is
 * fixed, so the key's first letter and its '=' at the right place tell it from
 * anything else that could stand there; comparing every letter of every key
 * measurably slowed the whole parser (the values are still fully checked).
 */
function key(k: string): boolean {
  const n = k.length;
  if (s.charCodeAt(p) === k.charCodeAt(0) && s.charCodeAt(p + n - 1) === 61) {
    p += n;
    return true;
  }
  return false;
}

/** Consumes `key` if it stands at the cursor (every character compared: for optional and ambiguous keys). */
function at(key: string): boolean {
  const n = key.length;
  const str = s;
  const q = p;
  if (q + n > str.length) return false;
  for (let i = 0; i < n; i++) if (str.charCodeAt(q + i) !== key.charCodeAt(i)) return false;
  p = q + n;
  return true;
}

/** After a value: the end of the line, or the space(s) before the next token. */
function sep(): boolean {
  if (p >= e) return true;
  if (s.charCodeAt(p) !== SPACE) return fail(`unexpected ${here()}`);
  do p++;
  while (p < e && s.charCodeAt(p) === SPACE);
  return true;
}

/** A value running to the next space (may be empty). */
function word(): string {
  const q = p;
  while (p < e && s.charCodeAt(p) !== SPACE) p++;
  const w = p > q ? s.slice(q, p) : '';
  sep();
  return w;
}

/** A decimal unsigned integer no larger than max; -1 (and a reason) if not. */
function uint(name: string, max: number): number {
  // Locals, not the module's s/p/e, inside the loop: V8 keeps them in registers.
  const str = s;
  const end = e;
  const q = p;
  let i = q;
  let n = 0;
  while (i < end) {
    const c = str.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    i++;
  }
  if (
    i === q ||
    i - q > 10 ||
    n > max ||
    (i < end && str.charCodeAt(i) !== SPACE && str.charCodeAt(i) !== 93)
  ) {
    while (i < end && str.charCodeAt(i) !== SPACE) i++;
    p = i;
    fail(`invalid ${name} ${JSON.stringify(str.slice(q, i))}`);
    return -1;
  }
  // The kernel separates fields with one space: take it here, leave anything else to sep().
  if (i < end && str.charCodeAt(i) === SPACE && str.charCodeAt(i + 1) !== SPACE) {
    p = i + 1;
    return n;
  }
  p = i;
  sep();
  return n;
}

/** A hexadecimal unsigned integer (after an optional 0x) no larger than max; -1 if not. */
function hex(name: string, max: number, needPrefix: boolean): number {
  const q = p;
  if (s.charCodeAt(p) === 48 && (s.charCodeAt(p + 1) | 32) === 120) p += 2;
  else if (needPrefix) {
    while (p < e && s.charCodeAt(p) !== SPACE) p++;
    fail(`invalid ${name} ${JSON.stringify(s.slice(q, p))}`);
    return -1;
  }
  const d = p;
  let n = 0;
  while (p < e) {
    const c = s.charCodeAt(p) | 32;
    let v: number;
    if (c >= 48 && c <= 57) v = c - 48;
    else if (c >= 97 && c <= 102) v = c - 87;
    else break;
    n = n * 16 + v;
    p++;
  }
  if (p === d || p - d > 8 || n > max || (p < e && s.charCodeAt(p) !== SPACE)) {
    while (p < e && s.charCodeAt(p) !== SPACE) p++;
    fail(`invalid ${name} ${JSON.stringify(s.slice(q, p))}`);
    return -1;
  }
  sep();
  return n;
}

/** An address value; IPv6 comes back in RFC 5952 form. */
function address(name: string): string | null {
  const q = p;
  p = valueEnd();
  // IPv4 never has a colon; every IPv6 text form has one among its first five characters.
  let colon = false;
  for (let i = q; i < q + 5 && i < p; i++) if (s.charCodeAt(i) === 58) colon = true;
  const a = colon ? ipv6At(s, q, p) : ipv4At(s, q, p);
  if (a === null) {
    fail(`invalid ${name} address ${JSON.stringify(s.slice(q, p))}`);
    return null;
  }
  sep();
  return a;
}

/** End of the value at the cursor: the next space, or the end. Native indexOf beats a char loop here. */
function valueEnd(): number {
  const sp = s.indexOf(' ', p);
  return sp === -1 || sp > e ? e : sp;
}

const ifaces = new StringCache<never>(4);

/** An interface name (may be empty), reusing the string of a recent line's. */
function iface(): string {
  const end = valueEnd();
  const v = end > p ? ifaces.intern(s, p, end) : '';
  p = end;
  sep();
  return v;
}

/** `INCOMPLETE [123 bytes]`: the kernel had fewer bytes than the header it wanted to print. */
function incomplete(r: FirewallRecord): boolean {
  if (!at('INCOMPLETE [')) return false;
  r.truncated = true;
  while (p < e && s.charCodeAt(p) !== 93) p++;
  if (p >= e) return fail('unterminated INCOMPLETE [...]');
  p++;
  sep();
  return true;
}

// ---------------------------------------------------------------- common part

function scanCommon(r: FirewallRecord): void {
  if (!key('IN=')) return void fail(`expected IN= at ${here()}`);
  const inIf = iface();
  if (!key('OUT=')) return void fail(`expected OUT= at ${here()}`);
  const outIf = iface();
  if (inIf !== '') r.in_iface = inIf;
  if (outIf !== '') r.out_iface = outIf;
  r.direction = inIf !== '' ? (outIf !== '' ? 'forward' : 'in') : outIf !== '' ? 'out' : null;
  if (at('PHYSIN=')) r.phys_in = word();
  if (at('PHYSOUT=')) r.phys_out = word();
}

// ---------------------------------------------------------------- link header

function scanLink(r: FirewallRecord): void {
  if (at('MAC=')) {
    const end = valueEnd();
    const parts = end - p === 41 ? (macs.get(s, p, end) ?? newMac(end)) : null;
    if (parts !== null) {
      r.mac_dst = parts[0];
      r.mac_src = parts[1];
      r.ethertype = parts[2];
    } else r.mac_raw = s.slice(p, end);
    p = end;
    sep();
    if (at('TUNNEL=')) r.tunnel = word();
    return;
  }
  // --log-macdecode: MACSRC= MACDST= [VPROTO= VID=] MACPROTO=
  if (at('MACSRC=')) {
    r.mac_src = word();
    if (!key('MACDST=')) return void fail(`expected MACDST= at ${here()}`);
    r.mac_dst = word();
    if (at('VPROTO=')) {
      r.vlan_proto = word();
      if (!key('VID=')) return void fail(`expected VID= at ${here()}`);
      const vid = uint('VID', 4095);
      if (vid >= 0) r.vlan_id = vid;
    }
    if (!key('MACPROTO=')) return void fail(`expected MACPROTO= at ${here()}`);
    r.ethertype = word();
  }
}

/** MAC headers seen recently, with their split: most lines of a host share a few. */
const macs = new StringCache<readonly [string, string, string] | null>(6);

function newMac(end: number): readonly [string, string, string] | null {
  const mac = s.slice(p, end);
  return macs.set(mac, splitEthernet(mac));
}

/** A 14-byte Ethernet header `dd:dd:dd:dd:dd:dd:ss:ss:ss:ss:ss:ss:tt:tt` as [dst, src, ethertype], or null. */
function splitEthernet(mac: string): readonly [string, string, string] | null {
  if (mac.length !== 41) return null;
  for (let i = 0; i < 41; i++) {
    const c = mac.charCodeAt(i);
    if (i % 3 === 2) {
      if (c !== 58) return null;
    } else if (!((c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102))) return null;
  }
  return [mac.slice(0, 17), mac.slice(18, 35), mac.slice(36, 38) + mac.slice(39, 41)];
}

// ---------------------------------------------------------------- network layer

function scanNetwork(r: FirewallRecord): void {
  if (p >= e) return; // a non-IP, non-ARP frame (netdev/bridge families): link header only
  if (at('SRC=')) {
    scanPacket(r, false);
    if (err === null) scanTrailer(r);
    return;
  }
  if (at('ARP ')) {
    scanArp(r);
    return;
  }
  if (at('TRUNCATED')) {
    r.truncated = true;
    return;
  }
  fail(`unexpected ${here()} where SRC=, ARP or the end was expected`);
}

function scanArp(r: FirewallRecord): void {
  r.proto = 'ARP';
  if (!at('HTYPE=')) return void fail(`expected ARP HTYPE= at ${here()}`);
  r.arp_htype = uint('ARP HTYPE', 65535);
  if (!at('PTYPE=')) return void fail(`expected PTYPE= at ${here()}`);
  r.arp_ptype = hex('ARP PTYPE', 0xffff, true);
  if (!at('OPCODE=')) return void fail(`expected OPCODE= at ${here()}`);
  r.arp_opcode = uint('ARP OPCODE', 65535);
  if (err !== null || p >= e) return;
  if (incomplete(r)) return;
  if (!at('MACSRC=')) return void fail(`unexpected ${here()} in ARP payload`);
  r.arp_mac_src = word();
  if (!at('IPSRC=')) return void fail(`expected IPSRC= at ${here()}`);
  r.src = address('IPSRC');
  if (!key('MACDST=')) return void fail(`expected MACDST= at ${here()}`);
  r.arp_mac_dst = word();
  if (!at('IPDST=')) return void fail(`expected IPDST= at ${here()}`);
  r.dst = address('IPDST');
  if (err === null && p < e) fail(`unexpected ${here()} after the ARP payload`);
}

/**
 * One IP packet from just after `SRC=`: the IP header, extension headers and
 * the transport header. `inner` is the packet quoted inside an ICMP error,
 * which ends at `]` and carries no UID/GID/MARK.
 */
function scanPacket(r: FirewallRecord, inner: boolean): void {
  r.src = address('SRC');
  if (!key('DST=')) return void fail(`expected DST= at ${here()}`);
  r.dst = address('DST');
  if (err !== null) return;
  if (!key('LEN=')) return void fail(`expected LEN= at ${here()}`);
  r.len = uint('LEN', 0xffffffff);
  let fragment: boolean;
  if (at('TC=')) {
    r.ip_version = 6;
    fragment = scanIPv6Header(r);
  } else {
    r.ip_version = 4;
    fragment = scanIPv4Header(r);
  }
  if (err !== null || atPacketEnd(inner)) return;
  if (!key('PROTO=')) return void fail(`expected PROTO= at ${here()}`);
  scanTransport(r, fragment, inner);
}

function atPacketEnd(inner: boolean): boolean {
  return p >= e || (inner && s.charCodeAt(p) === 93);
}

const IP_FLAGS = ['CE', 'DF', 'MF'];
/** Shared, read-only flag lists for each combination (null: no flag printed). */
const IP_FLAG_SETS: readonly (string[] | null)[] = Array.from({ length: 8 }, (_, bits) =>
  bits === 0 ? null : IP_FLAGS.filter((_f, i) => bits & (1 << i)),
);

/** A bare word (a flag) standing alone at the cursor. */
function atWord(w: string): boolean {
  const q = p;
  if (at(w) && (p >= e || s.charCodeAt(p) === SPACE)) {
    sep();
    return true;
  }
  p = q;
  return false;
}

/** From TOS= on. Returns true for a non-first fragment (no transport header follows). */
function scanIPv4Header(r: FirewallRecord): boolean {
  if (!key('TOS=')) return fail(`expected TOS= or TC= at ${here()}`);
  r.tos = hex('TOS', 0xff, false); // old kernels printed TOS=00, new ones TOS=0x00
  if (!key('PREC=')) return fail(`expected PREC= at ${here()}`);
  r.prec = hex('PREC', 0xff, false);
  if (!key('TTL=')) return fail(`expected TTL= at ${here()}`);
  r.ttl = uint('TTL', 255);
  if (!key('ID=')) return fail(`expected ID= at ${here()}`);
  r.ip_id = uint('ID', 65535);
  let bits = 0;
  for (let i = 0; i < IP_FLAGS.length; i++) if (atWord(IP_FLAGS[i])) bits |= 1 << i;
  r.ip_flags = IP_FLAG_SETS[bits];
  let fragment = false;
  if (at('FRAG:')) {
    r.frag_offset = uint('FRAG', 65535);
    fragment = r.frag_offset > 0;
  }
  if (at('OPT (')) r.ip_options = hexDump('IP OPT');
  if (at('TRUNCATED')) {
    r.truncated = true;
    sep();
  }
  return fragment;
}

/** `OPT (0A0B...)`: option bytes as hex, after `OPT (`. */
function hexDump(name: string): string | null {
  const q = p;
  while (p < e && s.charCodeAt(p) !== 41) p++;
  if (p >= e) {
    fail(`unterminated ${name} (`);
    return null;
  }
  const dump = s.slice(q, p);
  p++;
  sep();
  return dump;
}

/** From TC= on (LEN= already read). Returns true for a non-first fragment. */
function scanIPv6Header(r: FirewallRecord): boolean {
  r.tc = uint('TC', 255);
  if (!key('HOPLIMIT=')) return fail(`expected HOPLIMIT= at ${here()}`);
  r.hop_limit = uint('HOPLIMIT', 255);
  if (!key('FLOWLBL=')) return fail(`expected FLOWLBL= at ${here()}`);
  r.flow_label = uint('FLOWLBL', 0xfffff);
  let fragment = false;
  // Extension headers, with (--log-ip-options: inside `OPT ( ... )`) or without the wrapper.
  for (;;) {
    if (err !== null || p >= e) return fragment;
    const wrapped = at('OPT ( ');
    if (at('FRAG:')) {
      addExt(r, 'FRAG');
      r.frag_offset = uint('FRAG', 0xfff8);
      if (at('INCOMPLETE ')) r.ip_flags = ['MF'];
      if (!at('ID:')) return fail(`expected fragment ID: at ${here()}`);
      r.ip_id = hex('fragment ID', 0xffffffff, false);
      fragment = r.frag_offset > 0;
    } else if (at('TRUNCATED')) {
      r.truncated = true;
      sep();
      return fragment;
    } else if (at('AH ')) {
      addExt(r, 'AH');
      if (incomplete(r)) {
        at(')');
        return fragment;
      }
      if (at('SPI=')) r.spi = hex('SPI', 0xffffffff, true);
    } else if (at('ESP ')) {
      // The kernel stops after an ESP header: what follows is encrypted.
      addExt(r, 'ESP');
      if (at('SPI=')) r.spi = hex('SPI', 0xffffffff, true);
      if (wrapped) at(')');
      return fragment;
    } else if (at('Unknown Ext Hdr ')) {
      const n = uint('extension header', 255);
      addExt(r, `UNKNOWN:${n}`);
      if (wrapped) at(')');
      return fragment;
    } else if (wrapped) {
      addExt(r, 'OPT'); // hop-by-hop, routing or destination options: printed empty
    } else {
      return fragment;
    }
    if (wrapped) {
      if (!at(')')) return fail(`unterminated IPv6 OPT ( at ${here()}`);
      if (fragment && p >= e) return fragment; // options after a non-first fragment end the line
      sep();
    }
  }
}

function addExt(r: FirewallRecord, h: string): void {
  if (r.ip6_ext_headers === null) r.ip6_ext_headers = [h];
  else r.ip6_ext_headers.push(h);
}

// ---------------------------------------------------------------- transport layer

function scanTransport(r: FirewallRecord, fragment: boolean, inner: boolean): void {
  const q = p;
  while (p < e && s.charCodeAt(p) !== SPACE) p++;
  const proto = protoName(q, p);
  if (proto === null) return void fail(`invalid PROTO ${JSON.stringify(s.slice(q, p))}`);
  r.proto = proto;
  sep();
  // Non-first fragments end right after PROTO=: the transport header is in the first one.
  if (fragment || atPacketEnd(inner)) return;
  if (incomplete(r)) return;
  switch (proto) {
    case 'TCP':
      scanTcp(r);
      return;
    case 'UDP':
    case 'UDPLITE':
      if (!key('SPT=')) return void fail(`expected SPT= at ${here()}`);
      r.spt = uint('SPT', 65535);
      if (!key('DPT=')) return void fail(`expected DPT= at ${here()}`);
      r.dpt = uint('DPT', 65535);
      if (!key('LEN=')) return void fail(`expected UDP LEN= at ${here()}`);
      r.udp_len = uint('UDP LEN', 65535);
      return;
    case 'ICMP':
    case 'ICMPv6':
      scanIcmp(r, proto === 'ICMPv6', inner);
      return;
    case 'ESP':
    case 'AH':
      if (at('SPI=')) r.spi = hex('SPI', 0xffffffff, true);
      return;
    default:
      // SCTP and others: the kernel prints no more, but accept ports if a logger adds them.
      if (at('SPT=')) {
        r.spt = uint('SPT', 65535);
        if (at('DPT=')) r.dpt = uint('DPT', 65535);
      }
  }
}

/** Known protocol words as interned constants; numbers kept as text, with GRE and SCTP named. */
function protoName(q: number, end: number): string | null {
  const n = end - q;
  if (n === 3) {
    if (s.startsWith('TCP', q)) return 'TCP';
    if (s.startsWith('UDP', q)) return 'UDP';
    if (s.startsWith('ESP', q)) return 'ESP';
    if (s.startsWith('GRE', q)) return 'GRE';
  } else if (n === 4) {
    if (s.startsWith('ICMP', q)) return 'ICMP';
    if (s.startsWith('SCTP', q)) return 'SCTP';
  } else if (n === 2 && s.startsWith('AH', q)) return 'AH';
  else if (n === 6 && s.startsWith('ICMPv6', q)) return 'ICMPv6';
  else if (n === 7 && s.startsWith('UDPLITE', q)) return 'UDPLITE';
  if (n === 0 || n > 3) return null;
  let v = 0;
  for (let i = q; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    v = v * 10 + c - 48;
  }
  if (v > 255) return null;
  if (v === 47) return 'GRE';
  if (v === 132) return 'SCTP';
  return String(v);
}

const TCP_FLAGS = ['AE', 'CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'];

/**
 * The flag list for each combination, built once and shared by all records
 * (read-only): kernel order whatever order a line printed them in.
 */
const FLAG_SETS: readonly string[][] = Array.from({ length: 1 << TCP_FLAGS.length }, (_, bits) =>
  TCP_FLAGS.filter((_f, i) => bits & (1 << i)),
);

/** Bit of the TCP flag word at the cursor (and consumes it), or 0 when none stands there. */
function tcpFlagBit(): number {
  for (let i = 0; i < TCP_FLAGS.length; i++) if (atWord(TCP_FLAGS[i])) return 1 << i;
  return 0;
}

function scanTcp(r: FirewallRecord): void {
  if (!key('SPT=')) return void fail(`expected SPT= at ${here()}`);
  r.spt = uint('SPT', 65535);
  if (!key('DPT=')) return void fail(`expected DPT= at ${here()}`);
  r.dpt = uint('DPT', 65535);
  if (at('SEQ=')) {
    r.tcp_seq = uint('SEQ', 0xffffffff);
    if (!key('ACK=')) return void fail(`expected ACK= at ${here()}`);
    r.tcp_ack = uint('ACK', 0xffffffff);
  }
  if (!key('WINDOW=')) return void fail(`expected WINDOW= at ${here()}`);
  r.window = uint('WINDOW', 65535);
  if (!key('RES=')) return void fail(`expected RES= at ${here()}`);
  r.res = hex('RES', 0xff, true);
  // Flag words (the kernel's order is AE CWR ECE URG ACK PSH RST SYN FIN; accept any), then URGP=.
  let bits = 0;
  for (let b = tcpFlagBit(); b !== 0; b = tcpFlagBit()) bits |= b;
  r.tcp_flags = FLAG_SETS[bits];
  if (!key('URGP=')) return void fail(`expected a TCP flag or URGP= at ${here()}`);
  r.urgp = uint('URGP', 65535);
  if (at('OPT (')) {
    if (at('TRUNCATED)')) {
      r.truncated = true;
      sep();
    } else r.tcp_options = hexDump('TCP OPT');
  }
}

function scanIcmp(r: FirewallRecord, v6: boolean, inner: boolean): void {
  if (!key('TYPE=')) return void fail(`expected TYPE= at ${here()}`);
  const type = uint('ICMP TYPE', 255);
  r.icmp_type = type;
  if (!key('CODE=')) return void fail(`expected CODE= at ${here()}`);
  r.icmp_code = uint('ICMP CODE', 255);
  if (err !== null || atPacketEnd(inner)) return;
  if (incomplete(r)) return;
  if (at('ID=')) {
    r.icmp_id = uint('ICMP ID', 65535);
    if (!key('SEQ=')) return void fail(`expected SEQ= at ${here()}`);
    r.icmp_seq = uint('ICMP SEQ', 65535);
    return;
  }
  if (!v6 && at('PARAMETER=')) r.icmp_parameter = uint('PARAMETER', 255);
  if (v6 && at('POINTER=')) r.icmp_pointer = hex('POINTER', 0xffffffff, false);
  if (!v6 && at('GATEWAY=')) r.icmp_gateway = address('GATEWAY');
  // The kernel prints MTU= after the quoted packet; some log producers put it before. Take either.
  if (err === null && at('MTU=')) r.icmp_mtu = uint('MTU', 0xffffffff);
  if (err === null && !inner && at('[')) scanQuoted(r);
  if (err === null && r.icmp_mtu === null && at('MTU=')) r.icmp_mtu = uint('MTU', 0xffffffff);
}

/** The packet an ICMP error quotes, in brackets: its addresses, protocol and ports get columns of their own. */
function scanQuoted(r: FirewallRecord): void {
  if (at('TRUNCATED')) {
    r.truncated = true;
  } else {
    if (!at('SRC=')) return void fail(`expected SRC= inside [ at ${here()}`);
    const q = new FirewallRecord();
    scanPacket(q, true);
    if (err !== null) return;
    r.inner_src = q.src;
    r.inner_dst = q.dst;
    r.inner_proto = q.proto;
    r.inner_spt = q.spt;
    r.inner_dpt = q.dpt;
  }
  if (!at(']')) return void fail(`expected ] closing the quoted packet at ${here()}`);
  sep();
}

// ---------------------------------------------------------------- trailer

function scanTrailer(r: FirewallRecord): void {
  if (at('UID=')) {
    r.uid = uint('UID', 0xffffffff);
    if (!key('GID=')) return void fail(`expected GID= at ${here()}`);
    r.gid = uint('GID', 0xffffffff);
  }
  if (at('MARK=')) r.mark = hex('MARK', 0xffffffff, true);
  if (err === null && p < e) fail(`unexpected ${here()} at the end of the packet`);
}
