/**
 * Timestamps as text both Athena and DuckDB read as TIMESTAMP without a format
 * string: `yyyy-MM-dd HH:mm:ss.SSS`, UTC (the Hive/Trino timestamp literal form;
 * the Hive JSON SerDe parses it natively, DuckDB casts it).
 */

let lastSecond = Number.NaN;
let lastText = '';

export function formatTimestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    const iso = new Date(second * 1000).toISOString();
    lastText = `${iso.slice(0, 10)} ${iso.slice(11, 19)}.`;
    lastSecond = second;
  }
  const frac = Math.floor(ms) - second * 1000;
  return lastText + (frac < 10 ? `00${frac}` : frac < 100 ? `0${frac}` : `${frac}`);
}
