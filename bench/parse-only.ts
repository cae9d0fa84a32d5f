/**
 * Parse-only: parseLine over lines already in memory, split as the ingest splits them (with the
 * bytes they came from) and parsed into one reused record, as the ingest parses: one warm-up
 * round over the first WARMUP_LINES lines, then ROUNDS timed rounds over all of them.
 *
 * bench/run.ts runs this file as a bundle (esbuild) in a child node of its own, as the CLI runs
 * the parser, and not in its own process: the runner runs under tsx, and tsx detaches an
 * ArrayBuffer as it loads a file, after which V8 compiles every typed-array read with a detach
 * check (`node --trace-protector-invalidation` shows it). The shipped parser keeps V8's
 * ArrayBufferDetaching protector, so that is how it is measured. A child also keeps the
 * runner's memory out of it, and can be pinned to one core like the ingest runs.
 *
 *   node parse-only.mjs FILE FILE_BYTES MAX_LINES REFERENCE_MS   (prints a ParseOnlyResult as JSON)
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { type LineBatch, splitLines } from '../functions/core/lines.ts';
import { isQuarantined, type ParseOptions, parseLine } from '../functions/core/parse-line.ts';
import { FirewallRecord } from '../functions/core/record.ts';

export const WARMUP_LINES = 100_000;
export const ROUNDS = 3;

export interface Counts {
  records: number;
  skipped: number;
  quarantined: number;
}

export interface Rate {
  secs: number;
  linesPerS: number;
  mbPerS: number;
}

export interface ParseOnlyResult extends Counts {
  lines: number;
  bytes: number;
  rounds: number[];
  best: Rate;
  median: Rate;
}

/** The first `max` lines in memory, split exactly as the ingest splits them (with the bytes they came from, as the ingest has). */
async function readLines(
  file: string,
  max: number,
): Promise<{ batches: LineBatch[]; lines: number; whole: boolean }> {
  const batches: LineBatch[] = [];
  let lines = 0;
  for await (const batch of splitLines(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    batches.push(batch);
    lines += batch.lines.length;
    if (lines >= max) return { batches, lines: max, whole: false };
  }
  return { batches, lines, whole: true };
}

/**
 * Parses the first n lines exactly as the ingest does (ingestLines), minus encoding and writing:
 * into one record object reused for every line (until 2026-11-25 this made a new record per
 * line, which ingest never does: ~3% slower, the garbage collector's share).
 */
function parseAll(batches: LineBatch[], n: number, opts: ParseOptions): Counts {
  const c: Counts = { records: 0, skipped: 0, quarantined: 0 };
  const scratch = new FirewallRecord();
  let lineNo = 0;
  for (const { lines, bytes, starts } of batches) {
    for (let i = 0; i < lines.length && lineNo < n; i++) {
      const r = parseLine(lines[i], ++lineNo, opts, bytes, starts[i], scratch);
      if (r === null) c.skipped++;
      else if (isQuarantined(r)) c.quarantined++;
      else c.records++;
    }
  }
  return c;
}

export async function parseOnly(
  file: string,
  fileBytes: number,
  maxLines: number,
  referenceMs: number,
): Promise<ParseOnlyResult> {
  const { batches, lines, whole } = await readLines(file, maxLines);
  // The input bytes of the lines parsed, for MB/s: the file's, or those of the lines read (each with its newline).
  let bytes = fileBytes;
  if (!whole) {
    bytes = 0;
    let seen = 0;
    for (const b of batches) {
      for (let i = 0; i < b.lines.length && seen < lines; i++, seen++)
        bytes += Buffer.byteLength(b.lines[i]) + 1;
    }
  }
  const opts: ParseOptions = { referenceMs, sourceKey: basename(file), fallbackHost: null };
  // One warm-up round so the timed rounds run optimised code, not the interpreter.
  parseAll(batches, Math.min(WARMUP_LINES, lines), opts);
  const times: number[] = [];
  let counts: Counts = { records: 0, skipped: 0, quarantined: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    counts = parseAll(batches, lines, opts);
    times.push((performance.now() - t0) / 1000);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const rate = (secs: number): Rate => ({ secs, linesPerS: lines / secs, mbPerS: bytes / 1e6 / secs });
  return {
    lines,
    bytes,
    rounds: times,
    best: rate(sorted[0]),
    median: rate(sorted[sorted.length >> 1]),
    ...counts,
  };
}

if (/parse-only\.(ts|mjs)$/.test(process.argv[1] ?? '')) {
  const [file, fileBytes, maxLines, referenceMs] = process.argv.slice(2);
  if (file === undefined || referenceMs === undefined) {
    console.error('usage: node parse-only.mjs FILE FILE_BYTES MAX_LINES REFERENCE_MS');
    process.exit(2);
  }
  const result = await parseOnly(file, Number(fileBytes), Number(maxLines), Number(referenceMs));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
