/**
 * Runs a few lines of code against a project module in a child node with V8 flags of its own
 * (`--trace-opt`, `--trace-protector-invalidation`, ...), for tests of what V8 does with the
 * shipped code rather than what the code returns. The module is bundled by esbuild first, as
 * the CLI and the Lambdas ship it: tsx, the TypeScript loader, itself detaches an ArrayBuffer
 * as it loads a file, which changes how V8 compiles typed-array code.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const run = promisify(execFile);

/**
 * Runs `code` (an ES module with `entries`, .ts files, imported together as `m`) under `flags`;
 * returns its stdout and stderr.
 */
export async function runInV8Child(
  entries: string | readonly string[],
  flags: readonly string[],
  code: string,
): Promise<string> {
  const files = typeof entries === 'string' ? [entries] : entries;
  const dir = await mkdtemp(join(tmpdir(), 'fwlake-v8-'));
  try {
    const bundle = join(dir, 'entry.mjs');
    await build({
      stdin: {
        contents: files.map((f) => `export * from ${JSON.stringify(f)};`).join('\n'),
        resolveDir: dir,
      },
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: bundle,
      logLevel: 'silent',
    });
    const script = `import * as m from ${JSON.stringify(pathToFileURL(bundle).href)};\n${code}`;
    const { stdout, stderr } = await run(process.execPath, [...flags, '--input-type=module', '-e', script], {
      maxBuffer: 64 << 20,
    });
    return stdout + stderr;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
