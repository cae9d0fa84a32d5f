/**
 * One parsed netfilter line. Field names are the column names of schema.ts
 * (a test keeps the two in step). Every field starts null and the parser fills
 * only what the kernel printed, so absence is always null, never 0 or ''.
 *
 * A class with every field set in the constructor keeps one hidden class for all
 * records, which is what makes the parser's hot path fast in V8.
 */
export class FirewallRecord {
  /** Epoch milliseconds, UTC. The encoders turn it into a timestamp. */
  ts = 0;
  host: string | null = null;
  prefix: string | null = null;
  action: string | null = null;
  direction: string | null = null;
  rule_set: string | null = null;
  rule_number: string | null = null;
  in_iface: string | null = null;
  out_iface: string | null = null;
  phys_in: string | null = null;
  phys_out: string | null = null;
  mac_dst: string | null = null;
  mac_src: string | null = null;
  ethertype: string | null = null;
  mac_raw: string | null = null;
  vlan_proto: string | null = null;
  vlan_id: number | null = null;
  tunnel: string | null = null;
  ip_version: number | null = null;
  src: string | null = null;
  dst: string | null = null;
  len: number | null = null;
  tos: number | null = null;
  prec: number | null = null;
  ttl: number | null = null;
  ip_id: number | null = null;
  tc: number | null = null;
  hop_limit: number | null = null;
  flow_label: number | null = null;
  ip_flags: string[] | null = null;
  frag_offset: number | null = null;
  ip_options: string | null = null;
  ip6_ext_headers: string[] | null = null;
  proto: string | null = null;
  spt: number | null = null;
  dpt: number | null = null;
  tcp_seq: number | null = null;
  tcp_ack: number | null = null;
  window: number | null = null;
  res: number | null = null;
  tcp_flags: string[] | null = null;
  urgp: number | null = null;
  tcp_options: string | null = null;
  udp_len: number | null = null;
  icmp_type: number | null = null;
  icmp_code: number | null = null;
  icmp_id: number | null = null;
  icmp_seq: number | null = null;
  icmp_mtu: number | null = null;
  icmp_gateway: string | null = null;
  icmp_parameter: number | null = null;
  icmp_pointer: number | null = null;
  inner_src: string | null = null;
  inner_dst: string | null = null;
  inner_proto: string | null = null;
  inner_spt: number | null = null;
  inner_dpt: number | null = null;
  spi: number | null = null;
  arp_htype: number | null = null;
  arp_ptype: number | null = null;
  arp_opcode: number | null = null;
  arp_mac_src: string | null = null;
  arp_mac_dst: string | null = null;
  uid: number | null = null;
  gid: number | null = null;
  mark: number | null = null;
  truncated: boolean | null = null;
  kernel_uptime: number | null = null;
  raw = '';
  source_key: string | null = null;
  line_no = 0;
}

/**
 * Sets every field of `r` back to what a new record has: one generated straight-line
 * function (from a new record's own fields, so it cannot drift from the class). Lets a
 * caller that copies each record away at once (ingest) reuse one object for every line
 * instead of allocating ~600 bytes a line for the garbage collector.
 */
export const clearRecord: (r: FirewallRecord) => void = (() => {
  const fresh = new FirewallRecord();
  const body = Object.entries(fresh)
    .map(([k, v]) => {
      if (!/^[a-z_][a-z0-9_]*$/.test(k)) throw new Error(`record field ${k} is not an identifier`);
      return `r.${k} = ${JSON.stringify(v)};`;
    })
    .join('\n');
  return new Function('r', body) as (r: FirewallRecord) => void;
})();

/** A line that looked like a netfilter line but could not be parsed. */
export interface Quarantined {
  readonly quarantined: true;
  /** Why, in a few words a person can act on (e.g. `invalid SRC address "1.2.3"`). */
  readonly reason: string;
  readonly raw: string;
  readonly line_no: number;
  readonly source_key: string | null;
}

export function quarantine(
  reason: string,
  raw: string,
  lineNo: number,
  sourceKey: string | null,
): Quarantined {
  return { quarantined: true, reason, raw, line_no: lineNo, source_key: sourceKey };
}
