/**
 * Loads saved queries from folders of `.sql` files: the shipped catalog and
 * any folder of the user's own, read the same way.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildCatalog, CatalogError, parseSavedQuery, type SavedQuery } from '../core/catalog.ts';

/** Every `*.sql` under the given folders (not recursive), parsed and checked as one catalog. */
export function loadCatalog(dirs: readonly string[]): Map<string, SavedQuery> {
  const queries: SavedQuery[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CatalogError(`no query folder at ${dir}`);
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith('.sql')) queries.push(parseSavedQuery(readFileSync(join(dir, f), 'utf8'), join(dir, f)));
    }
  }
  return buildCatalog(queries);
}

/**
 * The shipped catalog's folder, next to the running entry point: `functions/queries` when run
 * from source, `dist/queries` (or `dist/<function>/queries`) when bundled; the build copies it.
 */
export function shippedQueryDir(entryDir: string): string {
  return join(entryDir, 'queries');
}
