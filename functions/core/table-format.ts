/** Query results as text: an aligned table for people, CSV and JSON lines for scripts. */

const cell = (v: unknown): string =>
  v === null || v === undefined
    ? ''
    : Array.isArray(v)
      ? v.map(cell).join(' ')
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

/** Columns padded to their widest value; numbers right-aligned. */
export function formatTable(columns: string[], rows: unknown[][]): string {
  const text = rows.map((r) => r.map(cell));
  const numeric = columns.map(
    (_, i) => rows.length > 0 && rows.every((r) => r[i] === null || /^-?\d+(\.\d+)?$/.test(cell(r[i]))),
  );
  const width = columns.map((c, i) => Math.max(c.length, ...text.map((r) => r[i].length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (numeric[i] ? v.padStart(width[i]) : v.padEnd(width[i])))
      .join('  ')
      .trimEnd();
  return [line(columns), line(width.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

export function formatCsv(columns: string[], rows: unknown[][]): string {
  const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return [columns.map(q).join(','), ...rows.map((r) => r.map((v) => q(cell(v))).join(','))].join('\n');
}

export function formatJsonLines(columns: string[], rows: unknown[][]): string {
  return rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, r[i]])))).join('\n');
}
