/**
 * The local QueryEngine: embedded DuckDB over a warehouse folder, running the
 * saved queries' Trino SQL through the dialect layer (settings, macros,
 * toDuckDb) with the parameters bound to a prepared statement, never pasted
 * into the SQL. Values come back in the contract's JS conventions, the same
 * as the Athena engine's.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DuckDBArrayValue,
  type DuckDBConnection,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBListValue,
  DuckDBMapValue,
  type DuckDBPreparedStatement,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUnionValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import { DUCKDB_MACROS, DUCKDB_SETTINGS, toDuckDb } from '../core/dialect.ts';
import { COMPACTED_PREFIX, JSON_PREFIX, PARQUET_PREFIX } from '../core/lake-layout.ts';
import {
  type BoundParam,
  type PreparedQuery,
  type QueryEngine,
  QueryFailedError,
  type QueryResult,
} from '../core/query-types.ts';
import { createWarehouseView } from './duckdb-warehouse.ts';

export class DuckDbEngine implements QueryEngine {
  /** Runs are serialised: one connection, one statement at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** The view open() made is current for the first query only. */
  private viewCurrent = true;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly warehouseDir: string,
  ) {}

  /**
   * An in-memory DuckDB with the `firewall` view over `warehouseDir`, its
   * session in UTC and the Trino shims in place.
   */
  static async open(warehouseDir: string): Promise<DuckDbEngine> {
    // Records may be in any of the three folders (JSON lines, Parquet, compacted).
    if (![JSON_PREFIX, PARQUET_PREFIX, COMPACTED_PREFIX].some((f) => existsSync(join(warehouseDir, f)))) {
      throw new Error(
        `no ${JSON_PREFIX}/ folder (nor ${PARQUET_PREFIX}/, ${COMPACTED_PREFIX}/) in the warehouse ${warehouseDir}: run "fwlake ingest FILE --warehouse ${warehouseDir}" first`,
      );
    }
    // TimeZone is set by DUCKDB_SETTINGS: as a creation option it fails, icu (built in) is not loaded yet then.
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      for (const sql of [...DUCKDB_SETTINGS, ...DUCKDB_MACROS]) await conn.run(sql);
      try {
        await createWarehouseView(conn, warehouseDir);
      } catch (e) {
        throw new Error(
          `cannot read the warehouse ${warehouseDir} (${firstLine(e)}): run "fwlake ingest FILE --warehouse ${warehouseDir}" first`,
        );
      }
    } catch (e) {
      conn.closeSync();
      instance.closeSync();
      throw e;
    }
    return new DuckDbEngine(instance, conn, warehouseDir);
  }

  run(query: PreparedQuery, options?: { signal?: AbortSignal }): Promise<QueryResult> {
    const result = this.queue.then(() => this.runNow(query, options?.signal));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runNow(query: PreparedQuery, signal: AbortSignal | undefined): Promise<QueryResult> {
    if (this.closed) throw new Error('the DuckDB engine is closed');
    if (signal?.aborted)
      throw new QueryFailedError(`${query.name}: cancelled before it started`, 'CANCELLED');
    const started = performance.now();
    const failed = (e: unknown) =>
      signal?.aborted
        ? new QueryFailedError(`${query.name}: cancelled`, 'CANCELLED')
        : new QueryFailedError(`${query.name}: ${e instanceof Error ? e.message : String(e)}`, 'FAILED');
    const interrupt = () => this.conn.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    let prepared: DuckDBPreparedStatement | undefined;
    try {
      // The view names the warehouse's files as they were when it was made: remade for every query
      // after the first, so parts ingested and hours compacted since are seen.
      if (!this.viewCurrent)
        await createWarehouseView(this.conn, this.warehouseDir).catch((e) => {
          throw failed(e);
        });
      this.viewCurrent = false;
      prepared = await this.conn.prepare(toDuckDb(query.sql)).catch((e) => {
        throw failed(e);
      });
      if (prepared.parameterCount !== query.params.length) {
        throw new Error(
          `${query.name}: the SQL has ${prepared.parameterCount} placeholders but ${query.params.length} parameters were given`,
        );
      }
      for (const [i, p] of query.params.entries()) bindParam(prepared, i + 1, p);
      const reader = await prepared.runAndReadAll().catch((e) => {
        throw failed(e);
      });
      return {
        engine: 'duckdb',
        // Trino folds names to lower case (quoted ones too); so do we, so both engines name columns alike.
        columns: reader.columnNames().map((c) => c.toLowerCase()),
        types: reader.columnTypes().map((t) => t.toString().toLowerCase()),
        rows: reader.getRows().map((row) => row.map(toJs)),
        bytesScanned: null,
        engineMs: Math.round(performance.now() - started),
      };
    } finally {
      signal?.removeEventListener('abort', interrupt);
      prepared?.destroySync();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/** Binds one parameter by its declared type; a timestamp goes as text, which the SQL casts. */
function bindParam(prepared: DuckDBPreparedStatement, index: number, p: BoundParam): void {
  const wrongType = () =>
    new TypeError(`parameter ${p.name}: ${p.type} expected, got ${JSON.stringify(p.value)}`);
  switch (p.type) {
    case 'string':
    case 'timestamp':
      if (typeof p.value !== 'string') throw wrongType();
      prepared.bindVarchar(index, p.value);
      return;
    case 'int':
      if (typeof p.value !== 'number' || !Number.isSafeInteger(p.value)) throw wrongType();
      prepared.bindBigInt(index, BigInt(p.value));
      return;
    case 'double':
      if (typeof p.value !== 'number' || !Number.isFinite(p.value)) throw wrongType();
      prepared.bindDouble(index, p.value);
      return;
    case 'boolean':
      if (typeof p.value !== 'boolean') throw wrongType();
      prepared.bindBoolean(index, p.value);
      return;
    default:
      throw new TypeError(`parameter ${p.name}: unknown type ${String((p as BoundParam).type)}`);
  }
}

/** `yyyy-MM-dd HH:mm:ss.SSS` of milliseconds since the epoch (UTC). */
function formatMillis(ms: bigint): string {
  const d = new Date(Number(ms));
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().replace('T', ' ').replace('Z', '');
}

/** Floor division of bigints (BigInt `/` truncates toward zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

const safeBigint = (v: bigint): number | string =>
  v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();

/**
 * One DuckDB value in the contract's JS form: integers as numbers (beyond
 * 2^53 as decimal text), DECIMAL as a number, timestamps as
 * `yyyy-MM-dd HH:mm:ss.SSS` (UTC), dates as `yyyy-MM-dd`, lists and arrays
 * as arrays, structs and maps as objects, anything else as DuckDB's text.
 */
export function toJs(v: DuckDBValue): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return safeBigint(v);
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map(toJs);
  if (v instanceof DuckDBDecimalValue) return v.toDouble();
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) {
    return v.isFinite ? formatMillis(floorDiv(v.micros, 1000n)) : v.toString();
  }
  if (v instanceof DuckDBTimestampMillisecondsValue)
    return v.isFinite ? formatMillis(v.millis) : v.toString();
  if (v instanceof DuckDBTimestampSecondsValue)
    return v.isFinite ? formatMillis(v.seconds * 1000n) : v.toString();
  if (v instanceof DuckDBTimestampNanosecondsValue) {
    return v.isFinite ? formatMillis(floorDiv(v.nanos, 1_000_000n)) : v.toString();
  }
  if (v instanceof DuckDBDateValue)
    return v.isFinite ? formatMillis(BigInt(v.days) * 86_400_000n).slice(0, 10) : v.toString();
  if (v instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(v.entries).map(([k, x]) => [k, toJs(x)]));
  }
  if (v instanceof DuckDBMapValue)
    return Object.fromEntries(v.entries.map((e) => [String(toJs(e.key)), toJs(e.value)]));
  if (v instanceof DuckDBUnionValue) return toJs(v.value);
  return v.toString();
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
