/** `fwlake queries`, `fwlake query` and `fwlake sql`: the catalog and the engines that answer it. */
import { loadCatalog, shippedQueryDir } from '../adapters/catalog-files.ts';
import type { QueryEngine } from '../core/query-types.ts';
import { prepareSaved, runSaved } from '../core/run-saved.ts';
import { options, outputFormatter, UsageError } from './args.ts';

export async function sqlCommand(args: string[]): Promise<number> {
  const { values, positionals } = options(args);
  if (positionals.length !== 1) throw new UsageError('sql takes one quoted SQL statement');
  const formatter = outputFormatter(values.format as string | undefined);
  // The same engine and dialect layer as the saved queries: Trino SQL, UTC, Trino's integer division.
  const { DuckDbEngine } = await import('../adapters/duckdb-engine.ts');
  const engine = await DuckDbEngine.open((values.warehouse as string | undefined) ?? './warehouse');
  try {
    const res = await engine.run({ name: 'sql', sql: positionals[0], params: [] });
    process.stdout.write(`${formatter([...res.columns], res.rows as unknown[][])}\n`);
  } finally {
    await engine.close();
  }
  return 0;
}

/** The shipped catalog next to the entry point (entryDir), plus the user's folder. */
function catalogFor(entryDir: string, values: { queries?: string }) {
  const dirs = [shippedQueryDir(entryDir)];
  if (values.queries !== undefined) dirs.push(values.queries);
  return loadCatalog(dirs);
}

export function queriesCommand(args: string[], entryDir: string): number {
  const { values, positionals } = options(args);
  if (positionals.length > 0) throw new UsageError('queries takes no arguments');
  const catalog = catalogFor(entryDir, values as { queries?: string });
  const out: string[] = [
    'Parameters: --since, --until and --host as flags; the others as --param name=value.',
    '',
  ];
  for (const q of [...catalog.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    out.push(q.name, `  ${q.description}`);
    for (const p of q.params) {
      const def = p.defaultText === undefined ? ' (required)' : ` = ${p.defaultText}`;
      out.push(`    ${`${p.name} ${p.type}${def}`.padEnd(34)} ${p.doc}`);
    }
    out.push('');
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

export async function queryCommand(args: string[], entryDir: string): Promise<number> {
  const { values, positionals } = options(args);
  if (positionals.length !== 1) throw new UsageError('query takes one NAME (see "fwlake queries")');
  const v = values as Record<string, string | string[] | undefined>;
  const format = (v.format as string | undefined) ?? 'table';
  const formatter = outputFormatter(format);
  const queryArgs: Record<string, string> = {};
  for (const kv of (v.param as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param wants name=value, not "${kv}"`);
    queryArgs[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  for (const k of ['since', 'until', 'host'] as const)
    if (typeof v[k] === 'string') queryArgs[k] = v[k] as string;
  const catalog = catalogFor(entryDir, v as { queries?: string });
  // Check the query and its arguments before opening any engine.
  prepareSaved(catalog, positionals[0], queryArgs, Date.now());
  const engineName = (v.engine as string | undefined) ?? 'duckdb';
  const engine = await openEngine(engineName, v);
  try {
    const started = performance.now();
    const { result } = await runSaved(catalog, positionals[0], queryArgs, engine, Date.now());
    process.stdout.write(`${formatter([...result.columns], result.rows as unknown[][])}\n`);
    if (process.stderr.isTTY === true || format === 'table') {
      const scanned =
        result.bytesScanned === null ? '' : `, ${(result.bytesScanned / 1e6).toFixed(2)} MB scanned`;
      const secs = ((performance.now() - started) / 1000).toFixed(2);
      process.stderr.write(`${result.rows.length} rows (${engineName}${scanned}, ${secs} s)\n`);
    }
  } finally {
    await engine.close();
  }
  return 0;
}

async function openEngine(
  name: string,
  v: Record<string, string | string[] | undefined>,
): Promise<QueryEngine> {
  if (name === 'duckdb') {
    // DuckDB is a native addon: load it only when a command queries locally.
    const { DuckDbEngine } = await import('../adapters/duckdb-engine.ts');
    return DuckDbEngine.open((v.warehouse as string | undefined) ?? './warehouse');
  }
  if (name === 'athena') {
    const workGroup = (v.workgroup as string | undefined) ?? process.env.FWLAKE_WORKGROUP;
    if (!workGroup) throw new UsageError('--engine athena needs --workgroup (or FWLAKE_WORKGROUP)');
    const region =
      (v.region as string | undefined) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    const { AthenaClient } = await import('@aws-sdk/client-athena');
    const { AthenaEngine } = await import('../adapters/athena-engine.ts');
    return new AthenaEngine({
      client: new AthenaClient(region ? { region } : {}),
      workGroup,
      database: (v.database as string | undefined) ?? process.env.FWLAKE_DATABASE ?? 'fwlake',
    });
  }
  throw new UsageError(`--engine must be duckdb or athena, not "${name}"`);
}
