/**
 * Bytes to lines, in batches so the per-line cost stays a loop iteration, not
 * an await.
 *
 * Lines are found in the bytes (a newline byte never occurs inside a UTF-8
 * sequence) and each is decoded on its own. That gives every line a flat
 * string of its own, which the scanner reads about 20% faster than a slice of
 * a big decoded chunk, and costs less than decoding the chunk did. Invalid
 * UTF-8 becomes U+FFFD, so a bad byte spoils one field of one line, never the
 * stream.
 *
 * Memory stays bounded whatever the input: a "line" that runs past
 * MAX_LINE_CHARS bytes without a newline is cut to MAX_LINE_CHARS + 1 bytes
 * (enough for the parser to quarantine it as too long) and the rest of it, up
 * to the next newline, is dropped and counted.
 */
import { isAscii } from 'node:buffer';
import { MAX_LINE_CHARS } from './parse-line.ts';

/**
 * A batch of lines, with the bytes they were decoded from: line i came from
 * bytes[starts[i], starts[i] + byteLengths[i]). The scanner reads those bytes
 * instead of encoding the line again (byte and char offsets agree when the
 * byte length equals the line's length, i.e. the line is ASCII).
 */
export interface LineBatch {
  readonly lines: string[];
  readonly bytes: Uint8Array;
  readonly starts: number[];
  /**
   * All of `bytes` is ASCII: every line with a start is then exactly its bytes, one byte per
   * character, and a writer can copy those bytes instead of encoding the string again.
   */
  readonly ascii: boolean;
}

export interface LineStats {
  /** Bytes of overlong lines that were not kept. */
  droppedBytes: number;
}

const NL = 10;
const encoder = new TextEncoder();

/**
 * The same bytes as a plain Uint8Array, not a Buffer. The scanner reads either, but a
 * Buffer has another hidden class: each time a line without bytes at hand (scanned from
 * the scanner's own Uint8Array) came after Buffer lines, V8 threw away the optimized code
 * of some 20 scanner functions ("wrong map") and compiled them again, on the same core.
 */
const plain = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export async function* splitLines(
  chunks: AsyncIterable<Uint8Array | string>,
  stats: LineStats = { droppedBytes: 0 },
): AsyncGenerator<LineBatch> {
  let carry: Buffer | null = null; // the unfinished line at the end of the previous chunk
  let overlong = false; // inside a line already cut: drop until its newline
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // One SIMD pass over the chunk (~35 µs a MiB). ASCII lines are decoded as latin1, which
    // copies bytes to characters without UTF-8 checks (~40% less time than utf8 for 1M lines).
    const ascii = isAscii(buf);
    const encoding = ascii ? 'latin1' : 'utf8';
    let start = 0;
    const batch: string[] = [];
    const starts: number[] = [];
    // Lines finished from a carry come from other bytes than buf: they get start -1 (no bytes at hand).
    if (carry !== null) {
      // Finish the carried line with this chunk's bytes up to its first newline.
      const nl = buf.indexOf(NL);
      const head = nl === -1 ? buf : buf.subarray(0, nl);
      if (overlong) {
        stats.droppedBytes += head.length;
        if (nl !== -1) overlong = false;
        carry = nl === -1 ? carry : null;
      } else {
        carry = Buffer.concat([carry, head]);
        if (carry.length > MAX_LINE_CHARS) {
          stats.droppedBytes += carry.length - MAX_LINE_CHARS - 1;
          if (nl === -1) overlong = true;
          batch.push(carry.toString('utf8', 0, MAX_LINE_CHARS + 1));
          starts.push(-1);
          carry = overlong ? Buffer.alloc(0) : null;
        } else if (nl !== -1) {
          batch.push(carry.toString('utf8'));
          starts.push(-1);
          carry = null;
        }
      }
      if (nl === -1) {
        if (batch.length > 0) yield { lines: batch, bytes: plain(buf), starts, ascii };
        continue;
      }
      start = nl + 1;
    }
    for (;;) {
      const nl = buf.indexOf(NL, start);
      if (nl === -1) break;
      batch.push(buf.toString(encoding, start, nl));
      starts.push(start);
      start = nl + 1;
    }
    if (start < buf.length) {
      const rest = buf.subarray(start);
      if (rest.length > MAX_LINE_CHARS) {
        batch.push(rest.toString('utf8', 0, MAX_LINE_CHARS + 1));
        starts.push(-1);
        stats.droppedBytes += rest.length - MAX_LINE_CHARS - 1;
        overlong = true;
        carry = Buffer.alloc(0);
      } else carry = Buffer.from(rest); // a copy: the chunk's memory may be reused
    }
    if (batch.length > 0) yield { lines: batch, bytes: plain(buf), starts, ascii };
  }
  if (carry !== null && !overlong && carry.length > 0)
    yield { lines: [carry.toString('utf8')], bytes: plain(carry), starts: [0], ascii: isAscii(carry) };
}
