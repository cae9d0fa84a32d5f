/**
 * DELTA_BINARY_PACKED for INT64 columns that grow steadily (line numbers,
 * timestamps in time order): first value, then per block of 128 the smallest
 * delta and each 32-value miniblock bit-packed at its own width. A run of
 * line numbers 1, 2, 3, ... costs a few bytes per 128 rows.
 * https://parquet.apache.org/docs/file-format/data-pages/encodings/#delta-encoding-delta_binary_packed--5
 *
 * Values are safe integers (below 2^53), as the parser produces them.
 */
import type { ByteBuffer } from './byte-buffer.ts';

const BLOCK = 128;
const MINIBLOCKS = 4;
const MINI = BLOCK / MINIBLOCKS;

const zigzag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);

function bitsFor(v: number): number {
  let bits = 0;
  while (v >= 1) {
    v = Math.floor(v / 2);
    bits++;
  }
  return bits;
}

/** Appends `count` values of `values` as one DELTA_BINARY_PACKED stream. */
export function writeDeltaBinaryPacked(out: ByteBuffer, values: Float64Array, count: number): void {
  out.varint(BLOCK);
  out.varint(MINIBLOCKS);
  out.varint(count);
  out.varint(zigzag(count > 0 ? values[0] : 0));
  const deltas = new Float64Array(BLOCK);
  for (let start = 1; start < count; start += BLOCK) {
    const n = Math.min(BLOCK, count - start);
    let min = Number.POSITIVE_INFINITY;
    for (let k = 0; k < n; k++) {
      const d = values[start + k] - values[start + k - 1];
      deltas[k] = d;
      if (d < min) min = d;
    }
    out.varint(zigzag(min));
    const widths = [0, 0, 0, 0];
    for (let m = 0; m * MINI < n; m++) {
      let max = 0;
      for (let k = m * MINI; k < Math.min(n, (m + 1) * MINI); k++) max = Math.max(max, deltas[k] - min);
      widths[m] = bitsFor(max);
    }
    for (const w of widths) out.u8(w);
    for (let m = 0; m * MINI < n; m++) packMiniblock(out, deltas, m * MINI, n, min, widths[m]);
  }
}

/** 32 values (zero-padded past `n`) at `width` bits, least significant bit first. */
function packMiniblock(
  out: ByteBuffer,
  deltas: Float64Array,
  from: number,
  n: number,
  min: number,
  width: number,
) {
  if (width === 0) return;
  out.ensure(width * 4);
  let acc = 0; // pending bits, below 2^8 between values
  let bits = 0;
  for (let k = from; k < from + MINI; k++) {
    let v = k < n ? deltas[k] - min : 0;
    let left = width;
    // Feed the value 16 bits at a time so the accumulator stays a small integer.
    while (left > 0) {
      const take = Math.min(16, left);
      const part = (v % 65536) & ((1 << take) - 1);
      v = Math.floor(v / 2 ** take);
      left -= take;
      acc |= part << bits;
      bits += take;
      while (bits >= 8) {
        out.bytes[out.length++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
  }
}
