import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressPrinter } from '../../functions/cli/progress.ts';
import { emptyStats } from '../../functions/core/ingest.ts';

function terminal(isTTY: boolean) {
  const written: string[] = [];
  return { out: { isTTY, write: (s: string) => written.push(s) }, written };
}

describe('ingest progress', () => {
  it('on a terminal, shows after the first second, at most 4 times a second, and ends its line', () => {
    const { out, written } = terminal(true);
    let t = 0;
    const p = progressPrinter('kern.log', out, () => t);
    const stats = { ...emptyStats(), lines: 500_000, records: 480_000 };
    t = 500;
    p.update(stats, 50, 100); // too early: a short input shows nothing
    t = 1_500;
    p.update(stats, 50, 100);
    t = 1_600;
    p.update(stats, 60, 100); // within 250 ms of the last: skipped
    t = 2_000;
    p.update({ ...stats, lines: 1_000_000 }, 100, 100);
    p.done();
    assert.deepEqual(written, [
      '\rkern.log: 50% 500000 lines, 480000 records, 333333 lines/s   ',
      '\rkern.log: 100% 1000000 lines, 480000 records, 500000 lines/s   ',
      '\n',
    ]);
  });

  it('prints nothing when stderr is not a terminal, or the input was quick', () => {
    const pipe = terminal(false);
    let t = 0;
    const p = progressPrinter('-', pipe.out, () => t);
    t = 5_000;
    p.update(emptyStats(), 1, null);
    p.done();
    assert.deepEqual(pipe.written, []);
    const quick = terminal(true);
    const q = progressPrinter('x', quick.out, () => 0);
    q.update(emptyStats(), 1, 2);
    q.done();
    assert.deepEqual(quick.written, []);
  });
});
