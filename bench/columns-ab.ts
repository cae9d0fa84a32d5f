/**
 * An A/B of the Parquet column side (append + encode) between this checkout
 * and another, in one process: on this machine whole-ingest timings swing by
 * 10-20% from minute to minute, which hides a 2-5% change in two separate
 * runs; rounds alternated in one process share the swings, and their quantiles
 * compare.
 *
 * It parses the first ROWS records of FILE once (clones of the reused record,
 * with their line symbols and raw bytes, as ingest hands them over), then runs
 * ROUNDS rounds of each side, alternating: add every record to a RecordColumns,
 * then toParquet with uncompressed pages, then reset. Both sides must produce
 * the same bytes, or it says so and exits 1.
 *
 *   git worktree add --detach /tmp/base HEAD~1 && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   taskset -c 0 node --import tsx bench/columns-ab.ts /tmp/base /tmp/kern.log [ROWS=13000] [ROUNDS=200]
 *
 * Prints min, 25th percentile and median of each side, in ms per 1M rows.
 */
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { ByteWriter } from 'hyparquet-writer';
import { LINE_SYMBOLS } from '../functions/core/line-symbols.ts';
import { splitLines } from '../functions/core/lines.ts';
import { UNCOMPRESSED } from '../functions/core/parquet/codec.ts';
import { RecordColumns } from '../functions/core/parquet/record-columns.ts';
import { isQuarantined, parseLine } from '../functions/core/parse-line.ts';
import { FirewallRecord } from '../functions/core/record.ts';

interface Side {
  name: string;
  columns: RecordColumns;
  append: number[];
  encode: number[];
  bytes: Buffer | null;
}

const [other, file, rowsText = '13000', roundsText = '200'] = process.argv.slice(2);
if (other === undefined || file === undefined) {
  console.error('usage: node --import tsx bench/columns-ab.ts OTHER_CHECKOUT FILE [ROWS] [ROUNDS]');
  process.exit(2);
}
const rows = Number(rowsText);
const rounds = Number(roundsText);

// The other checkout's writer, loaded from its own sources (same interface, older or newer code).
const otherModule = (await import(resolve(other, 'functions/core/parquet/record-columns.ts'))) as {
  RecordColumns: typeof RecordColumns;
};

const opts = { referenceMs: Date.parse('2026-11-24T00:00:00Z'), sourceKey: 'bench', fallbackHost: null };
const records: FirewallRecord[] = [];
const symbols: Float64Array[] = [];
const raws: { bytes: Uint8Array | null; start: number }[] = [];
const into = new FirewallRecord();
let lineNo = 0;
outer: for await (const b of splitLines(createReadStream(file, { highWaterMark: 1 << 20 }))) {
  for (let i = 0; i < b.lines.length; i++) {
    const r = parseLine(b.lines[i], ++lineNo, opts, b.bytes, b.starts[i], into);
    if (r === null || isQuarantined(r)) continue;
    records.push(Object.assign(new FirewallRecord(), r));
    symbols.push(LINE_SYMBOLS.slice());
    raws.push({ bytes: b.ascii && b.starts[i] >= 0 ? b.bytes : null, start: b.starts[i] });
    if (records.length >= rows) break outer;
  }
}

const sides: Side[] = [
  { name: `this (${process.cwd()})`, columns: new RecordColumns(), append: [], encode: [], bytes: null },
  { name: `other (${other})`, columns: new otherModule.RecordColumns(), append: [], encode: [], bytes: null },
];
const out = new ByteWriter(1 << 20);
for (let round = 0; round < rounds; round++) {
  // Alternate which side goes first, so neither always runs right after the other's garbage.
  for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
    const t0 = performance.now();
    for (let k = 0; k < records.length; k++)
      side.columns.add(records[k], raws[k].bytes, raws[k].start, symbols[k]);
    const t1 = performance.now();
    const bytes = side.columns.toParquet({ codec: UNCOMPRESSED }, out);
    side.columns.reset();
    const t2 = performance.now();
    side.append.push(t1 - t0);
    side.encode.push(t2 - t1);
    if (side.bytes === null) side.bytes = Buffer.from(bytes);
  }
}

const perMillion = (ms: number) => ((ms * 1e6) / records.length).toFixed(0);
const quantiles = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  const q = (f: number) => perMillion(s[Math.floor(f * (s.length - 1))]);
  return `min ${q(0)} p25 ${q(0.25)} median ${q(0.5)}`;
};
console.log(`${records.length} rows, ${rounds} rounds each, ms per 1M rows`);
for (const side of sides) {
  console.log(`${side.name}\n  append ${quantiles(side.append)}\n  encode ${quantiles(side.encode)}`);
}
const [a, b] = sides.map((s) => s.bytes as Buffer);
if (!a.equals(b)) {
  console.log(`the two sides wrote different bytes (${a.length} vs ${b.length}): not the same output`);
  process.exit(1);
}
console.log(`both sides wrote the same ${a.length} bytes`);
