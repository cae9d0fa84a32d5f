// Bundles the CLI and every Lambda entry point (functions/*.ts) with esbuild,
// and reports each bundle's size (a small bundle is a fast cold start).
import { cpSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  // Native addons cannot be bundled; the AWS SDK v3 is in the Lambda runtime but we bundle it
  // to pin the version we test against.
  external: ['@duckdb/node-api', '@duckdb/node-bindings*'],
  // ESM bundles need a require() for the CommonJS dependencies they inline.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
};

const entries = readdirSync('functions').filter((f) => f.endsWith('.ts'));
for (const f of entries) {
  const name = f.replace(/\.ts$/, '');
  const outfile = name === 'cli' ? 'dist/cli.mjs' : `dist/${name}/index.mjs`;
  if (name === 'cli') {
    // The CLI loads each command's adapters with import(): split into chunks, DuckDB's native
    // addon and the AWS SDK load only for the commands that use them. Bundled into one file,
    // every `fwlake ingest` paid ~0.2 s to link DuckDB's CommonJS module and dlopen its addon.
    await build({
      ...common,
      entryPoints: { cli: 'functions/cli.ts' },
      outdir: 'dist',
      splitting: true,
      chunkNames: 'cli-chunks/[name]-[hash]',
      outExtension: { '.js': '.mjs' },
    });
  } else await build({ ...common, entryPoints: [`functions/${f}`], outfile });
  // The saved-query catalog travels beside each bundle (entry points read <their folder>/queries).
  cpSync('functions/queries', join(dirname(outfile), 'queries'), { recursive: true });
  console.log(`built ${outfile} (${(statSync(outfile).size / 1024).toFixed(1)} KiB)`);
}
