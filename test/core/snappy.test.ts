// Snappy by the embedded WebAssembly module: blocks decode to the input with an independent
// decoder (hyparquet's, pure JS), bad blocks give an error, and the embedded module is the
// snappy-wasm package's own file (regenerate with scripts/embed-snappy-wasm.ts when it differs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { snappyUncompress as decodeInJs } from 'hyparquet/src/snappy.js';
import { snappyCompress, snappyCompressView, snappyUncompress } from '../../functions/core/parquet/snappy.ts';
import { SNAPPY_WASM_BASE64 } from '../../functions/core/parquet/snappy-wasm-binary.ts';

function roundTrip(bytes: Uint8Array): Uint8Array {
  const input = new Uint8Array(bytes); // a plain Uint8Array: deepEqual tells a Buffer from one
  const block = snappyCompress(input);
  const out = new Uint8Array(input.length);
  decodeInJs(block, out);
  assert.deepEqual(out, input, 'hyparquet decodes the block to the input');
  assert.deepEqual(snappyUncompress(block), input);
  return block;
}

describe('snappy (WebAssembly)', () => {
  it('compresses log text ~3x, and random bytes round-trip uncompressed', () => {
    const line =
      'Nov 20 00:00:01 fw02 kernel: IN=eth0 OUT= SRC=7.147.98.219 DST=192.168.254.7 PROTO=TCP SPT=';
    const text = Buffer.from(Array.from({ length: 5_000 }, (_, i) => `${line}${i * 7919}\n`).join(''));
    const block = roundTrip(text);
    assert.ok(block.length < text.length / 3, `${block.length} of ${text.length}`);
    let x = 12345;
    const random = Uint8Array.from({ length: 300_000 }, () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x >>> 24;
    });
    assert.ok(roundTrip(random).length >= random.length);
  });

  it('handles empty and multi-MiB inputs (the module memory grows between calls)', () => {
    roundTrip(new Uint8Array(0));
    roundTrip(new Uint8Array(5 << 20).fill(97));
    roundTrip(Buffer.from('short'));
  });

  it('refuses a corrupt block with an error, and works again afterwards', () => {
    assert.throws(() => snappyUncompress(Uint8Array.from([200, 1, 2, 3])), /corrupt input/);
    roundTrip(Buffer.from('still fine after an error'));
  });

  it('a view of a block is the same block, valid until the next call, including one that grows the memory', () => {
    const pages = [
      Buffer.from('IN=eth0 OUT= SRC=10.0.0.1 '.repeat(4000)),
      new Uint8Array(6 << 20).fill(98), // past the memory's size so far: the module grows it
      Buffer.from('after growing'),
    ];
    for (const page of pages) {
      const view = snappyCompressView(page);
      const copy = new Uint8Array(view); // what a writer does with it at once
      assert.deepEqual(copy, snappyCompress(page), 'the view holds the same bytes as a copied block');
      assert.deepEqual(snappyUncompress(copy), new Uint8Array(page));
    }
  });

  it('embeds exactly the snappy-wasm package file', () => {
    const cjs = dirname(createRequire(import.meta.url).resolve('snappy-wasm'));
    const packaged = readFileSync(join(cjs, 'snappy_bg.wasm'));
    assert.ok(Buffer.from(SNAPPY_WASM_BASE64, 'base64').equals(packaged));
  });
});
