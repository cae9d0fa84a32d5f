/**
 * The saved-query catalog: `.sql` files of Athena (Trino) SQL with a header
 * that names the query, says what it answers and declares its parameters.
 *
 *   -- name: low-source-ports
 *   -- description: Packets from source ports under a threshold, by source.
 *   -- param: since timestamp = -24h      start of the window (inclusive)
 *   -- param: until timestamp = now       end of the window (exclusive)
 *   -- param: max_port int = 1024         source ports below this
 *   SELECT ... WHERE spt < :max_port ...
 *
 * Parameters appear in the SQL as `:name` and are compiled to `?` with the
 * values in placeholder order, to be bound by the engine (Athena
 * ExecutionParameters, DuckDB prepared statements): never pasted into SQL.
 * Every timestamp parameter `x` also provides `x_dt` (yyyy-MM-dd) and
 * `x_hour` (HH), so a query can prune the `dt`/`hour` partitions.
 *
 * Pure: parsing, validation and binding; reading the files is an adapter's job.
 */
import type { BoundParam, ParamType, PreparedQuery } from './query-types.ts';

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  /** The default as written in the header (`-24h`, `now`, `1024`, `''`), or undefined when required. */
  readonly defaultText: string | undefined;
  readonly doc: string;
}

export interface SavedQuery {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** The SQL as written (with `:name` placeholders). */
  readonly sql: string;
  /** Where it came from, for messages. */
  readonly source: string;
}

/** A catalog or a parameter problem, reported before anything runs. */
export class CatalogError extends Error {
  override name = 'CatalogError';
}

const TYPES: readonly ParamType[] = ['string', 'int', 'double', 'boolean', 'timestamp'];
const NAME = /^[a-z][a-z0-9-]*$/;
const PARAM =
  /^([a-z][a-z0-9_]*)\s+(string|int|double|boolean|timestamp)(?:\s*=\s*('(?:[^']|'')*'|[a-z][a-z0-9_]*\s*-\s*\d+[smhdw]\b|\S+))?\s*(.*)$/;

/** Parses one `.sql` file. Throws CatalogError naming the file and the problem. */
export function parseSavedQuery(text: string, source: string): SavedQuery {
  let name: string | undefined;
  let description: string | undefined;
  const params: ParamSpec[] = [];
  const lines = text.split('\n');
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (!line.startsWith('--')) break;
    const m = /^--\s*(name|description|param):\s*(.*)$/.exec(line);
    if (m === null) continue; // an ordinary comment in the header
    const [, key, value] = m;
    if (key === 'name') name = value.trim();
    else if (key === 'description') description = value.trim();
    else {
      const p = PARAM.exec(value.trim());
      if (p === null)
        throw new CatalogError(
          `${source}: cannot read "-- param: ${value}" (want: name type [= default] doc)`,
        );
      const [, pname, ptype, pdefault, pdoc] = p;
      if (params.some((q) => q.name === pname))
        throw new CatalogError(`${source}: parameter ${pname} declared twice`);
      params.push({ name: pname, type: ptype as ParamType, defaultText: pdefault, doc: pdoc.trim() });
    }
  }
  if (name === undefined || !NAME.test(name))
    throw new CatalogError(`${source}: needs "-- name: kebab-case-name"`);
  if (!description) throw new CatalogError(`${source}: needs "-- description: what it answers"`);
  const sql = lines.slice(i).join('\n').trim().replace(/;\s*$/, '');
  if (sql === '') throw new CatalogError(`${source}: no SQL after the header`);
  const q: SavedQuery = { name, description, params, sql, source };
  // Defaults must be valid values, and every placeholder must be declared (and every declaration used).
  const now = Date.UTC(2000, 0, 1);
  for (const p of params) {
    if (p.defaultText === undefined) continue;
    const rel = relativeDefault(p);
    if (rel === null) parseValue(p, p.defaultText, now);
    else if (!params.slice(0, params.indexOf(p)).some((q) => q.name === rel.base && q.type === 'timestamp')) {
      throw new CatalogError(
        `${source}: ${p.name}'s default refers to ${rel.base}, not an earlier timestamp parameter`,
      );
    }
  }
  const declared = new Set(params.flatMap((p) => derivedNames(p)));
  const used = new Set(placeholders(sql).names);
  for (const u of used)
    if (!declared.has(u)) throw new CatalogError(`${source}: :${u} is used but not declared`);
  for (const p of params) {
    if (!derivedNames(p).some((n) => used.has(n)))
      throw new CatalogError(`${source}: parameter ${p.name} is never used`);
  }
  return q;
}

/** The names a parameter provides: itself, and for timestamps its partition day and hour. */
function derivedNames(p: ParamSpec): string[] {
  return p.type === 'timestamp' ? [p.name, `${p.name}_dt`, `${p.name}_hour`] : [p.name];
}

/** Checks a set of queries together: names must be unique. */
export function buildCatalog(queries: readonly SavedQuery[]): Map<string, SavedQuery> {
  const byName = new Map<string, SavedQuery>();
  for (const q of queries) {
    const other = byName.get(q.name);
    if (other !== undefined)
      throw new CatalogError(`query name ${q.name} is used by ${other.source} and ${q.source}`);
    byName.set(q.name, q);
  }
  return byName;
}

export type ArgValue = string | number | boolean | null | undefined;

/**
 * Binds arguments (from CLI flags or a Lambda event) to a query: applies
 * defaults, rejects unknown names and values of the wrong type with a clear
 * error, and compiles `:name` placeholders to `?`. `nowMs` resolves relative
 * times (`-24h`, `now`).
 */
export function prepare(
  q: SavedQuery,
  args: Readonly<Record<string, ArgValue>>,
  nowMs: number,
): PreparedQuery {
  for (const k of Object.keys(args)) {
    if (!q.params.some((p) => p.name === k) && args[k] !== undefined) {
      const known = q.params.map((p) => p.name).join(', ') || 'none';
      throw new CatalogError(`${q.name}: unknown parameter "${k}" (parameters: ${known})`);
    }
  }
  const values = new Map<string, BoundParam>();
  for (const p of q.params) {
    const given = args[p.name];
    const rel = given === undefined || given === null ? relativeDefault(p) : null;
    const text = given === undefined || given === null ? p.defaultText : given;
    if (text === undefined) throw new CatalogError(`${q.name}: parameter ${p.name} (${p.type}) is required`);
    // A default like `since - 7d` counts back from the value another parameter got.
    const value =
      rel === null
        ? parseValue(p, text, nowMs)
        : parseValue(p, rel.back, stampMs(values.get(rel.base)!.value as string));
    values.set(p.name, { name: p.name, type: p.type, value });
    if (p.type === 'timestamp') {
      const t = value as string;
      values.set(`${p.name}_dt`, { name: `${p.name}_dt`, type: 'string', value: t.slice(0, 10) });
      values.set(`${p.name}_hour`, { name: `${p.name}_hour`, type: 'string', value: t.slice(11, 13) });
    }
  }
  const { sql, names } = placeholders(q.sql);
  return { name: q.name, sql, params: names.map((n) => values.get(n)!) };
}

/** Turns one argument into its typed value, or throws CatalogError saying what was expected. */
export function parseValue(
  p: ParamSpec,
  v: string | number | boolean,
  nowMs: number,
): string | number | boolean {
  const bad = (what: string) =>
    new CatalogError(`parameter ${p.name}: expected ${what}, got ${JSON.stringify(v)}`);
  const text = typeof v === 'string' ? unquote(v.trim()) : v;
  switch (p.type) {
    case 'string':
      if (typeof text !== 'string') throw bad('text');
      return text;
    case 'int': {
      const n = typeof text === 'number' ? text : /^[-+]?\d+$/.test(String(text)) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(n)) throw bad('an integer');
      return n;
    }
    case 'double': {
      const n = typeof text === 'number' ? text : String(text).trim() === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(n)) throw bad('a number');
      return n;
    }
    case 'boolean':
      if (text === true || text === 'true') return true;
      if (text === false || text === 'false') return false;
      throw bad('true or false');
    case 'timestamp': {
      if (typeof text !== 'string') throw bad('a time (ISO 8601, or relative like -24h, 7d, now)');
      const ms = parseTime(text, nowMs);
      if (Number.isNaN(ms)) throw bad('a time (ISO 8601, or relative like -24h, 7d, now)');
      return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    }
  }
}

/** A timestamp default written relative to an earlier timestamp parameter: `since - 7d`. */
function relativeDefault(p: ParamSpec): { base: string; back: string } | null {
  if (p.type !== 'timestamp' || p.defaultText === undefined) return null;
  const m = /^([a-z][a-z0-9_]*)-(\d+(?:\.\d+)?[smhdw])$/.exec(p.defaultText.replaceAll(' ', ''));
  return m === null || m[1] === 'now' ? null : { base: m[1], back: `-${m[2]}` };
}

function stampMs(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith("'") && s.endsWith("'") ? s.slice(1, -1).replaceAll("''", "'") : s;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `now`, a duration back from now (`24h`, `-24h`, `90m`, `7d`, `2w`), or an ISO
 * 8601 date or date-time; a time without a zone is UTC.
 */
export function parseTime(text: string, nowMs: number): number {
  const t = text.trim();
  if (t === 'now') return nowMs;
  const rel = /^[-]?(\d+(?:\.\d+)?)([smhdw])$/.exec(t);
  if (rel !== null) return nowMs - Number(rel[1]) * UNIT_MS[rel[2]];
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(
    t,
  );
  if (iso === null) return Number.NaN;
  const [, day, time, zone] = iso;
  const z = zone === undefined ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = Date.parse(`${day}T${time ?? '00:00'}${z}`);
  // Date.parse rolls Feb 30 over into March: refuse dates that do not exist.
  if (Number.isNaN(ms) || (zone === undefined && new Date(ms).toISOString().slice(0, 10) !== day))
    return Number.NaN;
  return ms;
}

/**
 * `:name` placeholders in SQL order, replaced by `?`: outside string literals,
 * quoted identifiers and comments, and not the second colon of `::`.
 */
export function placeholders(sql: string): { sql: string; names: string[] } {
  const names: string[] = [];
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = closing(sql, i, c);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      const end = nl === -1 ? sql.length : nl;
      out += sql.slice(i, end);
      i = end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      const end = close === -1 ? sql.length : close + 2;
      out += sql.slice(i, end);
      i = end;
    } else if (c === ':' && sql[i - 1] !== ':' && sql[i + 1] !== ':' && /[a-z_]/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[a-z0-9_]/.test(sql[j])) j++;
      names.push(sql.slice(i + 1, j));
      out += '?';
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return { sql: out, names };
}

/** Index just past the literal or quoted identifier starting at i (a doubled quote stays inside). */
function closing(sql: string, i: number, q: string): number {
  let j = i + 1;
  while (j < sql.length) {
    if (sql[j] === q) {
      if (sql[j + 1] === q) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}

export { TYPES as PARAM_TYPES };
