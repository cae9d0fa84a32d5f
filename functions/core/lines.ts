/**
 * Bytes to lines: UTF-8 decoding (invalid bytes become U+FFFD, so a bad byte
 * spoils one field of one line, never the stream) and newline framing, in
 * batches so the per-line cost stays a loop iteration, not an await.
 *
 * Memory stays bounded whatever the input: a "line" that runs past
 * MAX_LINE_CHARS without a newline is cut to MAX_LINE_CHARS + 1 characters
 * (enough for the parser to quarantine it as too long) and the rest of it,
 * up to the next newline, is dropped and counted.
 */
import { MAX_LINE_CHARS } from './parse-line.ts';

export interface LineStats {
  /** Characters of overlong lines that were not kept. */
  droppedChars: number;
}

export async function* splitLines(
  chunks: AsyncIterable<Uint8Array | string>,
  stats: LineStats = { droppedChars: 0 },
): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
  let carry = '';
  let overlong = false; // inside a line already cut: drop until its newline
  for await (const chunk of chunks) {
    const text = carry + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    carry = '';
    const batch: string[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      if (overlong) {
        stats.droppedChars += nl - start;
        overlong = false;
      } else batch.push(text.slice(start, nl));
      start = nl + 1;
    }
    const rest = text.length - start;
    if (overlong) stats.droppedChars += rest;
    else if (rest > MAX_LINE_CHARS) {
      batch.push(text.slice(start, start + MAX_LINE_CHARS + 1));
      stats.droppedChars += rest - MAX_LINE_CHARS - 1;
      overlong = true;
    } else carry = text.slice(start);
    if (batch.length > 0) yield batch;
  }
  const tail = carry + decoder.decode();
  if (!overlong && tail.length > 0) yield [tail];
}
