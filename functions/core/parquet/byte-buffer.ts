/**
 * A growable byte buffer for building Parquet page bodies: little-endian
 * integers, varints and raw bytes appended at the end. Plain and monomorphic,
 * because every value of every column goes through it.
 */
import { growBytes } from '../grow-bytes.ts';

export class ByteBuffer {
  bytes: Uint8Array;
  length = 0;
  private view: DataView;

  constructor(initial = 1 << 16) {
    this.bytes = new Uint8Array(initial);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    this.bytes = growBytes(this.bytes, this.length, need);
    this.view = new DataView(this.bytes.buffer);
  }

  reset(): void {
    this.length = 0;
  }

  u8(v: number): void {
    this.ensure(1);
    this.bytes[this.length++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }

  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }

  /**
   * A safe integer as INT64, as two 32-bit halves: `v >>> 0` is the low word (ToUint32 is
   * modulo 2^32, so negatives come out in two's complement) and floor(v / 2^32) the high one.
   * A BigInt per value cost more than the rest of writing a PLAIN INT64 page.
   */
  i64(v: number): void {
    this.ensure(8);
    this.view.setUint32(this.length, v >>> 0, true);
    this.view.setInt32(this.length + 4, Math.floor(v / 4294967296), true);
    this.length += 8;
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  /** Unsigned LEB128 varint (values below 2^53). */
  varint(v: number): void {
    this.ensure(8);
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  append(src: Uint8Array): void {
    this.ensure(src.length);
    this.bytes.set(src, this.length);
    this.length += src.length;
  }

  /** A view of what was written (valid until the next write). */
  view8(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}
