/**
 * The growth step of the byte buffers (parquet/byte-buffer.ts, json-bytes.ts): a buffer at
 * least `need` bytes long, doubling so that appends cost amortised O(1), with the first
 * `used` bytes of `bytes` copied over.
 */
export function growBytes(bytes: Uint8Array, used: number, need: number): Uint8Array {
  let size = Math.max(bytes.length * 2, 16);
  while (size < need) size *= 2;
  const next = new Uint8Array(size);
  next.set(bytes.subarray(0, used));
  return next;
}
