/**
 * The record schema: the one source of truth for every column fwlake writes.
 *
 * The JSON-lines encoder, the DuckDB column types, the Glue table columns and the
 * README's column list are all generated from (or tested against) COLUMNS, so a
 * column added here shows up everywhere or a test fails.
 *
 * Bump SCHEMA_VERSION when a column changes meaning or type; adding a nullable
 * column at the end is backwards compatible and only needs a minor note.
 */

export const SCHEMA_VERSION = 1;

/** Logical column types; each maps to one Athena/Glue type and one DuckDB type. */
export type ColumnType = 'string' | 'int' | 'bigint' | 'double' | 'boolean' | 'timestamp' | 'array<string>';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  /** One sentence for the README and the Glue column comment. */
  readonly doc: string;
}

const c = (name: string, type: ColumnType, doc: string): Column => ({ name, type, doc });

export const COLUMNS: readonly Column[] = [
  c(
    'ts',
    'timestamp',
    'When the packet was logged, UTC, from the syslog/journal header (the reference time when the line has none).',
  ),
  c(
    'host',
    'string',
    'The firewall that logged it: the syslog/journal host, else the per-host prefix of the source object.',
  ),
  c(
    'prefix',
    'string',
    "The rule's log prefix as printed (e.g. `filter/INPUT:`, `[UFW BLOCK]`), trailing spaces removed; null when the rule set none.",
  ),
  c(
    'action',
    'string',
    'Derived from the prefix: block, allow, reject, drop, log, or null when the prefix does not say.',
  ),
  c(
    'direction',
    'string',
    'in (IN= set, OUT= empty), out (OUT= set, IN= empty), forward (both set), or null.',
  ),
  c(
    'rule_set',
    'string',
    'Rule set named by an EdgeRouter/VyOS-style prefix (`[WAN_LOCAL-default-D]` gives WAN_LOCAL).',
  ),
  c('rule_number', 'string', 'Rule number (or `default`) named by an EdgeRouter/VyOS-style prefix.'),
  c('in_iface', 'string', 'IN=: the interface the packet arrived on; null when empty.'),
  c('out_iface', 'string', 'OUT=: the interface it was leaving by; null when empty.'),
  c('phys_in', 'string', 'PHYSIN=: bridge port it arrived on.'),
  c('phys_out', 'string', 'PHYSOUT=: bridge port it was leaving by.'),
  c('mac_dst', 'string', 'Destination MAC, from a 14-byte MAC= header or MACDST=.'),
  c('mac_src', 'string', 'Source MAC, from a 14-byte MAC= header or MACSRC=.'),
  c('ethertype', 'string', 'EtherType as 4 hex digits (0800 IPv4, 86dd IPv6), from MAC= or MACPROTO=.'),
  c('mac_raw', 'string', 'MAC= as printed when it is not a 14-byte Ethernet header (longer, or empty).'),
  c('vlan_proto', 'string', 'VPROTO=: VLAN tag protocol, 4 hex digits.'),
  c('vlan_id', 'int', 'VID=: VLAN id.'),
  c('tunnel', 'string', 'TUNNEL=: outer addresses of a SIT tunnel, `a.b.c.d->e.f.g.h`.'),
  c('ip_version', 'int', '4 or 6; null for ARP and other non-IP lines.'),
  c(
    'src',
    'string',
    'SRC= (or ARP IPSRC=, the sender protocol address): source address; IPv6 in RFC 5952 form.',
  ),
  c('dst', 'string', 'DST= (or ARP IPDST=): destination address; IPv6 in RFC 5952 form.'),
  c('len', 'int', 'LEN= of the IP packet (IPv6: payload plus the 40-byte header).'),
  c('tos', 'int', 'TOS= (IPv4), as a number.'),
  c('prec', 'int', 'PREC= (IPv4 precedence bits), as a number.'),
  c('ttl', 'int', 'TTL= (IPv4).'),
  c('ip_id', 'bigint', 'ID= (IPv4 identification) or the IPv6 fragment header ID:.'),
  c('tc', 'int', 'TC= (IPv6 traffic class).'),
  c('hop_limit', 'int', 'HOPLIMIT= (IPv6).'),
  c('flow_label', 'int', 'FLOWLBL= (IPv6 flow label).'),
  c(
    'ip_flags',
    'array<string>',
    'IP flags printed: CE, DF, MF (an IPv6 fragment header with INCOMPLETE gives MF).',
  ),
  c('frag_offset', 'int', 'FRAG: fragment offset; non-first fragments carry no ports.'),
  c('ip_options', 'string', 'IPv4 OPT (...) as hex, or the IPv6 extension header text inside OPT ( ... ).'),
  c(
    'ip6_ext_headers',
    'array<string>',
    'IPv6 extension headers seen: FRAG, AH, ESP, OPT (hop-by-hop/routing/destination), UNKNOWN:<n>.',
  ),
  c(
    'proto',
    'string',
    'PROTO=: TCP, UDP, UDPLITE, SCTP, ICMP, ICMPv6, ESP, AH, or the protocol number; ARP for ARP lines.',
  ),
  c('spt', 'int', 'SPT=: source port (TCP, UDP, UDPLITE).'),
  c('dpt', 'int', 'DPT=: destination port.'),
  c('tcp_seq', 'bigint', 'SEQ= (TCP, when logged with --log-tcp-sequence).'),
  c('tcp_ack', 'bigint', 'ACK= (TCP acknowledgement number).'),
  c('window', 'int', 'WINDOW= (TCP receive window). A reserved word in SQL: write it "window".'),
  c('res', 'int', 'RES= (TCP reserved bits), as a number.'),
  c('tcp_flags', 'array<string>', 'TCP flags printed, in kernel order: AE CWR ECE URG ACK PSH RST SYN FIN.'),
  c('urgp', 'int', 'URGP= (TCP urgent pointer).'),
  c('tcp_options', 'string', 'TCP OPT (...) as hex, when logged with --log-tcp-options.'),
  c('udp_len', 'int', 'The UDP header LEN= (not the IP LEN).'),
  c('icmp_type', 'int', 'ICMP/ICMPv6 TYPE=.'),
  c('icmp_code', 'int', 'ICMP/ICMPv6 CODE=.'),
  c('icmp_id', 'int', 'ICMP echo ID= (not the IP ID).'),
  c('icmp_seq', 'int', 'ICMP echo SEQ= (not the TCP SEQ).'),
  c('icmp_mtu', 'int', 'MTU= of an ICMP fragmentation-needed or ICMPv6 packet-too-big.'),
  c('icmp_gateway', 'string', 'GATEWAY= of an ICMP redirect.'),
  c('icmp_parameter', 'int', 'PARAMETER= of an ICMP parameter problem.'),
  c('icmp_pointer', 'bigint', 'POINTER= of an ICMPv6 parameter problem.'),
  c('inner_src', 'string', 'Source address of the packet quoted in brackets inside an ICMP/ICMPv6 error.'),
  c('inner_dst', 'string', 'Destination address of the quoted packet.'),
  c('inner_proto', 'string', 'Protocol of the quoted packet.'),
  c('inner_spt', 'int', 'Source port of the quoted packet.'),
  c('inner_dpt', 'int', 'Destination port of the quoted packet.'),
  c('spi', 'bigint', 'SPI= of an ESP or AH header.'),
  c('arp_htype', 'int', 'ARP HTYPE= (1 is Ethernet).'),
  c('arp_ptype', 'int', 'ARP PTYPE= (0x0800 is IPv4), as a number.'),
  c('arp_opcode', 'int', 'ARP OPCODE= (1 request, 2 reply).'),
  c(
    'arp_mac_src',
    'string',
    'ARP sender hardware address (MACSRC= after OPCODE=; the link header keeps mac_src).',
  ),
  c('arp_mac_dst', 'string', 'ARP target hardware address (MACDST= after OPCODE=).'),
  c('uid', 'bigint', 'UID= of the local socket owner (OUTPUT chain, --log-uid).'),
  c('gid', 'bigint', 'GID= of the local socket owner.'),
  c('mark', 'bigint', 'MARK= (packet mark), as a number.'),
  c(
    'truncated',
    'boolean',
    'True when the kernel printed TRUNCATED or INCOMPLETE [n bytes]: the packet was shorter than its headers.',
  ),
  c('kernel_uptime', 'double', 'Seconds since boot, from a `[12345.678901]` kernel stamp, when present.'),
  c('raw', 'string', 'The original line, as read (CR and newline removed).'),
  c('source_key', 'string', 'The object or file the line came from (lineage).'),
  c('line_no', 'bigint', '1-based line number in that object.'),
];

/** Hive partition columns: in the object path, not in the data. */
export const PARTITION_COLUMNS: readonly Column[] = [
  c('dt', 'string', 'Partition: the UTC day of ts, yyyy-MM-dd.'),
  c('hour', 'string', 'Partition: the UTC hour of ts, 00-23.'),
];

export const COLUMN_NAMES: readonly string[] = COLUMNS.map((col) => col.name);

/** Athena / Glue (Hive DDL) type of each logical type. */
export const ATHENA_TYPE: Record<ColumnType, string> = {
  string: 'string',
  int: 'int',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
  timestamp: 'timestamp',
  'array<string>': 'array<string>',
};

/** DuckDB type of each logical type, for reading the partitions with explicit types. */
export const DUCKDB_TYPE: Record<ColumnType, string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  'array<string>': 'VARCHAR[]',
};
