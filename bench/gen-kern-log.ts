/**
 * A deterministic netfilter kernel log for the benchmark, in journalctl's
 * short format (`Nov 20 00:00:03 host kernel: <prefix>IN=...`).
 *
 *   node --import tsx bench/gen-kern-log.ts [--lines N] [--seed S] > kern.log
 *
 * Same seed and line count, same bytes: a seeded xorshift32, no Math.random,
 * no clock. Field order and spelling follow the kernel's nf_log_syslog.c, so
 * the parser does the work it does on real logs. The mix (IPv4 TCP ~55%, UDP
 * ~25%, ICMP ~8%, IPv6 ~8%, other kernel lines ~4%, with fragments, TCP
 * options, SEQ/ACK, UID/GID, MARK and bridge PHYSIN sprinkled in) is what a
 * busy edge firewall logs.
 */
import { parseArgs } from 'node:util';

// ---------------------------------------------------------------- randomness

/** xorshift32: tiny, fast and good enough to pick fields; the state must never be 0. */
let state = 1;

function seed(s: number): void {
  state = s >>> 0 || 0x9e3779b9;
}

/** Uniform in [0, 1). */
function rand(): number {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 4294967296;
}

/** Uniform integer in [lo, hi]. */
function int(lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)];
}

function chance(p: number): boolean {
  return rand() < p;
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
const HEX2 = (n: number): string => hex2(n).toUpperCase();

// ---------------------------------------------------------------- the fixed cast

const HOSTS = ['fw-edge01', 'fw-edge02', 'gw-office'];
/** Log prefixes as iptables (LOG --log-prefix), ufw, firewalld and nftables (log prefix) write them. */
const PREFIXES = [
  '[UFW BLOCK] ',
  '[UFW BLOCK] ',
  '[UFW ALLOW] ',
  '[UFW AUDIT] ',
  'iptables-dropped: ',
  'INPUT-DROP: ',
  'FINAL_REJECT: ',
  'filter_IN_public_REJECT: ',
  'nft-drop: ',
  'nft input drop: ',
  '[WAN_LOCAL-default-D]',
  '',
];
/** The inside /64 (documentation prefix). */
const V6_LAN = ['2001', '0db8', '0a0b', '0001'];
const WAN = ['eth0', 'enp3s0', 'ppp0'];
const LAN = ['eth1', 'br0', 'wg0'];
/** Interfaces without a link header print an empty `MAC=`. */
const NO_LINK = new Set(['ppp0', 'wg0']);
const TCP_PORTS = [22, 23, 25, 80, 443, 445, 587, 993, 1433, 3306, 3389, 5060, 5432, 6379, 8080, 8443];
const UDP_PORTS = [53, 67, 123, 137, 161, 443, 500, 1900, 4500, 5060, 5353, 51820];
/** Flag words in the kernel's print order; a line prints the set ones in this order. */
const TCP_FLAGS = ['CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'];
const COMMON_FLAGS = [['SYN'], ['SYN'], ['ACK'], ['ACK', 'PSH'], ['ACK', 'FIN'], ['RST'], ['ACK', 'RST']];

/** A few fixed MACs per interface, as on a real box (and so the host/MAC strings repeat). */
const MACS = Array.from({ length: 12 }, () => Array.from({ length: 6 }, () => hex2(int(0, 255))).join(':'));

function publicIPv4(): string {
  // Skip 0/8, 10/8, 127/8 and multicast and above: outside addresses look like outside addresses.
  let a = int(1, 223);
  if (a === 10 || a === 127) a = 11;
  return `${a}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
}

function lanIPv4(): string {
  return `192.168.${pick([0, 1, 10])}.${int(2, 254)}`;
}

/** The kernel's %pI6: eight groups of four lowercase hex digits, never compressed. */
function ipv6(prefix: readonly string[]): string {
  const groups = [...prefix];
  while (groups.length < 8) groups.push(chance(0.25) ? '0000' : int(0, 0xffff).toString(16).padStart(4, '0'));
  return groups.join(':');
}

// ---------------------------------------------------------------- one line

interface Path {
  inIf: string;
  outIf: string;
  /** Bridge ports (br_netfilter): printed only when they differ from IN/OUT. */
  physIn: string;
  physOut: string;
  /** Locally generated: may carry UID/GID, has no MAC. */
  local: boolean;
}

function path(): Path {
  const r = rand();
  if (r < 0.67) return { inIf: pick(WAN), outIf: '', physIn: '', physOut: '', local: false };
  if (r < 0.82) return { inIf: pick(WAN), outIf: pick(LAN), physIn: '', physOut: '', local: false };
  if (r < 0.85)
    return { inIf: 'br0', outIf: 'br0', physIn: 'eth2', physOut: pick(['eth3', 'veth1a2b']), local: false };
  return { inIf: '', outIf: pick(WAN), physIn: '', physOut: '', local: true };
}

/** `IN=.. OUT=.. [PHYSIN=.. PHYSOUT=..] [MAC=..]`: the common part and link header. */
function head(p: Path, ethertype: string): string {
  let s = `IN=${p.inIf} OUT=${p.outIf} `;
  if (p.physIn !== '') s += `PHYSIN=${p.physIn} `;
  if (p.physOut !== '') s += `PHYSOUT=${p.physOut} `;
  // The kernel prints MAC= only on the input side: dst, src, ethertype.
  if (p.inIf !== '') {
    s += NO_LINK.has(p.inIf) ? 'MAC= ' : `MAC=${pick(MACS)}:${pick(MACS)}:${ethertype} `;
  }
  return s;
}

/** `UID= GID=` for local senders, `MARK=` for marked packets: the kernel's trailer. */
function trailer(p: Path): string {
  let s = '';
  if (p.local && chance(0.4)) s += `UID=${pick([0, 33, 101, 1000])} GID=${pick([0, 33, 101, 1000])} `;
  if (chance(0.03)) s += `MARK=0x${int(1, 0xffff).toString(16)} `;
  return s;
}

/** `SRC= DST= LEN= TOS= PREC= TTL= ID= [DF|MF] [FRAG:n]` (LEN is the IP total length). */
function ipv4Header(src: string, dst: string, len: number, flags: string, frag: number): string {
  const tos = pick([0x00, 0x00, 0x00, 0x08, 0x10, 0x20]);
  const prec = tos === 0x20 ? 0x20 : pick([0x00, 0x00, 0x20]);
  let s = `SRC=${src} DST=${dst} LEN=${len} TOS=0x${HEX2(tos)} PREC=0x${HEX2(prec)} TTL=${pick([
    64, 63, 128, 127, 255, 54, 47, 116,
  ])} ID=${int(0, 65535)} ${flags}`;
  if (frag > 0) s += `FRAG:${frag} `;
  return s;
}

/** Source/destination for one direction: outside hosts talk to inside ones, or the reverse. */
function ends(p: Path): [string, string] {
  return p.local ? [lanIPv4(), publicIPv4()] : [publicIPv4(), lanIPv4()];
}

/** `PROTO=TCP SPT= DPT= [SEQ= ACK=] WINDOW= RES=0x00 <flags> URGP=0 [OPT (..)]`. */
function tcp(inner: boolean): [string, number] {
  const flags = chance(0.85) ? pick(COMMON_FLAGS) : TCP_FLAGS.filter(() => chance(0.3));
  const set = new Set(flags);
  const syn = set.has('SYN') && !set.has('ACK');
  let s = `PROTO=TCP SPT=${int(1024, 65535)} DPT=${pick(TCP_PORTS)} `;
  if (!inner && chance(0.05))
    s += `SEQ=${int(0, 0xffffffff)} ACK=${set.has('ACK') ? int(1, 0xffffffff) : 0} `;
  s += `WINDOW=${syn ? pick([64240, 65535, 29200, 1024]) : int(0, 65535)} RES=0x00 `;
  for (const f of TCP_FLAGS) if (set.has(f)) s += `${f} `;
  s += 'URGP=0 ';
  let optLen = 0;
  if (!inner && chance(0.1)) {
    // MSS, SACK permitted, timestamps, NOP, window scale: a Linux SYN's option block.
    const ts = int(0, 0xffffffff).toString(16).toUpperCase().padStart(8, '0');
    const opt = syn ? `020405B40402080A${ts}0000000001030307` : `0101080A${ts}${ts}`;
    s += `OPT (${opt}) `;
    optLen = opt.length / 2;
  }
  return [s, 20 + optLen];
}

/** `PROTO=UDP SPT= DPT= LEN=` (the UDP length: header plus payload). */
function udp(payload: number): string {
  return `PROTO=UDP SPT=${int(1024, 65535)} DPT=${pick(UDP_PORTS)} LEN=${payload + 8} `;
}

function tcpV4(): string {
  const p = path();
  const [src, dst] = ends(p);
  const [t, tcpLen] = tcp(false);
  const len = 20 + tcpLen + (chance(0.8) ? 0 : int(1, 1400));
  return `${head(p, '08:00')}${ipv4Header(src, dst, len, chance(0.6) ? 'DF ' : '', 0)}${t}${trailer(p)}`;
}

function udpV4(): string {
  const p = path();
  const [src, dst] = ends(p);
  const payload = int(8, 1400);
  const r = rand();
  let ip: string;
  let rest: string;
  if (r < 0.03) {
    // First fragment of a big datagram: MF, transport header present, LEN is this fragment's.
    ip = ipv4Header(src, dst, 1500, 'MF ', 0);
    rest = udp(payload + 2800);
  } else if (r < 0.06) {
    // A later fragment: offset in 8-byte units, and the kernel stops after PROTO=.
    ip = ipv4Header(src, dst, int(100, 1500), chance(0.5) ? 'MF ' : '', pick([185, 370]));
    rest = 'PROTO=UDP ';
  } else {
    ip = ipv4Header(src, dst, 28 + payload, chance(0.3) ? 'DF ' : '', 0);
    rest = udp(payload);
  }
  return `${head(p, '08:00')}${ip}${rest}${trailer(p)}`;
}

/** Echo request/reply, or an error quoting the packet that caused it: `[SRC=... ] ` (then MTU= for "frag needed"). */
function icmpV4(): string {
  const p = path();
  const [src, dst] = ends(p);
  const r = rand();
  if (r < 0.55) {
    const type = chance(0.8) ? 8 : 0;
    return `${head(p, '08:00')}${ipv4Header(src, dst, 84, '', 0)}PROTO=ICMP TYPE=${type} CODE=0 ID=${int(
      1,
      65535,
    )} SEQ=${int(1, 4000)} ${trailer(p)}`;
  }
  // The error goes back to the original sender: the quoted packet runs dst -> src.
  const [type, code] = r < 0.75 ? [3, 3] : r < 0.85 ? [3, pick([1, 10, 13])] : r < 0.93 ? [11, 0] : [3, 4];
  const quotedUdp = code !== 4 && chance(0.7);
  const udpPayload = int(8, 120);
  const inner = quotedUdp ? udp(udpPayload) : tcp(true)[0];
  const innerLen = quotedUdp ? 28 + udpPayload : 40;
  const quoted = `[${ipv4Header(dst, src, innerLen, code === 4 ? 'DF ' : '', 0)}${inner}] `;
  const mtu = type === 3 && code === 4 ? `MTU=${pick([1400, 1480, 1492])} ` : '';
  return `${head(p, '08:00')}${ipv4Header(src, dst, 28 + innerLen, '', 0)}PROTO=ICMP TYPE=${type} CODE=${code} ${quoted}${mtu}${trailer(p)}`;
}

/** IPv6: `SRC=<full form> DST=.. LEN= TC= HOPLIMIT= FLOWLBL=` then TCP, UDP (sometimes fragmented) or ICMPv6. */
function anyV6(): string {
  const p = path();
  const outside = ipv6([pick(['2001', '2a00', '2607', '2c0f'])]);
  const inside = ipv6(V6_LAN);
  const [src, dst] = p.local ? [inside, outside] : [outside, inside];
  const r = rand();
  let rest: string;
  let payload: number;
  if (r < 0.5) {
    const [t, tcpLen] = tcp(false);
    rest = t;
    payload = tcpLen;
  } else if (r < 0.8) {
    payload = int(16, 1200);
    rest = udp(payload - 8);
    if (chance(0.05)) {
      // Fragment header: offset in bytes, INCOMPLETE while more follow, 32-bit ID in hex.
      const first = chance(0.5);
      rest = `FRAG:${first ? 0 : 1448} ${first ? 'INCOMPLETE ' : ''}ID:${int(0, 0xffffffff)
        .toString(16)
        .padStart(8, '0')} ${first ? rest : 'PROTO=UDP '}`;
      payload += 8;
    }
  } else {
    const type = pick([128, 129, 135, 136, 133]);
    payload = type >= 133 ? 32 : 64;
    rest = `PROTO=ICMPv6 TYPE=${type} CODE=0 ${type < 130 ? `ID=${int(1, 65535)} SEQ=${int(1, 999)} ` : ''}`;
  }
  const hop = pick([64, 255, 57, 118]);
  return `${head(p, '86:dd')}SRC=${src} DST=${dst} LEN=${40 + payload} TC=0 HOPLIMIT=${hop} FLOWLBL=${int(
    0,
    0xfffff,
  )} ${rest}${trailer(p)}`;
}

/** Kernel lines that are not netfilter's: the parser must skip these cheaply. */
const OTHER = [
  () =>
    `audit: type=1400 audit(${int(1700000000, 1790000000)}.${int(100, 999)}:${int(1, 9999)}): apparmor="DENIED" operation="open" profile="snap.lxd" name="/proc/${int(1, 9999)}/mounts" pid=${int(1, 99999)} comm="lxd"`,
  () => `usb 1-${int(1, 4)}: new high-speed USB device number ${int(2, 40)} using xhci_hcd`,
  () => `EXT4-fs (nvme0n1p2): re-mounted. Opts: errors=remount-ro. Quota mode: none.`,
  () => `${pick(LAN)}: entered ${pick(['promiscuous', 'forwarding', 'blocking'])} state`,
  () => `nf_conntrack: nf_conntrack: table full, dropping packet`,
  () => `TCP: request_sock_TCP: Possible SYN flooding on port ${pick(TCP_PORTS)}. Sending cookies.`,
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** journalctl short: `%b %d %H:%M:%S` (zero-padded day), in UTC here. */
function stamp(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(
    d.getUTCMinutes(),
  )}:${pad2(d.getUTCSeconds())}`;
}

function message(): string {
  const r = rand();
  if (r < 0.04) return pick(OTHER)();
  const prefix = pick(PREFIXES);
  if (r < 0.59) return prefix + tcpV4();
  if (r < 0.84) return prefix + udpV4();
  if (r < 0.92) return prefix + icmpV4();
  return prefix + anyV6();
}

/** Yields the log in ~1 MB chunks. Starts 20 Nov 2025 00:00 UTC and advances ~4 lines a second. */
function* generate(lines: number, seedValue: number): Generator<string> {
  seed(seedValue);
  let ms = Date.UTC(2025, 10, 20);
  let host = HOSTS[0];
  let chunk = '';
  for (let i = 0; i < lines; i++) {
    if (chance(0.25)) ms += 1000; // journalctl prints in time order
    if (chance(0.02)) host = pick(HOSTS); // merged logs: runs of lines per host
    chunk += `${stamp(ms)} ${host} kernel: ${message()}\n`;
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { lines: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '1' } },
  });
  const lines = Number(values.lines);
  const seedValue = Number(values.seed);
  if (!Number.isInteger(lines) || lines < 0) throw new Error(`--lines: not a count: "${values.lines}"`);
  if (!Number.isInteger(seedValue)) throw new Error(`--seed: not an integer: "${values.seed}"`);
  const out = process.stdout;
  for (const chunk of generate(lines, seedValue)) {
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
}

main().catch((e: Error) => {
  process.stderr.write(`gen-kern-log: ${e.message}\n`);
  process.exitCode = 1;
});
