#!/usr/bin/env node
// Prints fwlake's demo kernel log to stdout:
//
//   node events/make-sample-log.mjs > events/sample-kern.log
//
// Three firewalls, Sep 17 21:00 to Sep 18 01:00, in `journalctl -k` short format. The fourteen
// real lines below are copied verbatim; everything else is generated from a seeded PRNG, so the
// output is the same on every run and every machine (no clock, no time zone, no dependencies).
// events/README.md says what the sample contains and what each saved query should find in it;
// if you change this script, regenerate the file and update the counts there.
//
// Field formats follow the kernel's net/netfilter/nf_log_syslog.c: `IN=%s OUT=%s `, `MAC=` only
// when IN is set, IPv6 addresses in %pI6 full form, every field followed by one space.
//
// Invariant the saved query `low-source-ports` relies on: apart from the fourteen real lines, no
// line has a source port under 1024 (not even inside an ICMP error's quoted packet).

// ---- the fourteen real lines: mha.can.local after its firewall restart lost conntrack state ----
// (RST from :443 of CloudFront, Google and Twitter; a retransmitted ACK PSH burst from IMAP :993)
const REAL_LINES = [
  'Sep 17 22:26:23 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=52.84.17.45 DST=192.168.254.3 LEN=40 TOS=0x00 PREC=0x00 TTL=247 ID=61276 DF PROTO=TCP SPT=443 DPT=52316 WINDOW=0 RES=0x00 RST URGP=0 ',
  'Sep 17 22:26:23 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=64.233.191.155 DST=192.168.254.3 LEN=40 TOS=0x00 PREC=0x00 TTL=46 ID=37743 PROTO=TCP SPT=443 DPT=36722 WINDOW=0 RES=0x00 RST URGP=0 ',
  'Sep 17 22:53:15 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=104.244.43.108 DST=192.168.254.3 LEN=40 TOS=0x00 PREC=0x00 TTL=58 ID=31996 DF PROTO=TCP SPT=443 DPT=53030 WINDOW=0 RES=0x00 RST URGP=0 ',
  'Sep 17 23:32:04 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=69.89.31.130 DST=192.168.254.3 LEN=121 TOS=0x00 PREC=0x00 TTL=54 ID=48741 DF PROTO=TCP SPT=993 DPT=60304 WINDOW=405 RES=0x00 ACK PSH URGP=0 ',
  'Sep 17 23:32:04 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=69.89.31.130 DST=192.168.254.3 LEN=121 TOS=0x00 PREC=0x00 TTL=54 ID=48742 DF PROTO=TCP SPT=993 DPT=60304 WINDOW=405 RES=0x00 ACK PSH URGP=0 ',
  'Sep 17 23:32:05 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=69.89.31.130 DST=192.168.254.3 LEN=121 TOS=0x00 PREC=0x00 TTL=54 ID=48743 DF PROTO=TCP SPT=993 DPT=60304 WINDOW=405 RES=0x00 ACK PSH URGP=0 ',
  'Sep 17 23:32:05 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=69.89.31.130 DST=192.168.254.3 LEN=121 TOS=0x00 PREC=0x00 TTL=54 ID=48744 DF PROTO=TCP SPT=993 DPT=60304 WINDOW=405 RES=0x00 ACK PSH URGP=0 ',
  'Sep 17 23:32:06 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=69.89.31.130 DST=192.168.254.3 LEN=121 TOS=0x00 PREC=0x00 TTL=54 ID=48745 DF PROTO=TCP SPT=993 DPT=60304 WINDOW=405 RES=0x00 ACK PSH URGP=0 ',
  'Sep 17 23:32:09 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=69.89.31.130 DST=192.168.254.3 LEN=121 TOS=0x00 PREC=0x00 TTL=54 ID=48746 DF PROTO=TCP SPT=993 DPT=60304 WINDOW=405 RES=0x00 ACK PSH URGP=0 ',
  'Sep 17 23:32:14 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=69.89.31.130 DST=192.168.254.3 LEN=121 TOS=0x00 PREC=0x00 TTL=54 ID=48747 DF PROTO=TCP SPT=993 DPT=60304 WINDOW=405 RES=0x00 ACK PSH URGP=0 ',
  'Sep 17 23:32:24 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=69.89.31.130 DST=192.168.254.3 LEN=121 TOS=0x00 PREC=0x00 TTL=54 ID=48748 DF PROTO=TCP SPT=993 DPT=60304 WINDOW=405 RES=0x00 ACK PSH URGP=0 ',
  'Sep 17 23:32:44 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=69.89.31.130 DST=192.168.254.3 LEN=121 TOS=0x00 PREC=0x00 TTL=54 ID=48749 DF PROTO=TCP SPT=993 DPT=60304 WINDOW=405 RES=0x00 ACK PSH URGP=0 ',
  'Sep 17 23:33:23 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=69.89.31.130 DST=192.168.254.3 LEN=121 TOS=0x00 PREC=0x00 TTL=54 ID=48750 DF PROTO=TCP SPT=993 DPT=60304 WINDOW=405 RES=0x00 ACK PSH URGP=0 ',
  'Sep 17 23:34:43 mha.can.local kernel: filter/INPUT: IN=enp0s29f7u2 OUT= MAC=00:24:9b:17:3a:fa:50:39:55:62:7b:5b:08:00 SRC=69.89.31.130 DST=192.168.254.3 LEN=121 TOS=0x00 PREC=0x00 TTL=54 ID=48751 DF PROTO=TCP SPT=993 DPT=60304 WINDOW=405 RES=0x00 ACK PSH URGP=0 ',
];

// ---- deterministic randomness ----------------------------------------------------------------

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(0x17092026);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const chance = (p) => rand() < p;
const expo = (mean) => -Math.log(1 - rand()) * mean;
const ephemeral = () => int(32768, 60999); // Linux ip_local_port_range
const ipId = () => int(1, 65535);

// ---- time: milliseconds since Sep 17 00:00:00 (the sample's clock; no year, no zone) ----------

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const T0 = 21 * HOUR; // Sep 17 21:00:00
const T1 = 25 * HOUR; // Sep 18 01:00:00 (exclusive)
const AUDIT_EPOCH_SEP17 = Date.UTC(2026, 8, 17) / 1000; // audit(...) stamps; the demo's year

/** 'HH:MM:SS' on the sample's night: hours before noon are Sep 18. */
function at(hms) {
  const [h, m, s] = hms.split(':').map(Number);
  return (h < 12 ? h + 24 : h) * HOUR + m * MIN + s * SEC;
}

const p2 = (n) => String(n).padStart(2, '0');
function stamp(ms) {
  const s = Math.floor(ms / SEC);
  const day = 17 + Math.floor(s / 86400);
  const r = s % 86400;
  return `Sep ${day} ${p2(Math.floor(r / 3600))}:${p2(Math.floor(r / 60) % 60)}:${p2(r % 60)}`;
}

const lines = [];
let seq = 0;
/** One kernel line at `ms` on `host`; lines outside the window are dropped (tails of bursts). */
function emit(ms, host, text) {
  const t = Math.round(ms);
  if (t < T0 || t >= T1) return;
  lines.push({ ms: t, seq: seq++, text: `${stamp(t)} ${host} kernel: ${text}` });
}

// ---- kernel field formats (nf_log_syslog.c) --------------------------------------------------

const hex2 = (n) => n.toString(16).toUpperCase().padStart(2, '0');
const macHdr = (dst, src, type = '08:00') => `${dst}:${src}:${type}`;

function head(prefix, inIf, outIf, mac) {
  return `${prefix}IN=${inIf} OUT=${outIf} ${inIf ? `MAC=${mac} ` : ''}`;
}
function ip4({ src, dst, len, ttl, id, df = false, tos = 0, prec = 0 }) {
  return `SRC=${src} DST=${dst} LEN=${len} TOS=0x${hex2(tos)} PREC=0x${hex2(prec)} TTL=${ttl} ID=${id} ${df ? 'DF ' : ''}`;
}
/** %pI6: eight groups of four lower-case hex digits. */
function full6(addr) {
  const [h, t] = addr.includes('::') ? addr.split('::') : [addr, null];
  const hd = h ? h.split(':') : [];
  const tl = t ? t.split(':') : [];
  const fill = t === null ? [] : Array(8 - hd.length - tl.length).fill('0');
  return [...hd, ...fill, ...tl].map((g) => g.padStart(4, '0')).join(':');
}
function ip6({ src, dst, len, hl, fl, tc = 0 }) {
  return `SRC=${full6(src)} DST=${full6(dst)} LEN=${len} TC=${tc} HOPLIMIT=${hl} FLOWLBL=${fl} `;
}
const FLAG_ORDER = ['CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'];
function tcp(spt, dpt, window, flags = ['SYN']) {
  const f = FLAG_ORDER.filter((x) => flags.includes(x))
    .map((x) => `${x} `)
    .join('');
  return `PROTO=TCP SPT=${spt} DPT=${dpt} WINDOW=${window} RES=0x00 ${f}URGP=0 `;
}
const udp = (spt, dpt, ulen) => `PROTO=UDP SPT=${spt} DPT=${dpt} LEN=${ulen} `;
const echo4 = (id, sq) => `PROTO=ICMP TYPE=8 CODE=0 ID=${id} SEQ=${sq} `;
const echo6 = (id, sq) => `PROTO=ICMPv6 TYPE=128 CODE=0 ID=${id} SEQ=${sq} `;

// ---- the three firewalls ----------------------------------------------------------------------

const MHA = {
  host: 'mha.can.local',
  iface: 'enp0s29f7u2',
  ip: '192.168.254.3',
  mac: '00:24:9b:17:3a:fa',
  input: 'filter/INPUT: ',
  output: 'filter/OUTPUT: ',
};
const FW1 = {
  host: 'fw1.example.net',
  iface: 'eth0',
  ip: '203.0.113.10',
  ip6: '2001:db8:10::10',
  mac: '52:54:00:8a:3c:11',
  gw: '84:b8:02:1c:4d:c1',
  prefix: '[UFW BLOCK] ',
};
const EDGE1 = {
  host: 'edge1.example.net',
  iface: 'eth0',
  ip: '198.51.100.2',
  ip6: '2001:db8:20::1',
  mac: '78:8a:20:4e:91:02',
  gw: '00:01:5c:7a:3e:46',
  prefix: '[WAN_LOCAL-default-D]',
};

/** A packet from the internet arriving on fw1's or edge1's WAN port. */
function wanIn(fw, text, { v6 = false, prefix = fw.prefix } = {}) {
  return head(prefix, fw.iface, '', macHdr(fw.mac, fw.gw, v6 ? '86:dd' : '08:00')) + text;
}

// =================================================================================================
// mha.can.local: a workstation on a home LAN (192.168.254.0/24, gateway .254 = 50:39:55:62:7b:5b).
// INPUT drops LAN broadcast/multicast chatter; OUTPUT drops (and logs) the browser's QUIC and SMTP.
// =================================================================================================

const LAN = {
  router: { ip: '192.168.254.254', mac: '50:39:55:62:7b:5b' },
  nas: { ip: '192.168.254.12', mac: '00:11:32:7a:5e:03', df: true },
  phone: { ip: '192.168.254.20', mac: '3c:28:6d:4e:19:a7', df: false },
  printer: { ip: '192.168.254.31', mac: '30:05:5c:8e:d2:14', df: false },
  tv: { ip: '192.168.254.44', mac: 'a8:23:fe:61:0c:92', df: true },
  laptop: { ip: '192.168.254.57', mac: 'a4:c3:f0:2b:90:6e', df: false },
};
const mhaIn = (dstMac, dev) => head(MHA.input, MHA.iface, '', macHdr(dstMac, dev.mac));
const mhaOut = () => head(MHA.output, '', MHA.iface, '');

// mDNS (224.0.0.251:5353): announcements and queries, a probe repeated after 1 s now and then.
for (const [name, lo, hi] of [
  ['nas', 180, 420],
  ['phone', 70, 160],
  ['printer', 220, 400],
  ['tv', 120, 330],
  ['laptop', 60, 110],
]) {
  const dev = LAN[name];
  for (let t = T0 + expo(9 * MIN); t < T1; t += expo(9 * MIN)) {
    const n = pick([1, 1, 2, 3]);
    const len = int(lo, hi);
    for (let k = 0; k < n; k++) {
      emit(
        t + k * SEC + int(0, 40),
        MHA.host,
        mhaIn('01:00:5e:00:00:fb', dev) +
          ip4({ src: dev.ip, dst: '224.0.0.251', len, ttl: 255, id: dev.df ? 0 : ipId(), df: dev.df }) +
          udp(5353, 5353, len - 20),
      );
    }
  }
}

// SSDP (239.255.255.250:1900): the router's and the TV's NOTIFY bursts, the phone's M-SEARCH.
{
  const ssdp = (dev, t, spt, ttl, len) =>
    emit(
      t,
      MHA.host,
      mhaIn('01:00:5e:7f:ff:fa', dev) +
        ip4({ src: dev.ip, dst: '239.255.255.250', len, ttl, id: ipId(), df: true }) +
        udp(spt, 1900, len - 20),
    );
  for (let t = T0 + int(0, 15 * MIN); t < T1; t += 15 * MIN + int(-20, 20) * SEC) {
    const n = int(6, 9);
    for (let k = 0; k < n; k++) ssdp(LAN.router, t + k * 35, 1900, 2, int(310, 420));
  }
  const tvPort = ephemeral();
  for (let t = T0 + int(0, 10 * MIN); t < T1; t += 10 * MIN + int(-30, 30) * SEC) {
    const n = int(3, 6);
    for (let k = 0; k < n; k++) ssdp(LAN.tv, t + k * 120, tvPort, 4, int(330, 460));
  }
  for (let t = T0 + expo(25 * MIN); t < T1; t += expo(25 * MIN)) {
    const spt = ephemeral();
    for (let k = 0; k < 3; k++) ssdp(LAN.phone, t + k * SEC, spt, 1, int(145, 175));
  }
}

// NetBIOS name service (137): the phone's network-scanner app asks mha for its name table (NBSTAT).
for (const start of ['21:42:10', '23:07:51', '00:17:05']) {
  const spt = ephemeral();
  for (let k = 0; k < 3; k++) {
    emit(
      at(start) + k * 1500,
      MHA.host,
      mhaIn(MHA.mac, LAN.phone) +
        ip4({ src: LAN.phone.ip, dst: MHA.ip, len: 78, ttl: 64, id: ipId() }) +
        udp(spt, 137, 58),
    );
  }
}

// NetBIOS datagrams (138) broadcast by the laptop, and its LLMNR (224.0.0.252:5355) name queries.
// (Windows sends 138 from port 138; the sample uses ephemeral ports to keep low-source-ports exact.)
for (let t = T0 + int(0, 12 * MIN); t < T1; t += 12 * MIN + int(-40, 40) * SEC) {
  emit(
    t,
    MHA.host,
    mhaIn('ff:ff:ff:ff:ff:ff', LAN.laptop) +
      ip4({ src: LAN.laptop.ip, dst: '192.168.254.255', len: 229, ttl: 128, id: ipId() }) +
      udp(ephemeral(), 138, 209),
  );
}
for (let t = T0 + expo(9 * MIN); t < T1; t += expo(9 * MIN)) {
  const names = pick([1, 1, 2]);
  for (let q = 0; q < names; q++) {
    const spt = int(49152, 65535);
    const len = int(50, 72);
    for (let k = 0; k < 2; k++) {
      emit(
        t + q * 20 + k * 410,
        MHA.host,
        mhaIn('01:00:5e:00:00:fc', LAN.laptop) +
          ip4({ src: LAN.laptop.ip, dst: '224.0.0.252', len, ttl: 1, id: ipId() }) +
          udp(spt, 5355, len - 20),
      );
    }
  }
}

// ICMP echo requests to mha: the NAS's uptime monitor every 5 minutes, and two manual pings.
{
  const id = int(1000, 30000);
  let n = 1;
  for (let t = T0 + int(0, 5 * MIN); t < T1; t += 5 * MIN + int(0, 400)) {
    emit(
      t,
      MHA.host,
      mhaIn(MHA.mac, LAN.nas) +
        ip4({ src: LAN.nas.ip, dst: MHA.ip, len: 84, ttl: 64, id: ipId(), df: true }) +
        echo4(id, n++),
    );
  }
  for (const [start, count, first] of [
    ['23:05:12', 10, 412],
    ['00:41:30', 6, 455],
  ]) {
    let id4 = ipId();
    for (let k = 0; k < count; k++) {
      emit(
        at(start) + k * SEC + int(0, 15),
        MHA.host,
        mhaIn(MHA.mac, LAN.laptop) +
          ip4({ src: LAN.laptop.ip, dst: MHA.ip, len: 60, ttl: 128, id: id4++ }) +
          echo4(1, first + k),
      );
    }
  }
}

// QUIC (UDP to :443) from mha's browser, dropped by OUTPUT so that it falls back to TCP. Outbound
// lines: `IN=` empty, no MAC=, source port ephemeral. Retries back off: +0.3 s, +0.9 s, +2.1 s.
const QUIC_DSTS = [
  '142.250.185.78',
  '142.250.185.99',
  '172.217.18.14',
  '216.58.212.170',
  '173.194.182.137',
  '104.16.132.229',
  '104.18.32.7',
  '172.64.155.209',
  '157.240.27.35',
  '151.101.1.140',
];
function quicFlow(t, dst, { n = pick([2, 3, 3, 4]), tail = '' } = {}) {
  const spt = ephemeral();
  let id = ipId();
  const len = pick([1278, 1278, 1278, 1280, 1350]);
  [0, 300, 900, 2100].slice(0, n).forEach((off, k) => {
    emit(
      t + off + int(0, 30),
      MHA.host,
      mhaOut() +
        ip4({ src: MHA.ip, dst, len, ttl: 64, id: id++ & 0xffff || 1, df: true }) +
        udp(spt, 443, len - 20) +
        (k === 0 ? tail : ''),
    );
  });
}
for (const [from, to] of [
  ['21:05:00', '22:22:00'],
  ['22:41:00', '23:52:00'],
  ['00:08:00', '00:36:00'],
]) {
  for (let t = at(from) + expo(150 * SEC); t < at(to); t += expo(150 * SEC)) {
    const k = pick([1, 1, 2, 2, 3]);
    for (let j = 0; j < k; j++) quicFlow(t + j * int(20, 200), pick(QUIC_DSTS));
  }
}
// One packet carrying a firewall mark (a policy-routing rule marks this browser profile's traffic).
quicFlow(at('23:14:07'), '104.16.132.229', { n: 1, tail: 'MARK=0x1 ' });

// SMTP from a user process, logged by an OUTPUT rule with --log-uid: UID/GID follow the TCP part.
for (const start of ['21:51:33', '21:52:40']) {
  const spt = ephemeral();
  let id = ipId();
  for (const off of [0, 1000, 3000]) {
    emit(
      at(start) + off + int(0, 20),
      MHA.host,
      mhaOut() +
        ip4({ src: MHA.ip, dst: '192.0.2.25', len: 60, ttl: 64, id: id++, df: true }) +
        tcp(spt, 25, 64240) +
        'UID=1000 GID=1000 ',
    );
  }
}

// Non-netfilter kernel lines on mha: a USB stick, the firewall restart that lost conntrack state
// (modules unloaded and reloaded three seconds before the first real line), an AppArmor denial.
{
  const k = (hms, off, text) => emit(at(hms) + off, MHA.host, text);
  k('21:14:37', 0, 'usb 1-4: new high-speed USB device number 7 using ehci-pci');
  k('21:14:37', 100, 'usb 1-4: New USB device found, idVendor=0781, idProduct=5581, bcdDevice= 1.00');
  k('21:14:37', 110, 'usb 1-4: Product: Ultra');
  k('21:14:37', 120, 'usb 1-4: Manufacturer: SanDisk');
  k('21:14:37', 300, 'usb-storage 1-4:1.0: USB Mass Storage device detected');
  k('21:14:37', 310, 'scsi host6: usb-storage 1-4:1.0');
  k('21:14:39', 0, 'sd 6:0:0:0: [sdc] Attached SCSI removable disk');
  k('21:14:40', 0, 'EXT4-fs (sdc1): mounted filesystem with ordered data mode. Opts: (null)');
  k('22:26:20', 0, 'Netfilter messages via NETLINK v0.30.');
  k('22:26:20', 10, 'ip_tables: (C) 2000-2006 Netfilter Core Team');
  k('22:26:20', 20, 'nf_conntrack version 0.5.0 (32768 buckets, 131072 max)');
  k('22:26:20', 30, 'ctnetlink v0.93: registering with nfnetlink.');
  k(
    '22:26:20',
    40,
    'nf_conntrack: default automatic helper assignment has been turned off for security reasons and CT-based firewall rule not found. Use the iptables CT target to attach helpers instead.',
  );
  const aud = at('00:12:44') + 512;
  k(
    '00:12:44',
    512,
    `audit: type=1400 audit(${AUDIT_EPOCH_SEP17 + Math.floor(aud / SEC)}.512:214): apparmor="DENIED" operation="open" profile="snap.firefox.firefox" name="/proc/pressure/memory" pid=4312 comm="firefox" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0`,
  );
}

// The fourteen real lines, at their own times.
for (const raw of REAL_LINES) {
  lines.push({ ms: at(raw.slice(7, 15)), seq: seq++, text: raw });
}

// =================================================================================================
// fw1.example.net (a VPS, UFW) and edge1.example.net (an EdgeRouter): internet background noise.
// =================================================================================================

// Named actors; the background pool never uses these addresses.
const HAMMERER = '198.51.100.23';
const SCANNER = '192.0.2.66';
const SSH_FEW = ['203.0.113.45', '192.0.2.14', '198.51.100.77', '203.0.113.181', '192.0.2.150'];
const QUIC_PROBERS = ['203.0.113.91', '192.0.2.201', '198.51.100.140'];
const WG_PEERS = ['203.0.113.150', '192.0.2.33'];
const FWD_SOURCES = ['198.51.100.61', '203.0.113.222', '192.0.2.97'];
const RESERVED = new Set([
  FW1.ip,
  EDGE1.ip,
  HAMMERER,
  SCANNER,
  ...SSH_FEW,
  ...QUIC_PROBERS,
  ...WG_PEERS,
  ...FWD_SOURCES,
  '192.0.2.25',
  '192.0.2.180',
]);

const PROFILES = ['zmap', 'zmap', 'masscan', 'mirai', 'mirai', 'linux', 'linux', 'windows', 'udp', 'udp'];
const pool = [];
{
  const seen = new Set(RESERVED);
  while (pool.length < 150) {
    const ip = `${pick(['192.0.2', '198.51.100', '203.0.113'])}.${int(1, 254)}`;
    if (seen.has(ip)) continue;
    seen.add(ip);
    const profile = pick(PROFILES);
    const ttl =
      profile === 'zmap' || profile === 'masscan'
        ? int(228, 250)
        : profile === 'windows'
          ? int(105, 121)
          : int(38, 61);
    pool.push({ ip, profile, ttl, spt: int(40000, 65535), weight: pool.length < 20 ? 8 : 1 });
  }
}
const poolWeight = pool.reduce((s, p) => s + p.weight, 0);
function pickSource() {
  let r = rand() * poolWeight;
  for (const p of pool) {
    r -= p.weight;
    if (r < 0) return p;
  }
  return pool[pool.length - 1];
}

const TCP_NOISE = [
  23, 23, 23, 23, 2323, 3389, 3389, 445, 445, 8080, 1433, 3306, 5900, 6379, 8443, 9200, 5555, 81, 8888,
  37215, 52869, 7547, 8291, 60001, 5432, 27017, 2375, 10250, 8081, 8000, 9000, 21, 25, 110, 143, 3128,
];
const UDP_NOISE = [
  [53, 36, 48],
  [123, 56, 56],
  [161, 43, 51],
  [1900, 98, 132],
  [5060, 420, 520],
  [11211, 23, 23],
  [3702, 600, 660],
  [5353, 46, 46],
  [137, 58, 58],
  [1194, 22, 22],
  [500, 268, 268],
  [3478, 28, 28],
  [10001, 12, 12],
  [19, 9, 9],
  [111, 48, 48],
  [389, 60, 60],
];

/** A SYN from a real TCP stack, with the stack's own retransmissions (+1 s, +3 s) of a dropped SYN. */
function synWithRetries(fw, t, { src, ttl, dpt, len, win, spt, retries, prefix, v6 = false, hl, fl }) {
  let id = ipId();
  [0, 1000, 3000].slice(0, 1 + retries).forEach((off) => {
    const l3 = v6 ? ip6({ src, dst: fw.ip6, len, hl, fl }) : ip4({ src, dst: fw.ip, len, ttl, id: id++, df: true });
    emit(t + off + int(0, 25), fw.host, wanIn(fw, l3 + tcp(spt, dpt, win), { v6, prefix }));
  });
}

function noise(fw, meanGap, tcpPorts) {
  for (let t = T0 + expo(meanGap); t < T1; t += expo(meanGap)) {
    const s = pickSource();
    const dpt = pick(tcpPorts);
    switch (s.profile) {
      case 'zmap':
        emit(t, fw.host, wanIn(fw, ip4({ src: s.ip, dst: fw.ip, len: 40, ttl: s.ttl, id: 54321 }) + tcp(ephemeral(), dpt, 65535)));
        break;
      case 'masscan':
        emit(t, fw.host, wanIn(fw, ip4({ src: s.ip, dst: fw.ip, len: 40, ttl: s.ttl, id: ipId() }) + tcp(s.spt, dpt, 1024)));
        break;
      case 'mirai':
        emit(
          t,
          fw.host,
          wanIn(
            fw,
            ip4({ src: s.ip, dst: fw.ip, len: 40, ttl: s.ttl, id: ipId() }) +
              tcp(int(1025, 65535), chance(0.85) ? 23 : 2323, int(1024, 65535)),
          ),
        );
        break;
      case 'linux':
      case 'windows': {
        const win = s.profile === 'windows' ? 64240 : pick([64240, 29200, 65535]);
        const len = s.profile === 'windows' ? 52 : 60;
        const spt = s.profile === 'windows' ? int(49152, 65535) : ephemeral();
        synWithRetries(fw, t, { src: s.ip, ttl: s.ttl, dpt, len, win, spt, retries: pick([0, 0, 1, 2]) });
        break;
      }
      default: {
        const [udpDpt, lo, hi] = pick(UDP_NOISE);
        const ulen = int(lo, hi);
        const spt = udpDpt === 5060 ? pick([5060, 5061, 5070, int(10000, 65535)]) : int(1025, 65535);
        emit(
          t,
          fw.host,
          wanIn(fw, ip4({ src: s.ip, dst: fw.ip, len: ulen + 20, ttl: s.ttl, id: ipId(), df: chance(0.3) }) + udp(spt, udpDpt, ulen)),
        );
      }
    }
  }
}

// ---- fw1.example.net: a web server (80/443 allowed), SSH closed to the internet ----------------

noise(FW1, 27 * SEC, TCP_NOISE);

// The SSH hammerer: 47 connection attempts to :22 in about twenty minutes, a few in parallel, each SYN
// retransmitted by its TCP stack while it waits.
{
  let t = at('21:38:10');
  for (let k = 0; k < 47; k++) {
    synWithRetries(FW1, t, {
      src: HAMMERER,
      ttl: 49,
      dpt: 22,
      len: 60,
      win: 64240,
      spt: ephemeral(),
      retries: pick([0, 1, 1, 2]),
    });
    t += chance(0.2) ? int(0, 400) : int(15, 55) * SEC;
  }
}

// A few other sources trying SSH, on fw1 (IPv4 and IPv6) and on edge1.
for (const [fw, src, starts] of [
  [FW1, '203.0.113.45', ['21:12:03', '21:12:41', '23:27:19']],
  [FW1, '192.0.2.14', ['22:47:55', '22:48:02']],
  [FW1, '198.51.100.77', ['00:03:11', '00:03:40', '00:04:02', '00:05:17']],
  [FW1, '203.0.113.181', ['21:20:44', '21:21:09']],
  [EDGE1, '203.0.113.181', ['21:23:30', '21:23:58']],
  [EDGE1, '192.0.2.150', ['22:02:16', '22:02:50', '22:03:33', '00:27:05']],
]) {
  const ttl = int(42, 56);
  for (const s of starts) {
    synWithRetries(fw, at(s), {
      src,
      ttl,
      dpt: 22,
      len: 60,
      win: pick([64240, 29200]),
      spt: ephemeral(),
      retries: pick([0, 1, 2]),
    });
  }
}
for (const s of ['21:57:12', '21:58:30', '23:41:05']) {
  synWithRetries(FW1, at(s), {
    src: '2001:db8:bad:1::5',
    v6: true,
    hl: 51,
    fl: int(1, 1048575),
    dpt: 22,
    len: 80,
    win: 64800,
    spt: ephemeral(),
    retries: pick([1, 2]),
  });
}
// Other IPv6 background on fw1.
for (const s of ['21:33:47', '22:15:02', '23:02:39', '00:31:18', '00:52:50']) {
  const src = pick(['2001:db8:4:6::beef', '2001:db8:c0:ffee::2', '2001:db8:77::1:9']);
  synWithRetries(FW1, at(s), {
    src,
    v6: true,
    hl: int(48, 60),
    fl: int(1, 1048575),
    dpt: pick([23, 3389, 8080, 445]),
    len: 80,
    win: 64800,
    spt: ephemeral(),
    retries: 0,
  });
}

// The port scan: nmap -sS from one source, 38 distinct ports in under a minute, one SYN each
// (plus its retransmission to a few filtered ports). Fixed source port, LEN=44, WINDOW=1024.
{
  const ports = [
    3389, 445, 21, 25, 110, 53, 139, 8080, 23, 135, 1723, 111, 995, 993, 3306, 22, 587, 5900, 143, 113,
    1025, 8888, 554, 199, 256, 1720, 465, 548, 5060, 2000, 26, 179, 8443, 6001, 49152, 1026, 81, 10000,
  ];
  const spt = 48329;
  let t = at('23:48:12');
  const probe = (dpt, ms) =>
    emit(ms, FW1.host, wanIn(FW1, ip4({ src: SCANNER, dst: FW1.ip, len: 44, ttl: 53, id: ipId() }) + tcp(spt, dpt, 1024)));
  for (const dpt of ports) {
    probe(dpt, t);
    t += int(300, 1400);
  }
  for (const dpt of [3389, 445, 8080, 22, 5900]) {
    probe(dpt, t);
    t += int(100, 600);
  }
}

// Inbound UDP to :443 on fw1 (it serves HTTP/1.1 and HTTP/2 only): QUIC probes, 1200-byte payloads.
for (const [src, starts] of [
  ['203.0.113.91', ['21:26:40', '21:26:41', '21:26:43', '23:59:30']],
  ['192.0.2.201', ['22:38:05', '22:38:06']],
  ['198.51.100.140', ['00:44:12', '00:44:13', '00:44:15']],
]) {
  const spt = int(20000, 65535);
  const ttl = int(44, 57);
  for (const s of starts) {
    emit(
      at(s) + int(0, 900),
      FW1.host,
      wanIn(FW1, ip4({ src, dst: FW1.ip, len: 1228, ttl, id: ipId(), df: true }) + udp(spt, 443, 1208)),
    );
  }
}

// Non-netfilter lines on fw1: unattended-upgrades reloading AppArmor profiles after midnight.
for (const [hms, ms, serial, prof, pid] of [
  ['00:06:13', 281, 112, '/usr/bin/man', 48113],
  ['00:06:13', 297, 113, 'man_filter', 48113],
]) {
  emit(
    at(hms) + ms,
    FW1.host,
    `audit: type=1400 audit(${AUDIT_EPOCH_SEP17 + Math.floor((at(hms) + ms) / SEC)}.${ms}:${serial}): apparmor="STATUS" operation="profile_replace" info="same as current profile, skipping" profile="unconfined" name="${prof}" pid=${pid} comm="apparmor_parser"`,
  );
}

// ---- edge1.example.net: EdgeRouter, prefixes glued to IN= ---------------------------------------

noise(EDGE1, 38 * SEC, [...TCP_NOISE, 80, 443, 8080, 8443]);

// ICMP echo requests to the WAN address: zmap sweeps (LEN=28, ID 54321) and ordinary pings.
for (let t = T0 + expo(6 * MIN); t < T1; t += expo(6 * MIN)) {
  const s = pickSource();
  if (chance(0.5)) {
    emit(t, EDGE1.host, wanIn(EDGE1, ip4({ src: s.ip, dst: EDGE1.ip, len: 28, ttl: int(230, 250), id: 54321 }) + echo4(int(1, 65535), 0)));
  } else {
    const id = int(1, 65535);
    const n = int(1, 4);
    for (let k = 0; k < n; k++) {
      emit(
        t + k * SEC,
        EDGE1.host,
        wanIn(EDGE1, ip4({ src: s.ip, dst: EDGE1.ip, len: 84, ttl: s.ttl, id: ipId(), df: true }) + echo4(id, k + 1)),
      );
    }
  }
}

// One ICMP port unreachable that matched no conntrack entry: a dead NTP server answering edge1's
// chrony query. The quoted packet is edge1's own (ephemeral source port, so no low SPT anywhere).
emit(
  at('00:21:37') + 200,
  EDGE1.host,
  wanIn(
    EDGE1,
    ip4({ src: '192.0.2.180', dst: EDGE1.ip, len: 104, ttl: 53, id: ipId(), prec: 0xc0 }) +
      'PROTO=ICMP TYPE=3 CODE=3 [' +
      ip4({ src: EDGE1.ip, dst: '192.0.2.180', len: 76, ttl: 52, id: ipId(), df: true }) +
      udp(41873, 123, 56) +
      '] ',
  ),
);

// ICMPv6 echo requests to edge1's WAN address.
for (const [src, start, n] of [
  ['2001:db8:aaaa::77', '22:11:40', 6],
  ['2001:db8:51::2', '00:14:02', 2],
]) {
  const id = int(1, 65535);
  const fl = int(1, 1048575);
  for (let k = 0; k < n; k++) {
    emit(
      at(start) + k * SEC + int(0, 10),
      EDGE1.host,
      wanIn(EDGE1, ip6({ src, dst: EDGE1.ip6, len: 104, hl: 57, fl }) + echo6(id, k + 1), {
        v6: true,
        prefix: '[WANv6_LOCAL-default-D]',
      }),
    );
  }
}

// Forwarded traffic: a port forward (8443 -> 192.168.1.10) that WAN_IN allows only from a few
// addresses; others hit its default drop. IN and OUT both set: direction forward.
for (const [src, start] of [
  ['198.51.100.61', '21:47:20'],
  ['203.0.113.222', '22:59:03'],
  ['192.0.2.97', '23:36:48'],
  ['198.51.100.61', '00:49:31'],
]) {
  let id = ipId();
  const spt = ephemeral();
  const ttl = int(44, 56);
  for (const off of [0, 1000, 3000]) {
    emit(
      at(start) + off + int(0, 25),
      EDGE1.host,
      head('[WAN_IN-default-D]', EDGE1.iface, 'eth1', macHdr(EDGE1.mac, EDGE1.gw)) +
        ip4({ src, dst: '192.168.1.10', len: 60, ttl, id: id++, df: true }) +
        tcp(spt, 8443, 64240),
    );
  }
}

// WireGuard handshakes accepted and logged by WAN_LOCAL rule 20 (new flows only): a laptop, and a
// phone behind carrier-grade NAT whose public source port changes.
for (const [src, spt, start] of [
  ['203.0.113.150', 51820, '21:08:44'],
  ['192.0.2.33', 38412, '22:31:09'],
  ['192.0.2.33', 61027, '23:19:52'],
  ['192.0.2.33', 27735, '00:02:26'],
  ['203.0.113.150', 51820, '00:33:15'],
]) {
  emit(
    at(start) + int(0, 900),
    EDGE1.host,
    wanIn(EDGE1, ip4({ src, dst: EDGE1.ip, len: 176, ttl: int(50, 60), id: ipId() }) + udp(spt, 51820, 156), {
      prefix: '[WAN_LOCAL-20-A]',
    }),
  );
}

// ---- out ------------------------------------------------------------------------------------------

lines.sort((a, b) => a.ms - b.ms || a.seq - b.seq);
process.stdout.write(`${lines.map((l) => l.text).join('\n')}\n`);
