/**
 * Preloaded into each process the bench measures (`node --import child-report.mjs bin/fwlake.mjs ...`),
 * so the measured command is the real `fwlake` binary, unchanged. At exit it writes to the file named
 * by FWLAKE_BENCH_REPORT one JSON object:
 *
 *   { ms, maxRssKiB, rchar, readBytes, exitCode }
 *
 * ms: from this preload to exit (node's own start-up left out, the bundle's import included);
 * maxRssKiB: the process's peak resident set (VmHWM; see peakRssKiB); rchar / readBytes: /proc/self/io, bytes
 * passed through read()/pread() by every thread (page cache or not) and bytes fetched from the
 * block device (0 when the files are cached), or null off Linux.
 *
 * Plain .mjs, not .ts: a preload through tsx would slow every module the child loads.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const target = process.env.FWLAKE_BENCH_REPORT;
const started = performance.now();

/** One counter of /proc/self/io, or null where there is none. */
function ioCounter(text, name) {
  const m = text === null ? null : new RegExp(`^${name}: (\\d+)$`, 'm').exec(text);
  return m === null ? null : Number(m[1]);
}

/**
 * The process's own peak RSS: VmHWM from /proc/self/status. Not ru_maxrss: Linux carries it
 * across fork and exec, so a child of the bench started with the bench's own peak (~263 MB
 * while it held the parse-only lines) and every run reported that figure.
 */
function peakRssKiB() {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m !== null) return Number(m[1]);
  } catch {
    // Not Linux: ru_maxrss is the best there is.
  }
  return process.resourceUsage().maxRSS;
}

if (target) {
  process.on('exit', (exitCode) => {
    let io = null;
    try {
      io = readFileSync('/proc/self/io', 'utf8');
    } catch {
      // Not Linux, or no task I/O accounting: the byte figures are then null, and the bench says so.
    }
    writeFileSync(
      target,
      JSON.stringify({
        ms: performance.now() - started,
        maxRssKiB: peakRssKiB(),
        rchar: ioCounter(io, 'rchar'),
        readBytes: ioCounter(io, 'read_bytes'),
        exitCode,
      }),
    );
  });
}
