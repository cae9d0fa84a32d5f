/** `fwlake compact`: rewrite the local warehouse's finished hours as compacted Parquet (see adapters/compaction-local.ts). */
import { parseArgs } from 'node:util';
import { COMPACTED_ZSTD_LEVEL, ZSTD_LEVELS } from '../core/compaction-format.ts';
import { DEFAULT_GRACE_MS } from '../core/compaction-plan.ts';
import { UsageError } from './args.ts';

/** Its own flags (--now, --grace and --level are compact's alone). */
function compactOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        warehouse: { type: 'string' },
        now: { type: 'string' },
        grace: { type: 'string' },
        level: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** `15m`, `1h`, `90s`, `0`: a grace period. */
export function parseGrace(text: string): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (m === null) throw new UsageError(`--grace: not a duration like 15m, 1h or 90s: "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'm') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

/** `--level N`: a zstd level, a whole number from 1 to 22 (what zstd and Athena accept). */
export function parseLevel(text: string): number {
  const t = text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : Number.NaN;
  if (!(n >= ZSTD_LEVELS.min && n <= ZSTD_LEVELS.max)) {
    throw new UsageError(
      `--level: a zstd level is a whole number from ${ZSTD_LEVELS.min} to ${ZSTD_LEVELS.max} (default ${COMPACTED_ZSTD_LEVEL}), not "${text}"`,
    );
  }
  return n;
}

export async function compactCommand(args: string[]): Promise<number> {
  const { values, positionals } = compactOptions(args);
  if (positionals.length > 0) throw new UsageError('compact takes no arguments');
  const v = values as Record<string, string | undefined>;
  const warehouse = v.warehouse ?? './warehouse';
  const nowMs = v.now === undefined ? Date.now() : Date.parse(v.now);
  if (Number.isNaN(nowMs)) throw new UsageError(`--now: not a date/time: "${v.now}"`);
  const graceMs = v.grace === undefined ? DEFAULT_GRACE_MS : parseGrace(v.grace);
  const level = v.level === undefined ? COMPACTED_ZSTD_LEVEL : parseLevel(v.level);
  // DuckDB is a native addon: loaded only by the commands that need it.
  const { compactLocal } = await import('../adapters/compaction-local.ts');
  const started = performance.now();
  const r = await compactLocal({ warehouse, nowMs, graceMs, level });
  const out = (s: string) => process.stdout.write(`${s}\n`);
  let rows = 0;
  let before = 0;
  let after = 0;
  for (const h of r.hours) {
    rows += h.rows;
    before += h.bytesBefore;
    after += h.bytesAfter;
    out(
      h.action === 'removed'
        ? `dt=${h.dt}/hour=${h.hour}: removed (no fresh parts left)`
        : `dt=${h.dt}/hour=${h.hour}: ${h.inputs} parts, ${h.rows} rows, ${h.bytesBefore} -> ${h.bytesAfter} bytes` +
            (h.files > 1 ? ` in ${h.files} files` : ''),
    );
  }
  for (const k of r.unrecognised) process.stderr.write(`fwlake: not a part, left alone: ${k}\n`);
  const secs = ((performance.now() - started) / 1000).toFixed(2);
  out(
    r.hours.length === 0
      ? `nothing to compact (${r.upToDate} hours up to date, ${r.open} still open); ${secs} s`
      : `${r.hours.length} hours compacted (zstd level ${r.level}): ${rows} rows, ${before} -> ${after} bytes; ` +
          `${r.upToDate} up to date, ${r.open} still open; ${secs} s`,
  );
  return 0;
}
