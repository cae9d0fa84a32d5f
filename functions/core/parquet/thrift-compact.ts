/**
 * Thrift's compact protocol, writing only: the subset Parquet's page headers
 * and footer use (structs, i32, i64, binary, bool, lists).
 *
 * Why not hyparquet-writer's serializer: it takes objects whose keys name the
 * field ids (`field_3`), walks them with Object.entries, guesses each type from
 * the value and makes a TextEncoder per string. Per 1M lines (~7,000 page
 * headers and 72 footers) that was ~0.2 s of a ~7 s ingest on one core. The
 * bytes are the same (test/core/parquet-writer.test.ts compares them).
 */
import type { ByteBuffer } from './byte-buffer.ts';

export const TYPE = { TRUE: 1, FALSE: 2, I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

/** Zigzag of a safe integer (i32 or i64 below 2^53 in magnitude), as a non-negative number. */
function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

export class CompactWriter {
  /** The id of the last field written in the struct being written, and those of the structs around it. */
  private last = 0;
  private readonly outer: number[] = [];

  constructor(readonly out: ByteBuffer) {}

  private field(id: number, type: number): void {
    const delta = id - this.last;
    if (delta > 0 && delta <= 15) this.out.u8((delta << 4) | type);
    else {
      this.out.u8(type);
      this.out.varint(zigzag(id));
    }
    this.last = id;
  }

  i32(id: number, v: number): void {
    this.field(id, TYPE.I32);
    this.out.varint(zigzag(v));
  }

  /** An i64 field from a safe integer. */
  i64(id: number, v: number): void {
    this.field(id, TYPE.I64);
    this.out.varint(zigzag(v));
  }

  binary(id: number, bytes: Uint8Array): void {
    this.field(id, TYPE.BINARY);
    this.out.varint(bytes.length);
    this.out.append(bytes);
  }

  bool(id: number, v: boolean): void {
    this.field(id, v ? TYPE.TRUE : TYPE.FALSE);
  }

  /** A list field's header: `n` elements of `type` follow (written with the element methods below). */
  list(id: number, type: number, n: number): void {
    this.field(id, TYPE.LIST);
    if (n > 14) {
      this.out.u8(0xf0 | type);
      this.out.varint(n);
    } else this.out.u8((n << 4) | type);
  }

  /** A struct field: its fields follow, then end(). */
  struct(id: number): void {
    this.field(id, TYPE.STRUCT);
    this.begin();
  }

  /** A struct that is a list element (or the top level): its fields follow, then end(). */
  begin(): void {
    this.outer.push(this.last);
    this.last = 0;
  }

  /** The struct's fields up to `id` were appended as bytes made before (a cached prefix): go on after them. */
  after(id: number): void {
    this.last = id;
  }

  end(): void {
    this.out.u8(0);
    this.last = this.outer.pop() ?? 0;
  }

  /** List elements. */
  elementI32(v: number): void {
    this.out.varint(zigzag(v));
  }

  elementBinary(bytes: Uint8Array): void {
    this.out.varint(bytes.length);
    this.out.append(bytes);
  }
}
