/**
 * Runs one saved query by name: look it up, bind and check the arguments,
 * hand it to an engine. Shared by the CLI and the query Lambda, so both
 * validate the same way before anything runs.
 */
import { type ArgValue, CatalogError, prepare, type SavedQuery } from './catalog.ts';
import type { PreparedQuery, QueryEngine, QueryResult } from './query-types.ts';

export interface SavedRun {
  readonly query: SavedQuery;
  readonly prepared: PreparedQuery;
  readonly result: QueryResult;
}

/** The query and its bound form, or a CatalogError for an unknown name or bad arguments. */
export function prepareSaved(
  catalog: ReadonlyMap<string, SavedQuery>,
  name: string,
  args: Readonly<Record<string, ArgValue>>,
  nowMs: number,
): { query: SavedQuery; prepared: PreparedQuery } {
  const query = catalog.get(name);
  if (query === undefined) {
    throw new CatalogError(`no saved query "${name}" (known: ${[...catalog.keys()].sort().join(', ')})`);
  }
  return { query, prepared: prepare(query, args, nowMs) };
}

export async function runSaved(
  catalog: ReadonlyMap<string, SavedQuery>,
  name: string,
  args: Readonly<Record<string, ArgValue>>,
  engine: QueryEngine,
  nowMs: number,
  signal?: AbortSignal,
): Promise<SavedRun> {
  const { query, prepared } = prepareSaved(catalog, name, args, nowMs);
  const result = await engine.run(prepared, { signal });
  return { query, prepared, result };
}
