/** The progress line `fwlake ingest` shows on a terminal (and only there: scripts get none). */
import type { IngestStats } from '../core/ingest.ts';

/** A one-line progress display on a terminal, for inputs that take more than a moment. */
export function progressPrinter(
  path: string,
  out: { isTTY?: boolean; write(s: string): unknown } = process.stderr,
  now: () => number = () => performance.now(),
) {
  const tty = out.isTTY === true;
  const start = now();
  let last = start;
  let shown = false;
  return {
    update(s: IngestStats, bytes: number, size: number | null) {
      if (!tty) return;
      const t = now();
      if (t - last < 250 || t - start < 1000) return;
      last = t;
      shown = true;
      const pct = size ? ` ${((100 * bytes) / size).toFixed(0)}%` : '';
      const rate = Math.round(s.lines / ((t - start) / 1000));
      out.write(`\r${path}:${pct} ${s.lines} lines, ${s.records} records, ${rate} lines/s   `);
    },
    done() {
      if (shown) out.write('\n');
    },
  };
}
