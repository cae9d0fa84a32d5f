/**
 * The contract between the saved-query catalog and the engines that run it
 * (DuckDB locally, Athena in AWS). Queries are Athena (Trino) SQL with `?`
 * placeholders; parameters travel separately, typed, in placeholder order,
 * and are never pasted into the SQL text.
 */

export type ParamType = 'string' | 'int' | 'double' | 'boolean' | 'timestamp';

export interface BoundParam {
  /** The parameter's name in the catalog (for messages). */
  readonly name: string;
  readonly type: ParamType;
  /** string: any text; int/double: a finite number; boolean; timestamp: `yyyy-MM-dd HH:mm:ss.SSS` (UTC). */
  readonly value: string | number | boolean;
}

export interface PreparedQuery {
  /** Catalog name, e.g. `low-source-ports`. */
  readonly name: string;
  /** Trino SQL with one `?` per entry of params, in order. */
  readonly sql: string;
  readonly params: readonly BoundParam[];
}

export interface QueryResult {
  readonly engine: 'duckdb' | 'athena';
  readonly columns: readonly string[];
  /** Engine type names, lower case (`varchar`, `bigint`, `timestamp`, `array(varchar)`, ...). */
  readonly types: readonly string[];
  /**
   * Rows as JS values, the same for both engines: integers and doubles as numbers (bigint beyond
   * 2^53 as a decimal string), booleans, timestamps as `yyyy-MM-dd HH:mm:ss.SSS` text, arrays as
   * arrays, NULL as null.
   */
  readonly rows: readonly (readonly unknown[])[];
  /** Bytes the engine read (Athena's DataScannedInBytes); null where the engine does not say. */
  readonly bytesScanned: number | null;
  /** Engine execution time in ms (Athena's EngineExecutionTimeInMillis, or wall time locally). */
  readonly engineMs: number | null;
  /** The engine's own id for the run (Athena QueryExecutionId), when it has one. */
  readonly executionId?: string;
}

export interface QueryEngine {
  run(query: PreparedQuery, options?: { signal?: AbortSignal }): Promise<QueryResult>;
  close(): Promise<void>;
}

/** A query the engine ran and that failed or was cancelled, with the engine's reason. */
export class QueryFailedError extends Error {
  constructor(
    message: string,
    readonly state: 'FAILED' | 'CANCELLED' | 'TIMEOUT',
    readonly executionId?: string,
  ) {
    super(message);
    this.name = 'QueryFailedError';
  }
}
