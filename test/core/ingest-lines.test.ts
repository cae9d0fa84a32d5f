/**
 * ingestLines' own bookkeeping: every line is taken once and in order, and when a sink asks it
 * to wait (its add returns a promise: a part is being written), nothing more is added until
 * that promise settles, then ingest goes on with the very next line of the same batch. A line
 * skipped or taken twice around a wait shows up here as a gap or a repeat in the line numbers,
 * an add during a wait as `addedWhileWaiting`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type IngestStats, ingestLines, type RecordSink } from '../../functions/core/ingest.ts';
import type { LineBatch } from '../../functions/core/lines.ts';
import { splitLines } from '../../functions/core/lines.ts';
import type { ParseOptions } from '../../functions/core/parse-line.ts';
import { PartitionRouter } from '../../functions/core/router.ts';

const OPTS: ParseOptions = {
  referenceMs: Date.parse('2026-09-19T00:00:00Z'),
  sourceKey: 'test.log',
  fallbackHost: null,
};

const netfilter = (n: number) =>
  `Sep 17 22:${String(10 + (n % 40)).padStart(2, '0')}:00 fw1 kernel: IN=eth0 OUT= SRC=192.0.2.${n % 250} DST=198.51.100.7 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=${n} PROTO=TCP SPT=${1024 + n} DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0`;

/** Lines 1..n: mostly netfilter lines, every 7th not one (skipped), every 11th a cut netfilter line (quarantined). */
function lines(n: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) {
    if (i % 7 === 0) out.push(`Sep 17 22:10:00 fw1 kernel: usb 1-1: new device number ${i}`);
    else if (i % 11 === 0) out.push(`Sep 17 22:10:00 fw1 kernel: IN=eth0`);
    else out.push(netfilter(i));
  }
  return out;
}

/** The text in chunks of `size` bytes, with an empty chunk among them: batches of many sizes. */
async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) {
    yield bytes.subarray(i, i + size);
    if (i === 0) yield new Uint8Array(0);
  }
}

interface Seen {
  stats: IngestStats;
  /** line_no of every record the sink was given, in order. */
  recordLines: number[];
  /** line numbers of the quarantined lines, in order. */
  quarantinedLines: number[];
  /** Whether add was ever called while a promise it returned had not settled. */
  addedWhileWaiting: boolean;
  batches: number;
}

/** Ingests `text`; the sink returns a promise (settled a macrotask later) for every `waitEvery`th record. */
async function ingest(text: string, chunkSize: number, waitEvery: number): Promise<Seen> {
  const recordLines: number[] = [];
  const quarantinedLines: number[] = [];
  let waiting = false;
  let addedWhileWaiting = false;
  const sink: RecordSink = {
    add(_partition, record) {
      if (waiting) addedWhileWaiting = true;
      recordLines.push(record.line_no);
      if (recordLines.length % waitEvery !== 0) return undefined;
      waiting = true;
      return new Promise<void>((done) =>
        setImmediate(() => {
          waiting = false;
          done();
        }),
      );
    },
    close: async () => {},
  };
  // Quarantined lines go through the router as JSON lines, in parts: collect their bytes.
  const quarantineBytes: Buffer[] = [];
  const router = new PartitionRouter({
    open: (table) => ({
      write: (bytes: Uint8Array) => {
        if (table === 'quarantine') quarantineBytes.push(Buffer.from(bytes));
        return undefined;
      },
      end: async () => {},
    }),
  });
  let batches = 0;
  const input: AsyncIterable<LineBatch> = splitLines(chunks(text, chunkSize));
  const stats = await ingestLines(input, OPTS, router, {
    records: sink,
    onBatch: () => {
      batches++;
    },
  });
  for (const line of Buffer.concat(quarantineBytes).toString('utf8').split('\n')) {
    if (line !== '') quarantinedLines.push(JSON.parse(line).line_no);
  }
  return { stats, recordLines, quarantinedLines, addedWhileWaiting, batches };
}

describe('ingestLines', () => {
  const all = lines(5_000);
  const text = `${all.join('\n')}\n`;
  const expectedRecords = all.flatMap((_, i) => ((i + 1) % 7 === 0 || (i + 1) % 11 === 0 ? [] : [i + 1]));
  const expectedQuarantined = all.flatMap((_, i) => ((i + 1) % 7 !== 0 && (i + 1) % 11 === 0 ? [i + 1] : []));

  for (const [chunkSize, waitEvery] of [
    [1 << 20, 1], // one batch, a wait after every record
    [4_096, 3], // many batches, waits inside and at the ends of batches
    [997, 1_000], // batches that split lines, few waits
  ] as const) {
    it(`takes every line once, in order, waiting when the sink says so (chunks of ${chunkSize} bytes, a wait every ${waitEvery} records)`, async () => {
      const seen = await ingest(text, chunkSize, waitEvery);
      assert.deepEqual(seen.recordLines, expectedRecords);
      assert.deepEqual(seen.quarantinedLines, expectedQuarantined);
      assert.equal(seen.addedWhileWaiting, false, 'a record was added while the sink had ingest wait');
      const { stats } = seen;
      assert.equal(stats.lines, all.length);
      assert.equal(stats.records, expectedRecords.length);
      assert.equal(stats.quarantined, expectedQuarantined.length);
      assert.equal(stats.records + stats.skipped + stats.quarantined, stats.lines);
      assert.equal(stats.partitions, 1);
      assert.ok(seen.batches >= 1);
    });
  }
});
