// The snappy module's heap is reserved when a Parquet part writer is made, so writing parts
// never grows the WebAssembly memory mid-run (a grow detaches an ArrayBuffer, and the first
// detach in a process throws away V8's optimized code for typed arrays: see reserveSnappy).
// A file of its own: node --test runs each file in its own process, so the module starts unused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SNAPPY } from '../../functions/core/parquet/codec.ts';
import {
  SNAPPY_RESERVED_BYTES,
  snappyCompressView,
  snappyMemoryBytes,
} from '../../functions/core/parquet/snappy.ts';
import { ParquetPartWriter } from '../../functions/core/parquet-parts.ts';
import { FirewallRecord } from '../../functions/core/record.ts';

/** Text that snappy barely shrinks: its worst case for page and block size together. */
function noisyLine(seed: number): string {
  let x = seed >>> 0 || 1;
  let s = 'Nov 20 00:00:01 fw kernel: IN=eth0 OUT= ';
  while (s.length < 600) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    s += String.fromCharCode(33 + ((x >>> 0) % 94));
  }
  return s;
}

describe('snappy heap reservation', () => {
  it('a Parquet writer reserves the heap before its first record, and its parts never grow it', async () => {
    assert.equal(snappyMemoryBytes(), 0, 'nothing in this process used the module yet');
    const sizes: number[] = [];
    const store = {
      async writePart(_t: string, _p: string, _i: number, _s: string, bytes: Uint8Array) {
        sizes.push(bytes.length);
      },
    };
    const w = new ParquetPartWriter(store, 'firewall', { codec: SNAPPY, rowsPerPart: 4_000 });
    const reserved = snappyMemoryBytes();
    assert.ok(reserved >= SNAPPY_RESERVED_BYTES, `${reserved} bytes after the writer was made`);
    const r = new FirewallRecord();
    for (let i = 0; i < 10_000; i++) {
      r.ts = Date.parse('2026-11-20T00:00:00Z') + i;
      r.raw = noisyLine(i + 1);
      await w.add(i < 9_000 ? 'dt=2026-11-20/hour=00' : 'dt=2026-11-20/hour=01', r);
    }
    await w.close();
    // 2.4 MB of raw text per 4,000-row part: several ~1 MiB pages each, compressed one by one.
    assert.equal(sizes.length, 4);
    assert.ok(Math.min(...sizes) > 500_000, `part sizes ${sizes}`);
    assert.equal(snappyMemoryBytes(), reserved, 'the memory did not grow while parts were written');
  });

  it('a page larger than the reservation still compresses (the memory grows then)', () => {
    const before = snappyMemoryBytes();
    const page = new TextEncoder().encode(noisyLine(7).repeat(Math.ceil((SNAPPY_RESERVED_BYTES + 1) / 600)));
    const block = snappyCompressView(page);
    assert.ok(block.length > 0 && block.length < page.length);
    assert.ok(snappyMemoryBytes() > before, 'this check does see a grow');
  });
});
