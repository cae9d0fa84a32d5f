/**
 * Runs the real `fwlake` command (bin/fwlake.mjs, the dist/cli.mjs bundle) in a
 * child process with bench/child-report.mjs preloaded, optionally pinned to one
 * CPU with taskset, and returns what it printed with its own report: time, peak
 * RSS and bytes read. A child of its own, so each figure is that command's
 * alone (not the runner's, which holds the whole input in memory).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'fwlake.mjs');
const PRELOAD = pathToFileURL(join(ROOT, 'bench', 'child-report.mjs')).href;

/** What bench/child-report.mjs writes at the child's exit. */
export interface ChildReport {
  ms: number;
  maxRssKiB: number;
  rchar: number | null;
  readBytes: number | null;
  exitCode: number;
}

export interface ChildRun {
  report: ChildReport;
  stdout: string;
  stderr: string;
  /** Spawn to exit, node's start-up included. */
  wallSecs: number;
}

/** Whether `taskset` (util-linux) can pin a process to CPU 0 here. */
export function canPinToOneCore(): boolean {
  return spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;
}

/**
 * `fwlake ARGS...` in a child; with oneCore, under `taskset -c 0`, so the
 * process and every thread it starts (libuv's pool, DuckDB's) share one CPU.
 * Throws when the command fails, with what it printed on stderr.
 */
export async function runFwlake(args: string[], opts: { oneCore?: boolean } = {}): Promise<ChildRun> {
  const tmp = await mkdtemp(join(os.tmpdir(), 'fwlake-bench-report-'));
  const reportFile = join(tmp, 'report.json');
  const node = [process.execPath, '--import', PRELOAD, BIN, ...args];
  const [cmd, ...argv] = opts.oneCore ? ['taskset', '-c', '0', ...node] : node;
  try {
    const t0 = performance.now();
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((res, rej) => {
      const child = spawn(cmd, argv, {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FWLAKE_BENCH_REPORT: reportFile },
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', rej);
      child.on('close', (c) =>
        res({ code: c, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
      );
    });
    const wallSecs = (performance.now() - t0) / 1000;
    if (code !== 0) {
      const why = stderr.trim().split('\n').slice(-3).join(' / ') || `exit code ${code}`;
      throw new Error(`fwlake ${args.slice(0, 2).join(' ')} failed: ${why}`);
    }
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as ChildReport;
    return { report, stdout, stderr, wallSecs };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
