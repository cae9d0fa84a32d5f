/**
 * Parquet's RLE / bit-packing hybrid (used for definition and repetition
 * levels and for dictionary indices): a run of 8 or more equal values is one
 * RLE run; anything else goes out bit-packed, 8 values a group. Levels of
 * only 0 and 1 go through writeBitLevels, which does the same a byte at a time.
 * https://parquet.apache.org/docs/file-format/data-pages/encodings/
 */
import type { ByteBuffer } from './byte-buffer.ts';

/** Bits needed for values 0..max. */
export function bitWidth(max: number): number {
  return max <= 0 ? 0 : 32 - Math.clz32(max);
}

/** Length of the run of equal values starting at `i` (at least 1). */
function runLength(values: Int32Array | Uint8Array, i: number, end: number): number {
  const v = values[i];
  let j = i + 1;
  while (j < end && values[j] === v) j++;
  return j - i;
}

/** Eight levels of 0 or 1 from values[k] as one byte, the first in the lowest bit. */
function packEight(values: Uint8Array, k: number): number {
  return (
    values[k] |
    (values[k + 1] << 1) |
    (values[k + 2] << 2) |
    (values[k + 3] << 3) |
    (values[k + 4] << 4) |
    (values[k + 5] << 5) |
    (values[k + 6] << 6) |
    (values[k + 7] << 7)
  );
}

/**
 * Appends values[start..end) at `width` bits (0..24) to `out`, without a length prefix.
 * Bit-packed groups are padded with zeros to 8 values; readers stop at the page's value count.
 */
export function writeRleHybrid(
  out: ByteBuffer,
  values: Int32Array | Uint8Array,
  start: number,
  end: number,
  width: number,
): void {
  if (width > 24) throw new RangeError(`bit width ${width} over 24`);
  const valueBytes = (width + 7) >> 3;
  let i = start;
  while (i < end) {
    const run = runLength(values, i, end);
    if (run >= 8 || width === 0) {
      out.varint(run * 2);
      let v = values[i];
      out.ensure(valueBytes);
      for (let b = 0; b < valueBytes; b++) {
        out.bytes[out.length++] = v & 0xff;
        v >>>= 8;
      }
      i += run;
      continue;
    }
    // Bit-packed: whole groups of 8 until a run of 8 starts at a group boundary (at most 63 groups a header).
    let groupsEnd = i;
    let groups = 0;
    do {
      groupsEnd += 8;
      groups++;
    } while (
      groups < 63 &&
      groupsEnd < end &&
      runLength(values, groupsEnd, Math.min(end, groupsEnd + 8)) < 8
    );
    out.varint(groups * 2 + 1);
    out.ensure(groups * width);
    const bytes = out.bytes;
    let pos = out.length;
    let acc = 0;
    let bits = 0;
    // The values, then the zeros that pad the last group (only the last run of a page has any).
    const last = Math.min(groupsEnd, end);
    for (let k = i; k < last; k++) {
      acc |= values[k] << bits;
      bits += width;
      while (bits >= 8) {
        bytes[pos++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    for (let k = last; k < groupsEnd; k++) {
      bits += width;
      while (bits >= 8) {
        bytes[pos++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    out.length = pos;
    i = Math.min(groupsEnd, end);
  }
}

/** Scratch for writeBitLevels: one byte per 8 levels. */
let packed = new Uint8Array(1 << 14);

/** Whether packed byte g is a whole group of equal levels (all 0 or all 1). */
const uniform = (b: number): boolean => b === 0 || b === 0xff;

/**
 * writeRleHybrid at width 1 for levels of 0 and 1 (definition levels of optional columns,
 * repetition levels of lists), a byte at a time instead of a value at a time: the levels are
 * packed 8 to a byte first, then every byte is either part of a bit-packed run or, when it and
 * the next are the same whole group (0x00 or 0xff), the start of an RLE run of whole groups.
 *
 * The general writer tests for a run of 8 at every group it packs, value by value; on the
 * ~45 mixed columns of a part (levels changing every few rows) that scanning was most of its
 * time. Runs are only found on group boundaries here, so a run of 8 to 15 values that is not
 * aligned stays bit-packed: the same bytes as its RLE run would take.
 */
export function writeBitLevels(out: ByteBuffer, values: Uint8Array, start: number, end: number): void {
  const n = end - start;
  const full = n >> 3;
  const groups = (n + 7) >> 3;
  if (packed.length < groups) packed = new Uint8Array(Math.max(groups, packed.length * 2));
  const p = packed;
  for (let g = 0, k = start; g < full; g++, k += 8) p[g] = packEight(values, k);
  if (full < groups) {
    // The last, partial group, padded with zeros (readers stop at the page's value count).
    let b = 0;
    for (let k = start + full * 8, bit = 0; k < end; k++, bit++) b |= values[k] << bit;
    p[full] = b;
  }
  let g = 0;
  while (g < groups) {
    const b = p[g];
    if (uniform(b) && g + 1 < full && p[g + 1] === b) {
      let h = g + 2;
      while (h < full && p[h] === b) h++;
      out.varint((h - g) * 8 * 2);
      out.u8(b & 1);
      g = h;
      continue;
    }
    // Bit-packed groups up to the next RLE run (two equal whole groups), at most 63 a header.
    let h = g + 1;
    while (h < groups && h - g < 63 && !(uniform(p[h]) && h + 1 < full && p[h + 1] === p[h])) h++;
    out.varint((h - g) * 2 + 1);
    out.ensure(h - g);
    // At most 63 bytes: a loop, not subarray() and set() (an object and a native call per run,
    // ~30% of this function on columns whose levels change every few rows).
    const bytes = out.bytes;
    let pos = out.length;
    for (let k = g; k < h; k++) bytes[pos++] = p[k];
    out.length = pos;
    g = h;
  }
}
