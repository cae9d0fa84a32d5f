/**
 * The Athena side of the QueryEngine contract: start a saved query with its
 * parameters as ExecutionParameters, poll until Athena settles it, then page
 * through the results and convert Athena's all-text cells into the same JS
 * values the DuckDB engine returns.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  type AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  type Row,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import {
  type BoundParam,
  type PreparedQuery,
  type QueryEngine,
  QueryFailedError,
  type QueryResult,
} from '../core/query-types.ts';

export interface AthenaEngineOptions {
  /** Injected so the Lambda can reuse one client across invocations and tests can mock it. */
  client: AthenaClient;
  workGroup: string;
  /** Glue database, e.g. `fwlake`. */
  database: string;
  /** Default `AwsDataCatalog`. */
  catalog?: string;
  /** s3:// result location; a workgroup that enforces its own configuration ignores it. */
  outputLocation?: string;
  /** First poll delay, default 200 ms; each later delay is x1.5 (minus a little jitter) up to pollMaxMs. */
  pollInitialMs?: number;
  /** Longest poll delay, default 2000 ms. */
  pollMaxMs?: number;
  /** From start until Athena reports a final state, default 300000 ms; past it the query is stopped. */
  timeoutMs?: number;
  /** Injectable for tests; the default is a timer that the signal cancels. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable clock for tests, default Date.now. */
  now?: () => number;
}

const DEFAULT_CATALOG = 'AwsDataCatalog';
const DEFAULT_POLL_INITIAL_MS = 200;
const DEFAULT_POLL_MAX_MS = 2000;
const DEFAULT_TIMEOUT_MS = 300_000;
const BACKOFF_FACTOR = 1.5;
/** Each delay is shortened by up to this fraction, so concurrent pollers drift apart without exceeding the cap. */
const JITTER = 0.1;
/** The most rows GetQueryResults returns per page. */
const PAGE_SIZE = 1000;

export class AthenaEngine implements QueryEngine {
  private readonly client: AthenaClient;
  private readonly options: AthenaEngineOptions;
  private readonly pollInitialMs: number;
  private readonly pollMaxMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(options: AthenaEngineOptions) {
    this.client = options.client;
    this.options = options;
    this.pollInitialMs = options.pollInitialMs ?? DEFAULT_POLL_INITIAL_MS;
    this.pollMaxMs = options.pollMaxMs ?? DEFAULT_POLL_MAX_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
  }

  async run(query: PreparedQuery, options: { signal?: AbortSignal } = {}): Promise<QueryResult> {
    const { signal } = options;
    signal?.throwIfAborted();
    const deadline = this.now() + this.timeoutMs;
    // Start is not raced against the signal: abandoning it mid-flight would leave a query
    // running whose id we never learn and so cannot stop. An abort is noticed right after.
    const id = await this.start(query);
    try {
      signal?.throwIfAborted();
      const execution = await this.waitForFinalState(query, id, deadline, signal);
      const { columns, types, rows } = await this.fetchResults(id, signal);
      const statistics = execution.Statistics;
      return {
        engine: 'athena',
        columns,
        types,
        rows,
        bytesScanned: statistics?.DataScannedInBytes ?? null,
        engineMs: statistics?.EngineExecutionTimeInMillis ?? null,
        executionId: id,
      };
    } catch (error) {
      if (signal?.aborted) {
        // The caller gave up: don't leave Athena scanning (and billing) for nobody.
        await this.stopQuietly(id);
        throw abortReason(signal);
      }
      throw error;
    }
  }

  /** Nothing to release: the client is injected and may be shared, so its owner destroys it. */
  async close(): Promise<void> {}

  private async start(query: PreparedQuery): Promise<string> {
    const output = await this.client.send(new StartQueryExecutionCommand(this.startInput(query)));
    if (output.QueryExecutionId === undefined) {
      throw new Error(`Athena returned no QueryExecutionId for query "${query.name}"`);
    }
    return output.QueryExecutionId;
  }

  private startInput(query: PreparedQuery): StartQueryExecutionCommandInput {
    const { workGroup, database, catalog, outputLocation } = this.options;
    // No ClientRequestToken of our own: the SDK generates a fresh one per send (so its own retries of
    // this Start don't run the query twice), while a fixed token would turn a user's retry into the old run.
    return {
      QueryString: query.sql,
      QueryExecutionContext: { Database: database, Catalog: catalog ?? DEFAULT_CATALOG },
      WorkGroup: workGroup,
      // Athena rejects an empty ExecutionParameters list, so a query without parameters sends none.
      ...(query.params.length > 0 ? { ExecutionParameters: query.params.map(toExecutionParameter) } : {}),
      ...(outputLocation !== undefined ? { ResultConfiguration: { OutputLocation: outputLocation } } : {}),
    };
  }

  /** Polls with backoff until SUCCEEDED (returned) or FAILED/CANCELLED/timeout (thrown). */
  private async waitForFinalState(
    query: PreparedQuery,
    id: string,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<QueryExecution> {
    let baseDelay = this.pollInitialMs;
    for (;;) {
      const remaining = deadline - this.now();
      if (remaining <= 0) {
        await this.stopQuietly(id);
        throw new QueryFailedError(
          `Athena query "${query.name}" timed out after ${this.timeoutMs} ms`,
          'TIMEOUT',
          id,
        );
      }
      // Sleep first: Athena queries seldom finish within the initial delay, so an
      // immediate poll would mostly spend API quota.
      await abortable(this.sleep(Math.min(jittered(baseDelay), remaining), signal), signal);
      baseDelay = Math.min(baseDelay * BACKOFF_FACTOR, this.pollMaxMs);
      const execution = await this.poll(id, signal);
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED') return execution!;
      if (state === 'FAILED' || state === 'CANCELLED') throw failure(query, id, state, execution!);
    }
  }

  /** One GetQueryExecution; undefined when throttled, so the caller just waits longer and asks again. */
  private async poll(id: string, signal: AbortSignal | undefined): Promise<QueryExecution | undefined> {
    try {
      const output = await abortable(
        this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
        signal,
      );
      return output.QueryExecution;
    } catch (error) {
      // The SDK retries throttling itself, but a busy account can exhaust those retries;
      // polling is idempotent, so a throttled poll is only a missed look, not a failure.
      if (isThrottling(error)) return undefined;
      throw error;
    }
  }

  private async fetchResults(
    id: string,
    signal: AbortSignal | undefined,
  ): Promise<{ columns: string[]; types: string[]; rows: unknown[][] }> {
    let columnInfo: ColumnInfo[] | undefined;
    let types: string[] = [];
    const rows: unknown[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await abortable(
        this.client.send(
          new GetQueryResultsCommand({
            QueryExecutionId: id,
            MaxResults: PAGE_SIZE,
            ...(nextToken !== undefined ? { NextToken: nextToken } : {}),
          }),
        ),
        signal,
      );
      let pageRows = page.ResultSet?.Rows ?? [];
      if (columnInfo === undefined) {
        columnInfo = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
        types = columnInfo.map(columnType);
        // Athena repeats the column names as the first row of the first page, and only there.
        pageRows = pageRows.slice(1);
      }
      for (const row of pageRows) rows.push(convertRow(row, types));
      nextToken = page.NextToken;
    } while (nextToken);
    return { columns: (columnInfo ?? []).map((c) => c.Name ?? ''), types, rows };
  }

  /** Best effort: the error the caller sees (timeout, abort) matters more than a failed stop. */
  private async stopQuietly(id: string): Promise<void> {
    try {
      await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    } catch {
      // Already finished, throttled or not permitted: nothing more this engine can do.
    }
  }
}

/**
 * Athena ExecutionParameters are SQL literal text: strings quoted with ' doubled, numbers as
 * written, booleans TRUE/FALSE, timestamps as a quoted string (the SQL casts them). Throws on
 * non-finite numbers.
 */
export function toExecutionParameter(p: BoundParam): string {
  switch (p.type) {
    case 'string':
    case 'timestamp':
      return quote(String(p.value));
    case 'int':
    case 'double':
      return numberLiteral(p);
    case 'boolean':
      if (typeof p.value !== 'boolean') throw new TypeError(`parameter ${p.name}: expected a boolean`);
      return p.value ? 'TRUE' : 'FALSE';
  }
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function numberLiteral(p: BoundParam): string {
  if (typeof p.value !== 'number' || !Number.isFinite(p.value)) {
    throw new TypeError(`parameter ${p.name}: expected a finite number, got ${String(p.value)}`);
  }
  if (p.type === 'int' && !Number.isInteger(p.value)) {
    throw new TypeError(`parameter ${p.name}: expected an integer, got ${p.value}`);
  }
  // JS writes large and tiny numbers as 1e+21; Trino's grammar spells the exponent with E.
  return String(p.value).replace('e', 'E');
}

/** Athena's type name, lower case (`varchar`, `bigint`, `array`, ...). */
function columnType(info: ColumnInfo): string {
  return (info.Type ?? 'varchar').toLowerCase();
}

function convertRow(row: Row, types: readonly string[]): unknown[] {
  const data = row.Data ?? [];
  return types.map((type, i) => {
    const text = data[i]?.VarCharValue;
    // Athena sends NULL as a Datum without VarCharValue ('' is an empty string).
    return text === undefined ? null : convertValue(text, type);
  });
}

/** Athena returns every cell as text; this gives it the JS type the QueryResult contract promises. */
function convertValue(text: string, type: string): unknown {
  // `decimal(10,2)` or `array(varchar)` convert like their base type.
  switch (type.split('(')[0].trim()) {
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
      return Number(text);
    case 'bigint':
      return bigintValue(text);
    case 'double':
    case 'real':
    case 'float':
    case 'decimal':
      return Number(text);
    case 'boolean':
      return text === 'true';
    case 'timestamp':
      return normaliseTimestamp(text);
    case 'array':
      return parseArray(text);
    default:
      return text;
  }
}

/** A number when exact, else the decimal text, since a double would silently round it. */
function bigintValue(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d*))?$/;

/** `yyyy-MM-dd HH:mm:ss.SSS`, whatever precision Athena printed (truncated, not rounded, like a cast). */
function normaliseTimestamp(text: string): string {
  const match = TIMESTAMP.exec(text);
  // Leave anything unexpected as Athena wrote it rather than guess.
  if (match === null) return text;
  const [, date, time, fraction = ''] = match;
  return `${date} ${time}.${fraction.padEnd(3, '0').slice(0, 3)}`;
}

/**
 * Athena prints arrays as `[a, b, c]` with no quoting, so elements come back as strings and an
 * element that itself contains `, ` cannot be told apart; the firewall schema's arrays (TCP
 * flags) never do.
 */
function parseArray(text: string): string[] | string {
  if (!text.startsWith('[') || !text.endsWith(']')) return text;
  const inner = text.slice(1, -1);
  return inner === '' ? [] : inner.split(', ');
}

function failure(
  query: PreparedQuery,
  id: string,
  state: 'FAILED' | 'CANCELLED',
  execution: QueryExecution,
): QueryFailedError {
  const reason = execution.Status?.StateChangeReason;
  const detail = execution.Status?.AthenaError?.ErrorMessage;
  // Athena often repeats the same text in both places; say it once.
  const parts = [reason, detail !== undefined && !reason?.includes(detail) ? detail : undefined].filter(
    (part): part is string => part !== undefined && part !== '',
  );
  const why = parts.length > 0 ? parts.join(': ') : 'no reason given';
  return new QueryFailedError(`Athena query "${query.name}" ${state.toLowerCase()}: ${why}`, state, id);
}

function jittered(ms: number): number {
  return Math.round(ms * (1 - Math.random() * JITTER));
}

function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const retryable = (error as { $retryable?: { throttling?: boolean } }).$retryable;
  return (
    error.name === 'ThrottlingException' ||
    error.name === 'TooManyRequestsException' ||
    retryable?.throttling === true
  );
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  // Cancellable so an abort doesn't keep the Lambda's event loop alive until the timer fires.
  return delay(ms, undefined, { signal });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Settles with work, or rejects as soon as the signal fires, whichever comes first. */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) {
    work.catch(() => {}); // abandoned: its outcome no longer matters
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
