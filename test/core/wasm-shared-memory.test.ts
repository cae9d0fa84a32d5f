// The snappy module's memory is made shared, so growing it detaches no ArrayBuffer and leaves
// V8's ArrayBufferDetaching protector (and with it the optimized typed-array code) intact.
// Checked the way it was found: a child node with --trace-protector-invalidation, which prints
// a line when a protector falls. A control child grows the module's unpatched memory and must
// print that line, so the check can fail.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SNAPPY_WASM_BASE64 } from '../../functions/core/parquet/snappy-wasm-binary.ts';
import { MAX_PAGES, withSharedMemory } from '../../functions/core/parquet/wasm-shared-memory.ts';
import { runInV8Child } from '../support/v8-child.ts';

const SNAPPY_TS = fileURLToPath(new URL('../../functions/core/parquet/snappy.ts', import.meta.url));
const BINARY_TS = fileURLToPath(
  new URL('../../functions/core/parquet/snappy-wasm-binary.ts', import.meta.url),
);
const INVALIDATED = /Invalidating protector cell ArrayBufferDetaching/;

/** Runs `code` (importing `entry` as `m`) in a child node that traces protector invalidations. */
const traced = (entry: string, code: string): Promise<string> =>
  runInV8Child(entry, ['--trace-protector-invalidation'], code);

/** A module of magic, version and the given sections (id, body bytes). */
function moduleOf(...sections: [number, number[]][]): Uint8Array {
  const bytes = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  for (const [id, body] of sections) bytes.push(id, body.length, ...body);
  return Uint8Array.from(bytes);
}

/** The part of the WebAssembly API used here (the project's `lib` has no WebAssembly types). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: { memory: { buffer: ArrayBufferLike } } };
  validate(bytes: Uint8Array): boolean;
};

/** What an instance of `module` has for memory: shared or not, and its pages. */
function memoryOf(module: Uint8Array): { shared: boolean; pages: number } {
  const { buffer } = new WebAssembly.Instance(new WebAssembly.Module(module), {}).exports.memory;
  return { shared: buffer instanceof SharedArrayBuffer, pages: buffer.byteLength / 65_536 };
}

describe('withSharedMemory', () => {
  // (export "memory" (memory 0)): an export section so the tests can look at the memory.
  const exportMemory: [number, number[]] = [7, [1, 6, ...Buffer.from('memory'), 2, 0]];

  it('declares a memory without a maximum shared, with the 4 GiB maximum, and keeps its size', () => {
    const plain = moduleOf([5, [1, 0, 17]], exportMemory);
    assert.deepEqual(memoryOf(plain), { shared: false, pages: 17 });
    const shared = withSharedMemory(plain);
    assert.deepEqual([...shared.subarray(8, 8 + 8)], [5, 6, 1, 3, 17, 0x80, 0x80, 4]);
    assert.equal(MAX_PAGES, 0x10000); // LEB128 80 80 04
    assert.deepEqual(memoryOf(shared), { shared: true, pages: 17 });
  });

  it('keeps a maximum the module declares, and the sections after the memory', () => {
    const shared = withSharedMemory(moduleOf([5, [1, 1, 2, 200, 1]], exportMemory));
    assert.deepEqual([...shared.subarray(8, 8 + 7)], [5, 5, 1, 3, 2, 200, 1]);
    assert.deepEqual(memoryOf(shared), { shared: true, pages: 2 });
  });

  it('refuses what it cannot change, with a clear error', () => {
    assert.throws(() => withSharedMemory(Uint8Array.from([1, 2, 3])), /not a WebAssembly module/);
    assert.throws(() => withSharedMemory(moduleOf(exportMemory)), /no memory section/);
    assert.throws(() => withSharedMemory(moduleOf([5, [2, 0, 1, 0, 1]])), /defines 2 memories/);
    assert.throws(() => withSharedMemory(moduleOf([5, [1, 3, 1, 2]])), /memory flags 3/);
  });

  it('the snappy module made shared still validates, and only its memory section changed', () => {
    const original = Buffer.from(SNAPPY_WASM_BASE64, 'base64');
    const shared = withSharedMemory(original);
    assert.ok(WebAssembly.validate(shared));
    // 17 initial pages and no maximum before; the section grows by the maximum's 3 bytes.
    assert.equal(shared.length, original.length + 3);
  });
});

describe('snappy memory growth and V8', () => {
  it('compressing a page past the memory grows it without detaching anything', async () => {
    const out = await traced(
      SNAPPY_TS,
      `
      m.snappyCompressView(new Uint8Array(16));
      const before = m.snappyMemory().buffer;
      const block = m.snappyCompressView(new Uint8Array(12 << 20).fill(97));
      console.log('grew', m.snappyMemory().buffer.byteLength > before.byteLength, 'kept', before.byteLength > 0, block.length > 0);
    `,
    );
    assert.match(out, /grew true kept true true/);
    assert.doesNotMatch(out, INVALIDATED);
  });

  it('control: the same module with its memory unshared does invalidate the protector when it grows', async () => {
    const out = await traced(
      BINARY_TS,
      `
      const mod = new WebAssembly.Module(Buffer.from(m.SNAPPY_WASM_BASE64, 'base64'));
      const w = new WebAssembly.Instance(mod, { __wbindgen_placeholder__: { __wbindgen_error_new: () => 0 } }).exports;
      w.memory.grow(1);
      console.log('grown');
    `,
    );
    assert.match(out, /grown/);
    assert.match(out, INVALIDATED);
  });
});
