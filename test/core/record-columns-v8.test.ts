// What V8 makes of RecordColumns, checked in child nodes with V8's own flags.
//
// Every RecordColumns (one per partition buffered at a time) must share one appender's feedback
// and optimized code. When each made its own with `new Function`, V8 interpreted, profiled and
// compiled each one again once its compilation cache had aged: in a 3M-line ingest, which made
// a new buffer set every hour, that was 125 TurboFan compilations of `append`, 3.2 s on the
// ingest's one core. Checked in a child node with --trace-opt, by counting the compilations of
// `append`. And no column buffer may change its hidden class once the ingest is under way (a
// child node with --allow-natives-syntax compares them with %HaveSameMap).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runInV8Child } from '../support/v8-child.ts';

const entry = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const RECORD_COLUMNS = entry('../../functions/core/parquet/record-columns.ts');
const RECORD = entry('../../functions/core/record.ts');
const CODEC = entry('../../functions/core/parquet/codec.ts');

/** Buffer sets made one after the other, each given enough rows for V8 to optimize its appender. */
const SETS = 6;
const ROWS = 20_000;

describe('RecordColumns and V8', () => {
  it(`${SETS} buffer sets compile their appender once between them, not once each`, async () => {
    const out = await runInV8Child(
      [RECORD_COLUMNS, RECORD],
      // Synchronous compiling, so every compilation is done (and printed) before the child exits.
      ['--trace-opt', '--no-concurrent-recompilation', '--expose-gc'],
      `
      const r = new m.FirewallRecord();
      r.ts = 1795000000000; r.host = 'fw1'; r.src = '192.0.2.1'; r.dst = '198.51.100.7';
      r.proto = 'TCP'; r.spt = 443; r.dpt = 51000; r.tcp_flags = ['ACK', 'RST']; r.raw = 'x';
      // The sets stay alive, as the part writer keeps its buffers for reuse: code that embeds a
      // set's objects is then never thrown away because they died, and only sharing is counted.
      const sets = [];
      for (let s = 0; s < ${SETS}; s++) {
        const cols = new m.RecordColumns();
        for (let i = 0; i < ${ROWS}; i++) { r.line_no = i; cols.add(r); }
        sets.push(cols);
        // Full collections between sets, as a long ingest has: they age V8's compilation cache,
        // after which a \`new Function\` of the same source starts cold again.
        gc(); gc();
      }
      console.log('rows', sets.reduce((n, c) => n + c.rows, 0));
    `,
    );
    assert.match(out, new RegExp(`rows ${SETS * ROWS}\\b`));
    const compiled = out.match(/completed (compiling|optimizing) \S+ <JSFunction append /g) ?? [];
    // At least one: else the count would prove nothing (the trace's format changed, or no optimizing).
    assert.ok(compiled.length >= 1, `append was never optimized:\n${out.slice(0, 2000)}`);
    // One compilation for the first appender (V8 specializes code to a lone closure's context),
    // one shared by all later ones. Each set compiling its own gives SETS.
    assert.ok(
      compiled.length <= SETS / 2,
      `append compiled ${compiled.length} times for ${SETS} buffer sets: their appenders share no code`,
    );
  });

  it('keeps the hidden class of every column buffer through the first encode', async () => {
    // A NumberBuffer's min and max once started as 0, a small integer; the first encode stored
    // a timestamp (a double) there, V8 gave NumberBuffer a new hidden class, and the optimized
    // code that had seen the old one (the appender, ingestLines) was thrown away mid-ingest.
    const out = await runInV8Child(
      [RECORD_COLUMNS, RECORD, CODEC],
      ['--allow-natives-syntax'],
      `
      const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)');
      const before = new m.RecordColumns();
      const encoded = new m.RecordColumns();
      const r = new m.FirewallRecord();
      r.ts = 1795000000123; r.host = 'fw1'; r.src = '192.0.2.1'; r.tcp_seq = 4000000000; r.raw = 'x';
      encoded.add(r);
      encoded.toParquet({ codec: m.UNCOMPRESSED });
      const changed = encoded.buffers.flatMap((b, i) => sameMap(b, before.buffers[i]) ? [] : [i + ':' + b.constructor.name]);
      console.log('changed [' + changed.join(' ') + '] of', encoded.buffers.length);
    `,
    );
    assert.match(out, /changed \[\] of \d+/, out);
  });
});
