/**
 * Every saved query on the shipped sample log, run by DuckDB over a real local
 * warehouse. Expected answers come from the sample's story (events/README.md)
 * and from an independent reading of the raw lines with regular expressions,
 * so the SQL, the parser and the engine are all checked against something
 * they did not compute themselves.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadCatalog } from '../../functions/adapters/catalog-files.ts';
import { DuckDbEngine } from '../../functions/adapters/duckdb-engine.ts';
import { ingestLocal } from '../../functions/adapters/local-ingest.ts';
import type { ArgValue } from '../../functions/core/catalog.ts';
import { runSaved } from '../../functions/core/run-saved.ts';

const SAMPLE = 'events/sample-kern.log';
const WINDOW = { since: '2026-09-17T00:00:00Z', until: '2026-09-19T00:00:00Z' };
const catalog = loadCatalog(['functions/queries']);

/** The sample's netfilter lines read with regexes: the independent side of each comparison. */
const lines = readFileSync(SAMPLE, 'utf8')
  .split('\n')
  .filter((l) => /(?:^|[ \]])IN=/.test(l));
// A key starts after a space, or after the `]` of a prefix glued to IN= ([WAN_LOCAL-default-D]IN=eth0).
const field = (l: string, k: string) => new RegExp(`(?:^|[ \\]])${k}=(\\S*)`).exec(l)?.[1];
/** IPv6 as RFC 5952 text, by the URL parser (not fwlake's own code). */
const addr = (a: string | undefined) =>
  a?.includes(':') ? new URL(`http://[${a}]/`).hostname.slice(1, -1) : a;
const host = (l: string) => l.split(' ').filter((w) => w !== '')[3];
const inbound = (l: string) => field(l, 'IN') !== '' && field(l, 'OUT') === '';

let tmp: string;
let engine: DuckDbEngine;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fwlake-golden-'));
  await ingestLocal(SAMPLE, { warehouse: tmp, referenceMs: Date.parse('2026-09-19T00:00:00Z') });
  engine = await DuckDbEngine.open(tmp);
});
after(async () => {
  await engine.close();
  await rm(tmp, { recursive: true, force: true });
});

async function rows(name: string, args: Record<string, ArgValue> = {}): Promise<Record<string, unknown>[]> {
  const { result } = await runSaved(
    catalog,
    name,
    { ...WINDOW, ...args },
    engine,
    Date.parse('2026-09-19T00:00:00Z'),
  );
  return result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c, r[i]])));
}

const STATE_LOSS_SOURCES = ['52.84.17.45', '64.233.191.155', '104.244.43.108', '69.89.31.130'];

describe('saved queries on the sample log (DuckDB)', () => {
  it('state-loss names exactly the four sources of the Sep 17 restart, in one burst on mha.can.local', async () => {
    const r = await rows('state-loss');
    assert.deepEqual(
      r.map((x) => [x.host, x.src, x.spt, x.tcp_flags, x.packets, x.burst_sources]),
      [
        ['mha.can.local', '52.84.17.45', 443, 'RST', 1, 4],
        ['mha.can.local', '64.233.191.155', 443, 'RST', 1, 4],
        ['mha.can.local', '104.244.43.108', 443, 'RST', 1, 4],
        ['mha.can.local', '69.89.31.130', 993, 'ACK PSH', 11, 4],
      ],
    );
    assert.ok(r.every((x) => x.burst_start === '2026-09-17 22:26:23.000'));
    // With a stricter notion of a burst (more sources than there were), nothing is reported.
    assert.deepEqual(await rows('state-loss', { min_sources: 5 }), []);
  });

  it('low-source-ports names the same four, with their flags and first/last seen', async () => {
    const r = await rows('low-source-ports');
    assert.deepEqual(r.map((x) => x.src).sort(), [...STATE_LOSS_SOURCES].sort());
    const imap = r.find((x) => x.src === '69.89.31.130')!;
    assert.deepEqual(
      [imap.spt, imap.tcp_flags, imap.packets, imap.first_seen, imap.last_seen],
      [993, 'ACK PSH', 11, '2026-09-17 23:32:04.000', '2026-09-17 23:34:43.000'],
    );
  });

  it('low-source-ports-lines gives back the fourteen original lines, oldest first', async () => {
    const r = await rows('low-source-ports-lines');
    const real = lines.filter((l) => inbound(l) && Number(field(l, 'SPT')) < 1024);
    assert.equal(r.length, 14);
    assert.deepEqual(
      r.map((x) => x.raw),
      real,
    );
    assert.equal((await rows('low-source-ports-lines', { src: '69.89.31.130' })).length, 11);
  });

  it('ssh-attempts counts inbound TCP/22 per source; the hammerer comes first', async () => {
    const r = await rows('ssh-attempts');
    const expected = new Map<string, number>();
    for (const l of lines) {
      if (inbound(l) && field(l, 'PROTO') === 'TCP' && field(l, 'DPT') === '22') {
        expected.set(addr(field(l, 'SRC'))!, (expected.get(addr(field(l, 'SRC'))!) ?? 0) + 1);
      }
    }
    assert.equal(r[0].src, '198.51.100.23');
    assert.deepEqual(new Map(r.map((x) => [x.src as string, x.packets as number])), expected);
  });

  it('quic counts UDP/443 by destination', async () => {
    const r = await rows('quic', { limit: 1000 });
    const expected = new Map<string, number>();
    for (const l of lines) {
      if (field(l, 'PROTO') === 'UDP' && field(l, 'DPT') === '443') {
        expected.set(field(l, 'DST')!, (expected.get(field(l, 'DST')!) ?? 0) + 1);
      }
    }
    assert.deepEqual(new Map(r.map((x) => [x.dst as string, x.packets as number])), expected);
  });

  it('port-scans finds the one scanner: 192.0.2.66 on 38 ports within a minute', async () => {
    const r = await rows('port-scans');
    assert.deepEqual(
      r.map((x) => [x.src, x.ports]),
      [['192.0.2.66', 38]],
    );
    // Lowering the bar shows more, raising it shows none.
    assert.deepEqual(await rows('port-scans', { min_ports: 39, min_hosts: 1000 }), []);
  });

  it('host-volume accounts for every record, per firewall', async () => {
    const r = await rows('host-volume');
    const perHost = new Map<string, number>();
    for (const x of r)
      perHost.set(x.host as string, (perHost.get(x.host as string) ?? 0) + (x.lines as number));
    const expected = new Map<string, number>();
    for (const l of lines) expected.set(host(l), (expected.get(host(l)) ?? 0) + 1);
    assert.deepEqual(perHost, expected);
    assert.deepEqual([...new Set(r.map((x) => `${x.dt} ${x.hour}`))].sort(), [
      '2026-09-17 21',
      '2026-09-17 22',
      '2026-09-17 23',
      '2026-09-18 00',
    ]);
  });

  it('top-talkers ranks sources by packets', async () => {
    const r = await rows('top-talkers', { limit: 5 });
    const count = new Map<string, number>();
    for (const l of lines) count.set(field(l, 'SRC')!, (count.get(field(l, 'SRC')!) ?? 0) + 1);
    const top = [...count].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5);
    assert.deepEqual(
      r.map((x) => [x.src, x.packets]),
      top,
    );
  });

  it('top-blocked-ports ranks inbound destination ports not allowed', async () => {
    const r = await rows('top-blocked-ports', { limit: 3 });
    const count = new Map<string, number>();
    for (const l of lines) {
      if (inbound(l) && field(l, 'DPT') !== undefined && !l.includes('[UFW ALLOW]') && !/-A\]IN=/.test(l)) {
        const k = `${field(l, 'PROTO')}/${field(l, 'DPT')}`;
        count.set(k, (count.get(k) ?? 0) + 1);
      }
    }
    const top = [...count].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
    assert.deepEqual(
      r.map((x) => [`${x.proto}/${x.dpt}`, x.packets]),
      top,
    );
  });

  it('new-sources lists sources first seen in the window, not in the baseline before it', async () => {
    const since = '2026-09-17T23:30:00Z';
    const r = await rows('new-sources', { since, limit: 1000 });
    const first = new Map<string, string>();
    for (const l of lines) {
      const src = addr(field(l, 'SRC'));
      const t = `2026-09-${l.slice(4, 6)}T${l.slice(7, 15)}Z`;
      if (src !== undefined && (!first.has(src) || t < first.get(src)!)) first.set(src, t);
    }
    const expected = [...first].filter(([, t]) => t >= since).map(([s]) => s);
    assert.deepEqual(r.map((x) => x.src).sort(), expected.sort());
    assert.ok(
      r.some((x) => x.src === '192.0.2.66'),
      'the 23:48 scanner is new',
    );
    assert.ok(!r.some((x) => x.src === '198.51.100.23'), 'the SSH hammerer was already seen');
  });

  it('flows lists distinct tuples ordered by source port, then destination port', async () => {
    const r = await rows('flows', { limit: 100000 });
    const distinct = new Set(
      lines
        .filter((l) => field(l, 'SPT') !== undefined && !l.includes('PROTO=ICMP'))
        .map((l) => ['PROTO', 'DPT', 'SPT', 'SRC', 'DST'].map((k) => field(l, k)).join(' ')),
    );
    assert.equal(r.length, distinct.size);
    for (let i = 1; i < r.length; i++) {
      const a = r[i - 1];
      const b = r[i];
      assert.ok(
        (a.spt as number) < (b.spt as number) || (a.spt === b.spt && (a.dpt as number) <= (b.dpt as number)),
      );
    }
  });

  it('flows-filtered leaves out inbound TCP/22 and UDP/443, and only those', async () => {
    const filtered = await rows('flows-filtered', { limit: 100000 });
    const kept = new Set(
      lines
        .filter((l) => field(l, 'SPT') !== undefined && !l.includes('PROTO=ICMP'))
        .filter((l) => !(field(l, 'PROTO') === 'TCP' && field(l, 'DPT') === '22' && inbound(l)))
        .filter((l) => !(field(l, 'PROTO') === 'UDP' && field(l, 'DPT') === '443'))
        .map((l) => ['PROTO', 'DPT', 'SPT', 'SRC', 'DST'].map((k) => field(l, k)).join(' ')),
    );
    assert.equal(filtered.length, kept.size);
    assert.ok(filtered.every((x) => !(x.proto === 'UDP' && x.dpt === 443)));
  });
});

describe('silent-hosts on the sample log', () => {
  it('names the firewalls that went quiet: in the sample’s last ten seconds, the ones with no lines', async () => {
    const since = '2026-09-18T00:59:50Z';
    const r = await rows('silent-hosts', {
      since,
      until: '2026-09-18T01:00:00Z',
      baseline_since: '2026-09-17T21:00:00Z',
    });
    const last = new Map<string, string>();
    for (const l of lines) {
      const t = `2026-09-${l.slice(4, 6)}T${l.slice(7, 15)}Z`;
      if (!last.has(host(l)) || t > last.get(host(l))!) last.set(host(l), t);
    }
    const expected = [...last].filter(([, t]) => t < since).map(([h]) => h);
    assert.deepEqual(r.map((x) => x.host).sort(), expected.sort());
    assert.deepEqual(expected.sort(), ['edge1.example.net', 'mha.can.local']);
  });
});
