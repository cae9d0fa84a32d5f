/**
 * `npm run bench -- [FILE] [--lines N] [--reference-time ISO] [--skip-sed]`
 *
 * Prints the figures behind the speed goals; it never passes or fails on them
 * (timings on a shared 2-core machine vary by ±20%). Exits non-zero only when
 * something really failed: an unreadable file, a crashed child, a broken pipeline.
 *
 *   1. parse-only: parseLine over lines already in memory (the parser alone).
 *   2. end-to-end: `fwlake ingest` in a child process (read, parse, gzip, write), with its peak RSS.
 *   3. the operator's sed | grep | sort | uniq | column pipeline this project replaces.
 *
 * Without FILE it uses /tmp/fwlake-bench/kern-1m.log, generating it first
 * (bench/gen-kern-log.ts, fixed seed) when missing. The figures also go to
 * /tmp/fwlake-bench/results.json. MB = 10^6 bytes throughout.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type LineBatch, splitLines } from '../functions/core/lines.ts';
import { isQuarantined, type ParseOptions, parseLine } from '../functions/core/parse-line.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK_DIR = '/tmp/fwlake-bench';
const RESULTS = join(WORK_DIR, 'results.json');
const DEFAULT_LINES = 1_000_000;
const GEN_SEED = 1;
const WARMUP_LINES = 100_000;
const ROUNDS = 3;
const GOAL_PARSE_LINES_PER_S = 1_000_000;

/** The pipeline an operator ran before fwlake: prints PROTO DPT SPT SRC DST, sorted, deduplicated, aligned. */
const SED_EXPR = String.raw`s/.* \(SRC=[0-9.]\+ \).*\(DST=[0-9.]\+ \).*\(PROTO=[a-zA-Z]\+ \).*\(SPT=[0-9]\+ \).*\(DPT=[0-9]\+ \).*/\3 \5 \4 \1 \2/g`;

const USAGE = 'usage: npm run bench -- [FILE] [--lines N] [--reference-time ISO] [--skip-sed]';

class UsageError extends Error {}

interface Counts {
  records: number;
  skipped: number;
  quarantined: number;
}

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

/** All lines in memory, split exactly as the ingest splits them (with the bytes they came from, as the ingest has). */
async function readLines(file: string): Promise<LineBatch[]> {
  const batches: LineBatch[] = [];
  for await (const batch of splitLines(createReadStream(file, { highWaterMark: 1 << 20 })))
    batches.push(batch);
  return batches;
}

// ---------------------------------------------------------------- 1. parse-only

/** Parses the first n lines exactly as the ingest does (ingestLines), minus encoding and writing. */
function parseAll(batches: LineBatch[], n: number, opts: ParseOptions): Counts {
  const c: Counts = { records: 0, skipped: 0, quarantined: 0 };
  let lineNo = 0;
  for (const { lines, bytes, starts } of batches) {
    for (let i = 0; i < lines.length && lineNo < n; i++) {
      const r = parseLine(lines[i], ++lineNo, opts, bytes, starts[i]);
      if (r === null) c.skipped++;
      else if (isQuarantined(r)) c.quarantined++;
      else c.records++;
    }
  }
  return c;
}

async function parseOnly(file: string, bytes: number, referenceMs: number) {
  const batches = await readLines(file);
  const lines = { length: batches.reduce((n, b) => n + b.lines.length, 0) };
  const opts: ParseOptions = { referenceMs, sourceKey: basename(file), fallbackHost: null };
  // One warm-up round so the timed rounds run optimised code, not the interpreter.
  parseAll(batches, Math.min(WARMUP_LINES, lines.length), opts);
  const times: number[] = [];
  let counts: Counts = { records: 0, skipped: 0, quarantined: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    counts = parseAll(batches, lines.length, opts);
    times.push((performance.now() - t0) / 1000);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const rate = (secs: number) => ({ secs, linesPerS: lines.length / secs, mbPerS: bytes / 1e6 / secs });
  return {
    lines: lines.length,
    rounds: times,
    best: rate(sorted[0]),
    median: rate(sorted[sorted.length >> 1]),
    ...counts,
  };
}

// ---------------------------------------------------------------- 2. end-to-end

interface ChildReport {
  ms: number;
  stats: { lines: number; records: number; skipped: number; quarantined: number; partitions: number };
  bytesRead: number;
  files: number;
  gzipLevel: number;
  maxRssKiB: number;
}

async function sizeUnder(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  }
  return total;
}

async function endToEnd(file: string, bytes: number, referenceMs: number) {
  const warehouse = await mkdtemp(join(os.tmpdir(), 'fwlake-bench-warehouse-'));
  try {
    const t0 = performance.now();
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/ingest-child.ts', file, warehouse, String(referenceMs)],
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
    );
    const wallSecs = (performance.now() - t0) / 1000;
    if (child.error) throw child.error;
    if (child.status !== 0)
      throw new Error(`bench/ingest-child.ts exited with ${child.status ?? child.signal}`);
    const rep = JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildReport;
    const secs = rep.ms / 1000;
    const outBytes = await sizeUnder(warehouse);
    return {
      secs,
      wallSecs,
      linesPerS: rep.stats.lines / secs,
      mbPerS: bytes / 1e6 / secs,
      peakRssMB: (rep.maxRssKiB * 1024) / 1e6,
      outBytes,
      outBytesPer1MLines: (outBytes / rep.stats.lines) * 1e6,
      files: rep.files,
      gzipLevel: rep.gzipLevel,
      ...rep.stats,
    };
  } finally {
    await rm(warehouse, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- 3. sed pipeline

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

async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals.length > 1) throw new UsageError('at most one FILE');
  const given = positionals[0];
  if (given !== undefined && values.lines !== undefined) {
    throw new UsageError('--lines sizes the generated file; it does not apply to a FILE');
  }
  const lineCount = values.lines === undefined ? DEFAULT_LINES : Number(values.lines);
  if (!Number.isInteger(lineCount) || lineCount < 1)
    throw new UsageError(`--lines: not a count: "${values.lines}"`);
  const refText = values['reference-time'];
  const refGiven = refText === undefined ? null : Date.parse(refText);
  if (refGiven !== null && Number.isNaN(refGiven))
    throw new UsageError(`--reference-time: not a date/time: "${refText}"`);
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

  const machine = {
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    loadAvg1m: os.loadavg()[0],
  };
  process.stderr.write('parse-only...\n');
  const parse = await parseOnly(file, bytes, referenceMs);
  process.stderr.write('end-to-end ingest (child process)...\n');
  const ingest = await endToEnd(file, bytes, referenceMs);
  let sed: Awaited<ReturnType<typeof sedPipeline>> | null = null;
  if (!values['skip-sed']) {
    process.stderr.write('sed pipeline (slow; --skip-sed leaves it out)...\n');
    sed = await sedPipeline(file, parse.lines);
  }

  const rows: string[][] = [
    ['measurement', 'lines/s', 'MB/s', 'time', 'detail'],
    [
      `parse-only, best of ${ROUNDS}`,
      int(parse.best.linesPerS),
      parse.best.mbPerS.toFixed(1),
      secs(parse.best.secs),
      `${int(parse.lines)} lines: ${int(parse.records)} records, ${int(parse.skipped)} skipped, ${int(parse.quarantined)} quarantined`,
    ],
    [
      `parse-only, median`,
      int(parse.median.linesPerS),
      parse.median.mbPerS.toFixed(1),
      secs(parse.median.secs),
      '',
    ],
    [
      'end-to-end ingest',
      int(ingest.linesPerS),
      ingest.mbPerS.toFixed(1),
      secs(ingest.secs),
      `peak RSS ${ingest.peakRssMB.toFixed(1)} MB; wall ${secs(ingest.wallSecs)} incl. node start`,
    ],
    [
      '',
      '',
      '',
      '',
      `output ${mb(ingest.outBytes)} MB in ${ingest.files} files (${mb(ingest.outBytesPer1MLines)} MB per 1M lines, gzip ${ingest.gzipLevel}); ${int(ingest.partitions)} partitions`,
    ],
    sed === null
      ? ['sed pipeline', '-', '', '', 'skipped (--skip-sed)']
      : [
          'sed pipeline',
          int(sed.linesPerS),
          (bytes / 1e6 / sed.secs).toFixed(1),
          secs(sed.secs),
          `locale ${sed.locale}${sed.column ? '' : '; column not installed (bsdextrautils): timed without it'}`,
        ],
  ];
  const ratio = (x: number) => (sed === null ? '-' : `${(x / sed.linesPerS).toFixed(1)}x`);
  const goals: string[][] = [
    ['goal', 'figure', 'status'],
    [
      `parse-only >= ${int(GOAL_PARSE_LINES_PER_S)} lines/s (best)`,
      int(parse.best.linesPerS),
      parse.best.linesPerS >= GOAL_PARSE_LINES_PER_S ? 'met' : 'not met',
    ],
    [
      `  (median)`,
      int(parse.median.linesPerS),
      parse.median.linesPerS >= GOAL_PARSE_LINES_PER_S ? 'met' : 'not met',
    ],
    ['parse-only (best) / sed pipeline', ratio(parse.best.linesPerS), ''],
    ['end-to-end / sed pipeline', ratio(ingest.linesPerS), ''],
  ];
  process.stdout.write(
    `fwlake bench, ${new Date().toISOString()}\n` +
      `machine  node ${machine.node}, ${machine.cpu}, ${machine.cores} cores, load ${machine.loadAvg1m.toFixed(2)} at start\n` +
      `input    ${file}: ${mb(bytes)} MB, ${int(parse.lines)} lines; reference time ${new Date(referenceMs).toISOString()}${refNote}\n\n`,
  );
  process.stdout.write(`${table(rows)}\n\n${table(goals)}\n\nfigures also in ${RESULTS}\n`);

  await mkdir(WORK_DIR, { recursive: true });
  const results = {
    date: new Date().toISOString(),
    machine,
    input: { file, bytes, lines: parse.lines, referenceTime: new Date(referenceMs).toISOString() },
    parseOnly: parse,
    endToEnd: ingest,
    sedPipeline: sed,
    goals: {
      parseOnlyLinesPerS: GOAL_PARSE_LINES_PER_S,
      parseOnlyMet: parse.best.linesPerS >= GOAL_PARSE_LINES_PER_S,
      parseOnlyOverSed: sed === null ? null : parse.best.linesPerS / sed.linesPerS,
      endToEndOverSed: sed === null ? null : ingest.linesPerS / sed.linesPerS,
    },
  };
  await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      lines: { type: 'string' },
      'reference-time': { type: 'string' },
      'skip-sed': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

main(process.argv.slice(2)).catch((e: Error) => {
  process.stderr.write(`bench: ${e.message}\n`);
  if (e instanceof UsageError) process.stderr.write(`${USAGE}\n`);
  process.exitCode = e instanceof UsageError ? 2 : 1;
});
