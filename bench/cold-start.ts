/**
 * Cold start of each Lambda bundle, measured locally: the bundle's size and
 * the time a fresh Node process takes to import it (module evaluation, what
 * a Lambda cold start pays before the first event), median of 5 processes.
 *
 *   npm run build && npm run bench:cold
 *
 * Lambda also loads the AWS SDK from its runtime, which the CDK bundles leave
 * out and `npm run build` bundles in: the figures here are an upper bound.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DIST = 'dist';
const RUNS = 5;

// Runs in the child: time one import of the bundle, print ms.
const CHILD = `
process.env.FWLAKE_WORKGROUP ??= 'fwlake';
process.env.AWS_REGION ??= 'us-east-1';
process.env.LAKE_BUCKET ??= 'lake';
const t = performance.now();
await import(process.argv[1]);
process.stdout.write(String(performance.now() - t));
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

if (!existsSync(DIST)) throw new Error('no dist/: run "npm run build" first');
const rows: string[][] = [['bundle', 'size KiB', 'import ms (median of 5)']];
for (const name of readdirSync(DIST).sort()) {
  const file = join(DIST, name, 'index.mjs');
  if (!existsSync(file)) continue;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', CHILD, join(process.cwd(), file)],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    times.push(Number(out));
  }
  rows.push([name, (statSync(file).size / 1024).toFixed(1), median(times).toFixed(0)]);
}
const width = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows)
  console.log(r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  '));
