/**
 * Symbols (functions/core/line-symbols.ts) are a shortcut from the parser's
 * caches to the Parquet dictionaries: they must never change what is written.
 * The same input is ingested twice through ingestLines into Parquet parts,
 * once with the line symbols (as ingest runs) and once without them (every
 * string looked up by its text); every part must come out byte for byte the
 * same. The input mixes the shipped sample, real lines from public sources and
 * thousands of generated kernel lines drawn with repeats from a pool bigger
 * than the caches, so values hit, miss and are evicted and stored again
 * (new symbols for the same text); plus journal JSON lines (hosts without
 * symbols) and ICMP errors (quoted addresses: their symbols and IPv4 marks go to
 * inner_src/inner_dst, never to the outer packet's src/dst).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ingestLines, type RecordSink } from '../../functions/core/ingest.ts';
import { newSymbol, SYMBOL_SLOT_BITS } from '../../functions/core/line-symbols.ts';
import type { LineBatch } from '../../functions/core/lines.ts';
import { splitLines } from '../../functions/core/lines.ts';
import { UNCOMPRESSED } from '../../functions/core/parquet/codec.ts';
import { ParquetPartWriter } from '../../functions/core/parquet-parts.ts';
import type { ParseOptions } from '../../functions/core/parse-line.ts';
import { PartitionRouter } from '../../functions/core/router.ts';
import { StringCache } from '../../functions/core/string-cache.ts';
import { REAL_LINES } from '../fixtures/real-lines.ts';
import { kernelLine, REFERENCE_MS } from '../support/kernel-line.ts';

const OPTS: ParseOptions = { referenceMs: REFERENCE_MS, sourceKey: 'symbols.log', fallbackHost: 'fallback' };

function input(): string {
  const pool = fc.sample(
    kernelLine({ vlanPriority: false, ahFragmentTrailer: false, quotedExtStop: false }),
    { numRuns: 3_000, seed: 42 },
  );
  let x = 12345;
  const pick = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x;
  };
  const lines: string[] = [];
  // Skewed picks: a few lines often (cache hits), the whole pool now and then (misses, evictions).
  for (let i = 0; i < 20_000; i++) {
    const r = pick() % 100;
    const at = r < 60 ? pick() % 50 : pick() % pool.length;
    lines.push(pool[at].line.replace(/[\r\n]+$/, ''));
  }
  const sample = readFileSync(new URL('../../events/sample-kern.log', import.meta.url), 'utf8')
    .trimEnd()
    .split('\n');
  const journal = REAL_LINES.slice(0, 5).map((l, i) =>
    JSON.stringify({
      MESSAGE: l.line.slice(l.line.indexOf('IN=')),
      _HOSTNAME: `journal-host-${i}`,
      __REALTIME_TIMESTAMP: '1758150000000000',
    }),
  );
  return [...sample, ...REAL_LINES.map((l) => l.line), ...lines, ...journal, ...sample].join('\n');
}

async function* chunks(text: string): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += 65_536) yield bytes.subarray(i, i + 65_536);
}

async function ingestParts(
  text: string,
  withSymbols: boolean,
): Promise<{ parts: Map<string, Buffer>; records: number }> {
  const parts = new Map<string, Buffer>();
  const writer = new ParquetPartWriter(
    {
      async writePart(_table, partition, index, _suffix, bytes) {
        parts.set(`${partition}#${index}`, Buffer.from(bytes));
      },
    },
    'firewall',
    { codec: UNCOMPRESSED },
  );
  const sink: RecordSink = withSymbols
    ? writer
    : {
        add: (partition, record, rawBytes, rawStart) =>
          writer.add(partition, record, rawBytes, rawStart, null),
        close: () => writer.close(),
      };
  const router = new PartitionRouter({
    open: () => ({ write: () => undefined, end: async () => {} }),
  });
  const batches: AsyncIterable<LineBatch> = splitLines(chunks(text));
  const stats = await ingestLines(batches, OPTS, router, { records: sink });
  return { parts, records: stats.records };
}

describe('line symbols', () => {
  it('change nothing in the Parquet written: every part byte for byte the same with and without them', async () => {
    const text = input();
    const a = await ingestParts(text, true);
    const b = await ingestParts(text, false);
    assert.ok(a.records > 24_000, `records: ${a.records}`);
    assert.deepEqual([...a.parts.keys()], [...b.parts.keys()]);
    for (const [name, bytes] of a.parts) assert.ok(bytes.equals(b.parts.get(name) as Buffer), name);
  });

  it('carry their cache slot in their low bits, never repeat, and a cache too big for those bits is refused when made', () => {
    const a = newSymbol(5);
    const b = newSymbol(5);
    const c = newSymbol(2 ** SYMBOL_SLOT_BITS - 1);
    assert.notEqual(a, b);
    for (const [symbol, slot] of [
      [a, 5],
      [b, 5],
      [c, 2 ** SYMBOL_SLOT_BITS - 1],
    ])
      assert.equal(symbol % 2 ** SYMBOL_SLOT_BITS, slot);
    assert.doesNotThrow(() => new StringCache(SYMBOL_SLOT_BITS, 4));
    assert.throws(() => new StringCache(SYMBOL_SLOT_BITS + 1, 4), /more slots than symbols carry/);
  });
});
