/**
 * The query Lambda: `{ "query": NAME, "params": { ... } }` in, rows and the
 * bytes Athena scanned out, or a clear error. Thin: the catalog, validation
 * and the Athena state machine live in core/ and adapters/.
 *
 * Environment: FWLAKE_WORKGROUP (required), FWLAKE_DATABASE (default fwlake).
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaEngine } from './adapters/athena-engine.ts';
import { loadCatalog, shippedQueryDir } from './adapters/catalog-files.ts';
import { type ArgValue, CatalogError } from './core/catalog.ts';
import { QueryFailedError } from './core/query-types.ts';
import { runSaved } from './core/run-saved.ts';

export interface QueryEvent {
  query?: unknown;
  params?: unknown;
}

export type QueryResponse =
  | {
      ok: true;
      query: string;
      columns: readonly string[];
      types: readonly string[];
      rows: readonly (readonly unknown[])[];
      bytesScanned: number | null;
      engineMs: number | null;
      executionId?: string;
    }
  | {
      ok: false;
      error: { kind: 'validation' | 'query-failed'; message: string; state?: string; executionId?: string };
    };

// Loaded once per container: the catalog ships inside the bundle's folder.
const catalog = loadCatalog([shippedQueryDir(dirname(fileURLToPath(import.meta.url)))]);
const client = new AthenaClient({});

export async function handler(event: QueryEvent): Promise<QueryResponse> {
  if (typeof event?.query !== 'string') return invalid('the event needs "query": the name of a saved query');
  const params = event.params ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return invalid('"params" must be an object of parameter names to values');
  }
  const workGroup = process.env.FWLAKE_WORKGROUP;
  if (!workGroup) throw new Error('FWLAKE_WORKGROUP is not set');
  const engine = new AthenaEngine({ client, workGroup, database: process.env.FWLAKE_DATABASE ?? 'fwlake' });
  try {
    const { result } = await runSaved(
      catalog,
      event.query,
      params as Record<string, ArgValue>,
      engine,
      Date.now(),
    );
    return {
      ok: true,
      query: event.query,
      columns: result.columns,
      types: result.types,
      rows: result.rows,
      bytesScanned: result.bytesScanned,
      engineMs: result.engineMs,
      executionId: result.executionId,
    };
  } catch (e) {
    if (e instanceof CatalogError) return invalid(e.message);
    if (e instanceof QueryFailedError) {
      return {
        ok: false,
        error: { kind: 'query-failed', message: e.message, state: e.state, executionId: e.executionId },
      };
    }
    throw e;
  }
}

function invalid(message: string): QueryResponse {
  return { ok: false, error: { kind: 'validation', message } };
}
