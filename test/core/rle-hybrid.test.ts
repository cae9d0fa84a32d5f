/**
 * The RLE / bit-packing hybrid writer (functions/core/parquet/rle-hybrid.ts),
 * decoded by hyparquet's reader: every width from 0 to 24, runs long and
 * short, group boundaries, lengths that are not a multiple of 8; and the
 * byte-at-a-time writer of levels (writeBitLevels) on the same reader.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { ByteBuffer } from '../../functions/core/parquet/byte-buffer.ts';
import { writeBitLevels, writeRleHybrid } from '../../functions/core/parquet/rle-hybrid.ts';
import { rng } from '../support/rng.ts';

function roundTrip(values: Int32Array | Uint8Array, width: number, writer = writeRleHybrid): number[] {
  const out = new ByteBuffer(16);
  out.u8(0xee); // something before, as in a page: the writer must append, not overwrite
  writer(out, values as Uint8Array, 0, values.length, width);
  const bytes = out.bytes.slice(1, out.length);
  const decoded = new Int32Array(values.length);
  const reader = { view: new DataView(bytes.buffer), offset: 0 };
  readRleBitPackedHybrid(reader, width, decoded, bytes.length);
  assert.equal(reader.offset, bytes.length, 'the reader ends where the writer did');
  return [...decoded];
}

/** Runs of random lengths (1 to maxRun) of random values below 2^width. */
function runs(n: number, width: number, maxRun: number, seed: number): Int32Array {
  const rand = rng(seed);
  const v = new Int32Array(n);
  for (let i = 0; i < n; ) {
    const value = width === 0 ? 0 : Math.floor(rand() * 2 ** width);
    const len = 1 + Math.floor(rand() * maxRun);
    for (let k = 0; k < len && i < n; k++) v[i++] = value;
  }
  return v;
}

describe('RLE / bit-packing hybrid', () => {
  it('every width from 0 to 24 decodes to the values written, runs short and long, any length', () => {
    for (let width = 0; width <= 24; width++) {
      for (const [n, maxRun] of [
        [1, 1],
        [7, 1],
        [8, 1],
        [9, 3],
        [1000, 3],
        [1003, 20],
        [5000, 1],
      ]) {
        const values = runs(n, width, maxRun, width * 1000 + n);
        assert.deepEqual(
          roundTrip(values, width),
          [...values],
          `width ${width}, ${n} values, runs up to ${maxRun}`,
        );
      }
    }
  });

  it('levels (width 1, bytes): sparse, dense, alternating, and a run of 8 right after a group', () => {
    const cases: Uint8Array[] = [
      Uint8Array.from({ length: 999 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      Uint8Array.from({ length: 1024 }, (_, i) => i & 1),
      Uint8Array.from({ length: 517 }, (_, i) => (i % 97 === 0 ? 0 : 1)),
      // 8 mixed values, then a run of 8 ones starting at the group boundary, then a tail of 5
      Uint8Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0]),
      // more than 63 groups of mixed values: the writer must start a new bit-packed header
      Uint8Array.from({ length: 63 * 8 + 21 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0)),
    ];
    for (const values of cases) assert.deepEqual(roundTrip(values, 1), [...values]);
  });

  it('levels byte by byte (writeBitLevels): every length, run and offset decodes to the levels written', () => {
    for (const [n, maxRun] of [
      [0, 1],
      [1, 1],
      [7, 1],
      [8, 8],
      [15, 20],
      [16, 16],
      [17, 40],
      [999, 1],
      [1000, 3],
      [1003, 12],
      [4096, 30],
      [5001, 300],
      // more than 63 mixed groups in a row: a new bit-packed header
      [63 * 8 * 3 + 5, 2],
    ]) {
      const values = Uint8Array.from(runs(n, 1, maxRun, n * 31 + maxRun));
      const levels = roundTrip(values, 1, (out, v, s, e) => writeBitLevels(out, v as Uint8Array, s, e));
      assert.deepEqual(levels, [...values], `${n} levels, runs up to ${maxRun}`);
      // The same levels in the middle of a bigger array (start > 0), as a page of a chunk has them.
      const padded = new Uint8Array(n + 13).fill(1);
      padded.set(values, 5);
      const out = new ByteBuffer(16);
      writeBitLevels(out, padded, 5, 5 + n);
      const decoded = new Int32Array(n);
      readRleBitPackedHybrid(
        { view: new DataView(out.bytes.buffer, 0, out.length), offset: 0 },
        1,
        decoded,
        out.length,
      );
      assert.deepEqual([...decoded], [...values], `${n} levels from offset 5`);
    }
  });

  it('levels byte by byte: whole groups of equal levels become one RLE run, mixed ones stay packed', () => {
    // 64 zeros, 8 mixed, 32 ones: RLE(64 x 0), one bit-packed group, RLE(32 x 1).
    const values = new Uint8Array(104);
    values.set([1, 0, 1, 1, 0, 0, 1, 0], 64);
    values.fill(1, 72);
    const out = new ByteBuffer(16);
    writeBitLevels(out, values, 0, values.length);
    assert.deepEqual([...out.bytes.subarray(0, out.length)], [128, 1, 0, 3, 0b01001101, 64, 1]);
  });
});
