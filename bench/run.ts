/**
 * `npm run bench -- [FILE] [options]`
 *
 * Prints the figures behind the speed goals of issue 5; it never passes or fails
 * on them (timings on a shared 2-core machine vary by ±20%). Exits non-zero only
 * when something really failed: an unreadable file, a failed build, a crashed
 * child, a broken pipeline (the other figures are still printed first).
 *
 *   1. parse-only: parseLine over lines already in memory (the parser alone), bench/parse-only.ts
 *      bundled and run in a child node as the CLI runs it, pinned to one core with the ingest runs.
 *   2. end-to-end: `fwlake ingest FILE --format json|parquet` (bin/fwlake.mjs, built
 *      first) in a child process: lines/s, input MB/s, peak RSS, once on all cores
 *      and once pinned to one (`taskset -c 0`: the goals are for one core); the
 *      bytes of the parts written per format, per million lines, Parquet / JSON.
 *   3. bytes DuckDB reads for low-source-ports, top-talkers and ssh-attempts over
 *      the whole input, on a warehouse of each format (bench/query-bytes.ts).
 *   4. compaction: `fwlake compact` on the Parquet warehouse, every hour finished
 *      (bench/compact-run.ts): its time, the compacted bytes (total, per million
 *      lines, over gzip JSON), and the bytes of the same three queries on the
 *      compacted lake (the `firewall` view reads compacted hours compacted).
 *   5. the operator's sed | grep | sort | uniq | column pipeline this project replaces.
 *
 * Then a summary: each goal, the figure, met or not met.
 *
 * Options:
 *   --lines N            size of the generated input when no FILE is given (default 1,000,000)
 *   --reference-time ISO places the year-less syslog stamps (default: the file's mtime)
 *   --formats LIST       json,parquet (default both), or one of them
 *   --one-core-only      run each ingest pinned to one core only
 *   --no-one-core        run each ingest on all cores only (no taskset)
 *   --parse-lines N      parse-only over the first N lines at most (default 2,000,000: the
 *                        runner holds them in memory; a 10M-line file would not fit)
 *   --skip-queries       leave out the query bytes
 *   --skip-compact       leave out compaction (~50 s per 1M lines on one core at the default zstd level)
 *   --skip-sed           leave out the sed pipeline (slow: ~20-40 s per 1M lines)
 *   --no-build           use dist/ as it is instead of running `npm run build`'s build.mjs first
 *
 * Without FILE it uses /tmp/fwlake-bench/kern-1m.log, generating it first
 * (bench/gen-kern-log.ts, fixed seed) when missing. The figures also go to
 * /tmp/fwlake-bench/results.json. MB = 10^6 bytes throughout.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build as esbuild } from 'esbuild';
import { GZIP_LEVEL } from '../functions/adapters/local-warehouse.ts';
import { COMPACTED_ORDER } from '../functions/core/compaction-format.ts';
import type { PartFormat } from '../functions/core/part-format.ts';
import { afterEveryHour, type CompactRun, compactRun } from './compact-run.ts';
import { canPinToOneCore, ROOT } from './fwlake-child.ts';
import { type IngestRun, ingestRun } from './ingest-runs.ts';
import { type ParseOnlyResult, ROUNDS } from './parse-only.ts';
import { BENCH_QUERIES, type QueryWindow, queryBytes, type WarehouseQueries } from './query-bytes.ts';

const WORK_DIR = '/tmp/fwlake-bench';
const RESULTS = join(WORK_DIR, 'results.json');
const DEFAULT_LINES = 1_000_000;
const DEFAULT_PARSE_LINES = 2_000_000;
const GEN_SEED = 1;
const FORMATS: readonly PartFormat[] = ['json', 'parquet'];
const FORMAT_NAME: Record<PartFormat, string> = { json: 'gzip JSON', parquet: 'Parquet' };

/** The goals of issue 5, "for this machine (one core)". */
const GOAL = {
  parseLinesPerS: 1_000_000,
  ingestLinesPerS: 300_000,
  peakRssMB: 300,
  /** Parquet bytes over gzip JSON bytes: judged on the fresh parts and on the compacted files. */
  parquetOverJson: 0.6,
  lowSourcePortsReadRatio: 1 / 10,
};
const GOAL_QUERY = 'low-source-ports';

/** The pipeline an operator ran before fwlake: prints PROTO DPT SPT SRC DST, sorted, deduplicated, aligned. */
const SED_EXPR = String.raw`s/.* \(SRC=[0-9.]\+ \).*\(DST=[0-9.]\+ \).*\(PROTO=[a-zA-Z]\+ \).*\(SPT=[0-9]\+ \).*\(DPT=[0-9]\+ \).*/\3 \5 \4 \1 \2/g`;

const USAGE =
  'usage: npm run bench -- [FILE] [--lines N] [--reference-time ISO] [--formats json,parquet]\n' +
  '         [--one-core-only | --no-one-core] [--parse-lines N] [--skip-queries] [--skip-compact]\n' +
  '         [--skip-sed] [--no-build]';

class UsageError extends Error {}

// ---------------------------------------------------------------- input

async function defaultInput(lines: number): Promise<string> {
  const file = join(WORK_DIR, lines === DEFAULT_LINES ? 'kern-1m.log' : `kern-${lines}.log`);
  if (existsSync(file)) return file;
  await mkdir(WORK_DIR, { recursive: true });
  process.stderr.write(`generating ${file} (${lines} lines, seed ${GEN_SEED})...\n`);
  // Written beside and renamed when complete, so an interrupted run never leaves a short file to be reused.
  const tmp = `${file}.tmp-${process.pid}`;
  const out = await open(tmp, 'w');
  try {
    const code = await new Promise<number | null>((res, rej) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'bench/gen-kern-log.ts', '--lines', String(lines), '--seed', String(GEN_SEED)],
        { cwd: ROOT, stdio: ['ignore', out.fd, 'inherit'] },
      );
      child.on('error', rej);
      child.on('close', res);
    });
    if (code !== 0) throw new Error(`bench/gen-kern-log.ts exited with ${code}`);
  } finally {
    await out.close();
  }
  await rename(tmp, file);
  return file;
}

/** `node build.mjs` (what `npm run build` runs), so the measured bin/fwlake.mjs is the current source. */
function build(): void {
  const res = spawnSync(process.execPath, ['build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`the build failed:\n${res.stderr || res.stdout}`);
}

// ---------------------------------------------------------------- 1. parse-only

/**
 * bench/parse-only.ts, bundled by esbuild and run in a child node (pinned to one core when
 * `oneCore`): the parser as the CLI runs it (see that file for why not in this process).
 */
async function parseOnlyChild(
  file: string,
  fileBytes: number,
  maxLines: number,
  referenceMs: number,
  oneCore: boolean,
): Promise<ParseOnlyResult> {
  await mkdir(WORK_DIR, { recursive: true });
  const bundle = join(WORK_DIR, 'parse-only.mjs');
  await esbuild({
    entryPoints: [join(ROOT, 'bench', 'parse-only.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    logLevel: 'warning',
  });
  const args = [bundle, file, String(fileBytes), String(maxLines), String(referenceMs)];
  const [cmd, argv] = oneCore
    ? ['taskset', ['-c', '0', process.execPath, ...args]]
    : [process.execPath, args];
  const res = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (res.status !== 0) throw new Error(`parse-only child exited with ${res.status}:\n${res.stderr}`);
  return JSON.parse(res.stdout) as ParseOnlyResult;
}

// ---------------------------------------------------------------- 2. end-to-end, 3. query bytes

interface FormatFigures {
  format: PartFormat;
  runs: IngestRun[];
  queries: WarehouseQueries | null;
  queryError: string | null;
  /** Parquet only: `fwlake compact` on the first run's warehouse, then the queries again on it. */
  compact: CompactFigures | null;
}

interface CompactFigures {
  run: CompactRun | null;
  error: string | null;
  queries: WarehouseQueries | null;
  queryError: string | null;
}

/** How to compact the Parquet warehouse, or null to leave compaction out. */
type CompactMode = { oneCore: boolean } | null;

const firstLine = (e: unknown) => (e as Error).message.split('\n')[0];

/** The window every bench query covers: the whole input, from the ingest's first record to past its last. */
function wholeInput(run: IngestRun): QueryWindow {
  if (run.firstTs === null || run.lastTs === null) {
    return { since: '1970-01-01T00:00:00Z', until: '2100-01-01T00:00:00Z' };
  }
  return { since: run.firstTs, until: new Date(Date.parse(run.lastTs) + 1000).toISOString() };
}

async function formatFigures(
  file: string,
  bytes: number,
  referenceMs: number,
  format: PartFormat,
  modes: boolean[],
  withQueries: boolean,
  compactMode: CompactMode,
): Promise<FormatFigures> {
  const runs: IngestRun[] = [];
  let kept: string | null = null;
  const none = { queries: null, queryError: null, compact: null };
  try {
    for (const oneCore of modes) {
      const warehouse = await mkdtemp(join(os.tmpdir(), `fwlake-bench-${format}-`));
      // Only the first run's warehouse is kept, for the queries; the rest go at once.
      if (kept === null) kept = warehouse;
      process.stderr.write(`ingest to ${FORMAT_NAME[format]}, ${oneCore ? 'one core' : 'all cores'}...\n`);
      try {
        runs.push(await ingestRun(file, bytes, referenceMs, warehouse, format, oneCore));
      } finally {
        if (warehouse !== kept) await rm(warehouse, { recursive: true, force: true });
      }
    }
    if (kept === null) return { format, runs, ...none };
    let queries: WarehouseQueries | null = null;
    let queryError: string | null = null;
    if (withQueries) {
      process.stderr.write(`queries on ${FORMAT_NAME[format]}...\n`);
      try {
        queries = await queryBytes(kept, wholeInput(runs[0]));
      } catch (e) {
        // Printed in the table and turned into a non-zero exit at the end, after every other figure.
        queryError = firstLine(e);
      }
    }
    const compact =
      format === 'parquet' && compactMode !== null
        ? await compactFigures(kept, runs[0], compactMode.oneCore, withQueries)
        : null;
    return { format, runs, queries, queryError, compact };
  } finally {
    if (kept !== null) await rm(kept, { recursive: true, force: true });
  }
}

/** `fwlake compact` on the ingest's warehouse (fresh parts measured already), then the queries on the compacted lake. */
async function compactFigures(
  warehouse: string,
  ingest: IngestRun,
  oneCore: boolean,
  withQueries: boolean,
): Promise<CompactFigures> {
  process.stderr.write(`compact the Parquet warehouse, ${oneCore ? 'one core' : 'all cores'}...\n`);
  let run: CompactRun;
  try {
    run = await compactRun(warehouse, afterEveryHour(ingest.lastTs), ingest.lines, oneCore);
  } catch (e) {
    return { run: null, error: firstLine(e), queries: null, queryError: null };
  }
  if (!withQueries) return { run, error: null, queries: null, queryError: null };
  process.stderr.write('queries on compacted Parquet...\n');
  try {
    return { run, error: null, queries: await queryBytes(warehouse, wholeInput(ingest)), queryError: null };
  } catch (e) {
    return { run, error: null, queries: null, queryError: firstLine(e) };
  }
}

// ---------------------------------------------------------------- 5. sed pipeline

function hasCommand(name: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

async function sedPipeline(file: string, lines: number) {
  const column = hasCommand('column');
  // FILE goes in as $1, so no path needs quoting for the shell.
  const script = `set -o pipefail; sed '${SED_EXPR}' "$1" | grep '^PROTO' | sort -k 4,4 -k 5,5 -k 1,2 | uniq${
    column ? ' | column -t' : ''
  } > /dev/null`;
  const t0 = performance.now();
  const code = await new Promise<number | null>((res, rej) => {
    const child = spawn('bash', ['-c', script, 'bench-sed', file], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', rej);
    child.on('close', res);
  });
  const secs = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`the sed pipeline exited with ${code}`);
  return { secs, linesPerS: lines / secs, column, locale: process.env.LC_ALL || process.env.LANG || 'POSIX' };
}

// ---------------------------------------------------------------- report

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const secs = (s: number) => `${s.toFixed(2)} s`;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const status = (ok: boolean | null) => (ok === null ? '-' : ok ? 'met' : 'not met');

/** Bytes with a unit that keeps small query reads readable. */
function bytesText(n: number | null): string {
  if (n === null) return '-';
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (Math.abs(n) >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === 0 || i === r.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

const coreLabel = (oneCore: boolean, cores: number) =>
  oneCore ? '1 core (taskset -c 0)' : `${cores} cores (not pinned)`;

/** The run the goals are judged on: the one-core run where there is one. */
const goalRun = (f: FormatFigures) => f.runs.find((r) => r.oneCore) ?? f.runs[0];

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('at most one FILE');
  const given = positionals[0];
  if (given !== undefined && values.lines !== undefined) {
    throw new UsageError('--lines sizes the generated file; it does not apply to a FILE');
  }
  const count = (name: string, text: string | undefined, dflt: number) => {
    const n = text === undefined ? dflt : Number(text);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name}: not a count: "${text}"`);
    return n;
  };
  const lineCount = count('lines', values.lines, DEFAULT_LINES);
  const parseLines = count('parse-lines', values['parse-lines'], DEFAULT_PARSE_LINES);
  const formats = values.formats.split(',').map((f) => f.trim());
  for (const f of formats) {
    if (!FORMATS.includes(f as PartFormat))
      throw new UsageError(`--formats: json and/or parquet, not "${f}"`);
  }
  if (values['one-core-only'] && values['no-one-core']) {
    throw new UsageError('--one-core-only and --no-one-core exclude each other');
  }
  const refText = values['reference-time'];
  const refGiven = refText === undefined ? null : Date.parse(refText);
  if (refGiven !== null && Number.isNaN(refGiven))
    throw new UsageError(`--reference-time: not a date/time: "${refText}"`);

  const pinnable = canPinToOneCore();
  if (values['one-core-only'] && !pinnable) {
    throw new Error('--one-core-only: taskset (util-linux) cannot pin a process here');
  }
  const modes: boolean[] = values['one-core-only']
    ? [true]
    : values['no-one-core'] || !pinnable
      ? [false]
      : [false, true];
  const oneCoreNote = values['no-one-core']
    ? 'not run (--no-one-core)'
    : pinnable
      ? null
      : 'not run: taskset (util-linux) is not installed or cannot pin here';

  const file = given !== undefined ? resolve(given) : await defaultInput(lineCount);
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(file);
    if (!st.isFile()) throw new Error('not a regular file');
    await (await open(file, 'r')).close();
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const bytes = st.size;
  // Like `fwlake ingest`: syslog stamps have no year, so they are placed nearest this time.
  const referenceMs = refGiven ?? st.mtimeMs;
  const refNote = refGiven !== null ? '' : ' (file mtime)';

  if (!values['no-build']) {
    process.stderr.write('build (node build.mjs; --no-build skips it)...\n');
    build();
  }
  const machine = {
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    loadAvg1m: os.loadavg()[0],
  };
  // Parse-only on one core when the ingest has one-core runs: the goals are for one core.
  const parseOneCore = modes.includes(true);
  process.stderr.write(`parse-only, ${parseOneCore ? 'one core' : 'not pinned'}...\n`);
  const parse = await parseOnlyChild(file, bytes, parseLines, referenceMs, parseOneCore);
  // Compaction runs once, where the goals are judged: on one core when there are one-core runs.
  const compactMode: CompactMode = values['skip-compact'] ? null : { oneCore: modes.includes(true) };
  const figures: FormatFigures[] = [];
  for (const format of formats as PartFormat[]) {
    figures.push(
      await formatFigures(file, bytes, referenceMs, format, modes, !values['skip-queries'], compactMode),
    );
  }
  const lines = figures[0]?.runs[0]?.lines ?? parse.lines;
  let sed: Awaited<ReturnType<typeof sedPipeline>> | null = null;
  if (!values['skip-sed']) {
    process.stderr.write('sed pipeline (slow; --skip-sed leaves it out)...\n');
    sed = await sedPipeline(file, lines);
  }

  // ---- measurements
  const capped = parse.lines < lines ? ` (first ${int(parse.lines)} of the lines, --parse-lines)` : '';
  const rows: string[][] = [
    ['measurement', 'lines/s', 'MB/s', 'time', 'detail'],
    [
      `parse-only, ${parseOneCore ? '1 core' : 'not pinned'}, best of ${ROUNDS}`,
      int(parse.best.linesPerS),
      parse.best.mbPerS.toFixed(1),
      secs(parse.best.secs),
      `${int(parse.lines)} lines${capped}: ${int(parse.records)} records, ${int(parse.skipped)} skipped, ${int(parse.quarantined)} quarantined`,
    ],
    [
      'parse-only, median',
      int(parse.median.linesPerS),
      parse.median.mbPerS.toFixed(1),
      secs(parse.median.secs),
      '',
    ],
  ];
  for (const f of figures) {
    for (const r of f.runs) {
      rows.push([
        `ingest to ${FORMAT_NAME[f.format]}, ${coreLabel(r.oneCore, machine.cores)}`,
        int(r.linesPerS),
        r.mbPerS.toFixed(1),
        secs(r.secs),
        `peak RSS ${r.peakRssMB.toFixed(1)} MB; wall ${secs(r.wallSecs)} incl. node start`,
      ]);
    }
    if (oneCoreNote !== null)
      rows.push([`ingest to ${FORMAT_NAME[f.format]}, 1 core`, '-', '', '', oneCoreNote]);
  }
  const pqFig = figures.find((f) => f.format === 'parquet');
  const compacted = pqFig?.compact?.run ?? null;
  if (compacted !== null) {
    rows.push([
      `compact Parquet (zstd ${compacted.level}), ${coreLabel(compacted.oneCore, machine.cores)}`,
      int(lines / compacted.secs),
      (bytes / 1e6 / compacted.secs).toFixed(1),
      secs(compacted.secs),
      `${int(compacted.hours)} hours, ${int(compacted.rows)} rows; ` +
        `${secs((compacted.secs / lines) * 1e6)} per 1M lines; peak RSS ${compacted.peakRssMB.toFixed(1)} MB`,
    ]);
  } else if (pqFig?.compact?.error) {
    rows.push(['compact Parquet', '-', '', '', `failed: ${pqFig.compact.error}`]);
  } else if (pqFig !== undefined && compactMode === null) {
    rows.push(['compact Parquet', '-', '', '', 'skipped (--skip-compact)']);
  }
  rows.push(
    sed === null
      ? ['sed pipeline', '-', '', '', 'skipped (--skip-sed)']
      : [
          'sed pipeline',
          int(sed.linesPerS),
          (bytes / 1e6 / sed.secs).toFixed(1),
          secs(sed.secs),
          `locale ${sed.locale}${sed.column ? '' : '; column not installed (bsdextrautils): timed without it'}`,
        ],
  );

  // ---- bytes written
  const jsonFig = figures.find((f) => f.format === 'json');
  const jsonBytes = jsonFig?.runs[0]?.partBytes ?? null;
  const pqBytes = pqFig?.runs[0]?.partBytes ?? null;
  const overJson = (n: number | null) =>
    jsonBytes !== null && n !== null && jsonBytes > 0 ? n / jsonBytes : null;
  const pqOverJson = overJson(pqBytes);
  const compactedOverJson = overJson(compacted?.bytes ?? null);
  const outRows: string[][] = [['output', 'files', 'MB', 'MB per 1M lines', 'vs gzip JSON', 'detail']];
  for (const f of figures) {
    const r = f.runs[0];
    if (r === undefined) continue;
    outRows.push([
      FORMAT_NAME[f.format],
      int(r.partFiles),
      mb(r.partBytes),
      mb(r.partBytesPer1MLines),
      jsonBytes === null || jsonBytes === 0 ? '-' : pct(r.partBytes / jsonBytes),
      `${int(r.partitions)} hourly partitions${f.format === 'json' ? `, gzip level ${GZIP_LEVEL}` : ', fresh parts'}`,
    ]);
  }
  if (compacted !== null) {
    outRows.push([
      'Parquet, compacted',
      int(compacted.files),
      mb(compacted.bytes),
      mb(compacted.bytesPer1MLines),
      compactedOverJson === null ? '-' : pct(compactedOverJson),
      `files per hour and direction, zstd level ${compacted.level}, rows by ${COMPACTED_ORDER.slice(0, 4).join(', ')}`,
    ]);
  }

  // ---- query bytes: gzip JSON, fresh Parquet, compacted Parquet
  type Lake = { label: string; short: string; queries: WarehouseQueries | null; error: string | null };
  const lakes: Lake[] = [
    {
      label: 'gzip JSON',
      short: 'json',
      queries: jsonFig?.queries ?? null,
      error: jsonFig?.queryError ?? null,
    },
    { label: 'Parquet', short: 'parquet', queries: pqFig?.queries ?? null, error: pqFig?.queryError ?? null },
    {
      label: 'compacted',
      short: 'compacted',
      queries: pqFig?.compact?.queries ?? null,
      error: pqFig?.compact?.queryError ?? null,
    },
  ];
  const readIn = (lake: Lake, name: string) => lake.queries?.queries.find((q) => q.name === name) ?? null;
  const [jsonLake, pqLake, compactedLake] = lakes;
  const ratioText = (x: number | null, of: number | null) =>
    x === null || !of ? '-' : `${pct(x / of)} (1/${(of / x).toFixed(1)})`;
  const qRows: string[][] = [
    ['bytes read by the query', ...lakes.map((l) => l.label), 'Parquet/JSON', 'compacted/JSON', 'detail'],
  ];
  const queriesRun = lakes.some((l) => l.queries !== null || l.error !== null);
  if (queriesRun) {
    for (const name of BENCH_QUERIES) {
      const q = lakes.map((l) => readIn(l, name));
      const j = q[0]?.bytesRead ?? null;
      const detail = q
        .map((x, i) => (x === null ? null : `${lakes[i].short} ${int(x.rows)} rows, ${int(x.ms)} ms`))
        .filter((x) => x !== null)
        .join('; ');
      qRows.push([
        name,
        ...q.map((x) => bytesText(x?.bytesRead ?? null)),
        ratioText(q[1]?.bytesRead ?? null, j),
        ratioText(q[2]?.bytesRead ?? null, j),
        detail,
      ]);
    }
    qRows.push([
      'baseline: start + view, SELECT 1',
      ...lakes.map((l) => bytesText(l.queries?.baseline.rchar ?? null)),
      '',
      '',
      'subtracted from each figure above',
    ]);
    for (const l of lakes) {
      if (l.error !== null) qRows.push([`${l.label}: failed`, '', '', '', '', '', l.error]);
    }
  }

  // ---- goals
  const lsp = (lake: Lake) => readIn(lake, GOAL_QUERY)?.bytesRead ?? null;
  const lspJson = lsp(jsonLake);
  const lspOver = (lake: Lake) => {
    const x = lsp(lake);
    return lspJson !== null && x !== null && lspJson > 0 ? x / lspJson : null;
  };
  const lspRatio = lspOver(pqLake);
  const lspCompactedRatio = lspOver(compactedLake);
  const allRuns = figures.flatMap((f) => f.runs);
  const peakRss = allRuns.length === 0 ? null : Math.max(...allRuns.map((r) => r.peakRssMB));
  const overSed = (x: number) => (sed === null ? '-' : `${(x / sed.linesPerS).toFixed(1)}x`);
  const goals: string[][] = [
    ['goal', 'figure', 'status'],
    [
      `parse-only >= ${int(GOAL.parseLinesPerS)} lines/s (best of ${ROUNDS})`,
      int(parse.best.linesPerS),
      status(parse.best.linesPerS >= GOAL.parseLinesPerS),
    ],
    ['  (median)', int(parse.median.linesPerS), status(parse.median.linesPerS >= GOAL.parseLinesPerS)],
  ];
  for (const f of figures) {
    const r = goalRun(f);
    if (r === undefined) continue;
    goals.push([
      `ingest to ${FORMAT_NAME[f.format]} >= ${int(GOAL.ingestLinesPerS)} lines/s, ${r.oneCore ? '1 core' : `${machine.cores} cores (no 1-core run)`}`,
      int(r.linesPerS),
      status(r.linesPerS >= GOAL.ingestLinesPerS),
    ]);
  }
  for (const f of figures) {
    if (f.runs.length === 0) continue;
    const peak = Math.max(...f.runs.map((r) => r.peakRssMB));
    goals.push([
      `peak RSS <= ${GOAL.peakRssMB} MB, ingest to ${FORMAT_NAME[f.format]} (highest run)`,
      `${peak.toFixed(1)} MB`,
      status(peak <= GOAL.peakRssMB),
    ]);
  }
  const sizeGoal = (what: string, ratio: number | null) => [
    `Parquet bytes <= ${pct(GOAL.parquetOverJson)} of gzip JSON, ${what}`,
    ratio === null ? '-' : pct(ratio),
    status(ratio === null ? null : ratio <= GOAL.parquetOverJson),
  ];
  const readGoal = (what: string, ratio: number | null, lake: Lake) => [
    `${GOAL_QUERY} reads from ${what} <= 1/${1 / GOAL.lowSourcePortsReadRatio} of gzip JSON`,
    ratio === null ? '-' : `1/${(1 / ratio).toFixed(1)} (${bytesText(lsp(lake))} vs ${bytesText(lspJson)})`,
    status(ratio === null ? null : ratio <= GOAL.lowSourcePortsReadRatio),
  ];
  goals.push(
    sizeGoal('fresh parts', pqOverJson),
    sizeGoal(`compacted${compacted === null ? '' : ` (zstd ${compacted.level})`}`, compactedOverJson),
    readGoal('Parquet (fresh parts)', lspRatio, pqLake),
    readGoal('compacted Parquet', lspCompactedRatio, compactedLake),
    ['parse-only (best) / sed pipeline', overSed(parse.best.linesPerS), ''],
  );
  for (const f of figures) {
    const r = goalRun(f);
    if (r !== undefined)
      goals.push([
        `ingest to ${FORMAT_NAME[f.format]} (${r.oneCore ? '1 core' : 'all cores'}) / sed pipeline`,
        overSed(r.linesPerS),
        '',
      ]);
  }

  process.stdout.write(
    `fwlake bench, ${new Date().toISOString()}\n` +
      `machine  node ${machine.node}, ${machine.cpu}, ${machine.cores} cores, load ${machine.loadAvg1m.toFixed(2)} at start\n` +
      `input    ${file}: ${mb(bytes)} MB, ${int(lines)} lines; reference time ${new Date(referenceMs).toISOString()}${refNote}\n\n`,
  );
  const blocks = [
    table(rows),
    outRows.length > 1 ? table(outRows) : null,
    queriesRun ? table(qRows) : null,
    table(goals),
  ];
  process.stdout.write(`${blocks.filter((b) => b !== null).join('\n\n')}\n\nfigures also in ${RESULTS}\n`);

  await mkdir(WORK_DIR, { recursive: true });
  const results = {
    date: new Date().toISOString(),
    machine,
    input: { file, bytes, lines, referenceTime: new Date(referenceMs).toISOString() },
    parseOnly: parse,
    ingest: figures.flatMap((f) => f.runs),
    queries: Object.fromEntries(lakes.map((l) => [l.short, l.queries ?? { error: l.error }])),
    compact: pqFig?.compact?.run ?? (pqFig?.compact?.error ? { error: pqFig.compact.error } : null),
    sedPipeline: sed,
    goals: {
      targets: GOAL,
      parseOnlyMet: parse.best.linesPerS >= GOAL.parseLinesPerS,
      ingestLinesPerS: Object.fromEntries(figures.map((f) => [f.format, goalRun(f)?.linesPerS ?? null])),
      ingestMet: Object.fromEntries(
        figures.map((f) => [f.format, (goalRun(f)?.linesPerS ?? 0) >= GOAL.ingestLinesPerS]),
      ),
      ingestOneCore: modes.includes(true),
      peakRssMB: peakRss,
      peakRssMet: peakRss === null ? null : peakRss <= GOAL.peakRssMB,
      parquetOverJson: pqOverJson,
      parquetOverJsonMet: pqOverJson === null ? null : pqOverJson <= GOAL.parquetOverJson,
      compactedOverJson,
      compactedOverJsonMet: compactedOverJson === null ? null : compactedOverJson <= GOAL.parquetOverJson,
      lowSourcePortsReadRatio: lspRatio,
      lowSourcePortsReadMet: lspRatio === null ? null : lspRatio <= GOAL.lowSourcePortsReadRatio,
      lowSourcePortsCompactedReadRatio: lspCompactedRatio,
      lowSourcePortsCompactedReadMet:
        lspCompactedRatio === null ? null : lspCompactedRatio <= GOAL.lowSourcePortsReadRatio,
      parseOnlyOverSed: sed === null ? null : parse.best.linesPerS / sed.linesPerS,
      ingestOverSed:
        sed === null
          ? null
          : Object.fromEntries(figures.map((f) => [f.format, (goalRun(f)?.linesPerS ?? 0) / sed.linesPerS])),
    },
  };
  await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  const failed = lakes.filter((l) => l.error !== null).map((l) => `queries on ${l.label}`);
  if (pqFig?.compact?.error) failed.push('compaction');
  if (failed.length > 0) {
    process.stderr.write(`bench: failed: ${failed.join(', ')}\n`);
    return 1;
  }
  return 0;
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      lines: { type: 'string' },
      'reference-time': { type: 'string' },
      formats: { type: 'string', default: FORMATS.join(',') },
      'one-core-only': { type: 'boolean', default: false },
      'no-one-core': { type: 'boolean', default: false },
      'parse-lines': { type: 'string' },
      'skip-queries': { type: 'boolean', default: false },
      'skip-compact': { type: 'boolean', default: false },
      'skip-sed': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    process.stderr.write(`bench: ${e.message}\n`);
    if (e instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
