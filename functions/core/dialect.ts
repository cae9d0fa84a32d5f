/**
 * The dialect layer: saved queries are Athena (Trino) SQL, and DuckDB runs
 * them unchanged through three things defined here.
 *
 * - DUCKDB_SETTINGS: session settings that make DuckDB's operators behave
 *   like Trino's (UTC, integer division).
 * - DUCKDB_MACROS: macros named like the Trino functions DuckDB lacks or
 *   means differently (a macro shadows a DuckDB built-in of the same name),
 *   plus `trino_*` helpers the rewrites below call.
 * - toDuckDb(sql): renames the calls a macro cannot take over (varargs
 *   `format`, a shim that must call the DuckDB built-in of the same name),
 *   outside strings, quoted identifiers and comments.
 *
 * functionsUsed / uncoveredFunctions let the catalog reject a query that calls
 * a function nobody checked on both engines. Every entry of
 * TRINO_FUNCTIONS_OK and every shim is tested on DuckDB against the answer
 * Trino gives (test/core/dialect.test.ts).
 *
 * Pure: no DuckDB import.
 */

/**
 * Session settings for DuckDB, run before the macros.
 * - TimeZone UTC: TIMESTAMP WITH TIME ZONE casts and `from_iso8601_timestamp`
 *   read offset-less text as UTC, as Athena's session does.
 * - integer_division: Trino's `7 / 2` is 3 (integer division, truncated
 *   toward zero); DuckDB's `/` gives 3.5 unless this is set.
 */
export const DUCKDB_SETTINGS: readonly string[] = ["SET TimeZone = 'UTC'", 'SET integer_division = true'];

/**
 * Trino `date_format` specifiers (MySQL style) and their DuckDB strftime
 * equivalents. Trino rejects %D %U %u %V %w %X; so does the
 * shim (with an error), rather than giving DuckDB's different meaning.
 */
export const DATE_FORMAT_SPECIFIERS: readonly (readonly [trino: string, duckdb: string])[] = [
  ['%%', '%%'], // literal %
  ['%a', '%a'], // abbreviated weekday (Sun..Sat)
  ['%b', '%b'], // abbreviated month (Jan..Dec)
  ['%c', '%-m'], // month, numeric (1..12)
  ['%d', '%d'], // day of month, 2 digits (01..31)
  ['%e', '%-d'], // day of month, numeric (1..31)
  ['%f', '%f'], // fraction of second, 6 digits (microseconds)
  ['%H', '%H'], // hour 00..23
  ['%h', '%I'], // hour 01..12
  ['%I', '%I'], // hour 01..12
  ['%i', '%M'], // minutes 00..59
  ['%j', '%j'], // day of year 001..366
  ['%k', '%-H'], // hour 0..23
  ['%l', '%-I'], // hour 1..12
  ['%M', '%B'], // month name (January..December)
  ['%m', '%m'], // month, 2 digits (01..12)
  ['%p', '%p'], // AM or PM
  ['%r', '%I:%M:%S %p'], // time, 12-hour
  ['%S', '%S'], // seconds 00..59
  ['%s', '%S'], // seconds 00..59
  ['%T', '%H:%M:%S'], // time, 24-hour
  ['%v', '%V'], // ISO week 01..53 (Monday first)
  ['%W', '%A'], // weekday name (Sunday..Saturday)
  ['%x', '%G'], // ISO week-year, 4 digits
  ['%Y', '%Y'], // year, 4 digits
  ['%y', '%y'], // year, 2 digits
];

/**
 * SQL expression translating the Trino format string `fmt` into a DuckDB one:
 * first every Trino specifier becomes a private-use character (so no output
 * of one replacement is read by the next), then each character becomes the
 * DuckDB specifier. `check` is the first stage, for the unsupported-specifier test.
 */
function translateFormat(fmt: string): { check: string; translated: string } {
  const marker = (i: number) => `chr(${0xe000 + i})`;
  let check = fmt;
  DATE_FORMAT_SPECIFIERS.forEach(([trino], i) => {
    check = `replace(${check}, '${trino}', ${marker(i)})`;
  });
  let translated = check;
  DATE_FORMAT_SPECIFIERS.forEach(([, duck], i) => {
    translated = `replace(${translated}, ${marker(i)}, '${duck}')`;
  });
  return { check, translated };
}

function dateFormatMacro(): string {
  const { check, translated } = translateFormat('fmt');
  return (
    `CREATE OR REPLACE MACRO date_format(ts, fmt) AS CASE WHEN regexp_matches(${check}, '%[DUuVwX]') ` +
    `THEN error('date_format: %D %U %u %V %w %X are not supported (as in Trino)') ELSE strftime(ts, ${translated}) END`
  );
}

interface Shim {
  /** The Trino function names (lower case) the macro gives DuckDB; empty for rewrite helpers. */
  readonly trino: readonly string[];
  /** What Trino does, and how the macro matches it. */
  readonly doc: string;
  /** The CREATE MACRO statement(s). */
  readonly sql: string | readonly string[];
}

const SHIMS: readonly Shim[] = [
  {
    trino: ['approx_distinct'],
    doc: 'Trino: approximate count of distinct non-null values (HyperLogLog, 2.3% standard error; the optional second argument sets the error). DuckDB: the exact count, which is what Trino returns on small data.',
    sql: 'CREATE OR REPLACE MACRO approx_distinct(x) AS count(DISTINCT x), (x, e) AS count(DISTINCT x)',
  },
  {
    trino: ['arbitrary'],
    doc: "Trino: an arbitrary non-null value of the group. DuckDB's own arbitrary is first(), which returns NULL when the first row is NULL; any_value skips NULLs.",
    sql: 'CREATE OR REPLACE MACRO arbitrary(x) AS any_value(x)',
  },
  {
    trino: ['regexp_like'],
    doc: 'Trino: true when the pattern matches anywhere in the string (not anchored). DuckDB regexp_matches is the same; DuckDB uses RE2 (no backreferences or lookaround), Trino Java-style regexes.',
    sql: 'CREATE OR REPLACE MACRO regexp_like(s, p) AS regexp_matches(s, p)',
  },
  {
    trino: ['cardinality'],
    doc: "Trino: number of elements of an array. Shadows DuckDB's map-only cardinality: map arguments are not supported locally.",
    sql: 'CREATE OR REPLACE MACRO cardinality(a) AS len(a)',
  },
  {
    trino: ['element_at'],
    doc: "Trino: array element at a 1-based index, negative counting from the end, NULL beyond either end, an error for 0. DuckDB list_extract does the same except 0 (NULL). Shadows DuckDB's map element_at: arrays only locally.",
    sql: "CREATE OR REPLACE MACRO element_at(a, i) AS CASE WHEN i = 0 THEN error('SQL array indices start at 1') ELSE list_extract(a, i) END",
  },
  {
    trino: ['array_join'],
    doc: "Trino: the array's elements as text joined by the delimiter, NULL elements skipped, or replaced by the third argument. DuckDB has no array_join; array_to_string skips NULLs the same way.",
    sql:
      'CREATE OR REPLACE MACRO array_join(a, sep) AS array_to_string(a, sep), ' +
      '(a, sep, nullrep) AS array_to_string(list_transform(a, lambda x: coalesce(CAST(x AS VARCHAR), nullrep)), sep)',
  },
  {
    trino: ['from_iso8601_timestamp'],
    doc: 'Trino: parses ISO 8601 text (`2026-09-17T22:26:23.456Z`, `+02:00`, no offset: session zone) to a timestamp with time zone. Here: the same instant as a UTC TIMESTAMP (offsets honoured, no offset read as UTC); shown without the zone.',
    sql: "CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS timezone('UTC', CAST(s AS TIMESTAMPTZ))",
  },
  {
    trino: ['from_iso8601_date'],
    doc: 'Trino: parses an ISO 8601 date (`2026-09-17`) to a DATE.',
    sql: 'CREATE OR REPLACE MACRO from_iso8601_date(s) AS CAST(s AS DATE)',
  },
  {
    trino: ['to_unixtime'],
    doc: 'Trino: seconds since 1970-01-01 UTC as DOUBLE, with the milliseconds as the fraction (a TIMESTAMP read in the session zone, UTC). DuckDB epoch() is the same.',
    sql: 'CREATE OR REPLACE MACRO to_unixtime(ts) AS epoch(ts)',
  },
  {
    trino: ['date_format'],
    doc: 'Trino: formats a timestamp with MySQL specifiers (%Y-%m-%d %H:%i:%s). Here: strftime with the specifiers of DATE_FORMAT_SPECIFIERS translated; DuckDB needs the format to be a literal, not a column.',
    sql: dateFormatMacro(),
  },
  {
    trino: ['date_add'],
    doc: "Trino: date_add(unit, n, ts) adds n units (millisecond, second, minute, hour, day, week, month, quarter, year; month end clamped). Shadows DuckDB's two-argument date_add(ts, interval).",
    sql:
      'CREATE OR REPLACE MACRO date_add(unit, n, ts) AS ts + CASE lower(unit) ' +
      "WHEN 'millisecond' THEN to_milliseconds(n) WHEN 'second' THEN to_seconds(n) " +
      "WHEN 'minute' THEN to_minutes(n) WHEN 'hour' THEN to_hours(n) WHEN 'day' THEN to_days(n) " +
      "WHEN 'week' THEN to_weeks(n) WHEN 'month' THEN to_months(n) WHEN 'quarter' THEN to_months(3 * n) " +
      "WHEN 'year' THEN to_years(n) ELSE error('date_add: unsupported unit ' || unit) END",
  },
  {
    trino: ['day_of_week', 'dow'],
    doc: "Trino: ISO day of the week, Monday 1 to Sunday 7 (DuckDB's dayofweek is Sunday 0; isodow matches).",
    sql: [
      'CREATE OR REPLACE MACRO day_of_week(x) AS isodow(x)',
      'CREATE OR REPLACE MACRO dow(x) AS isodow(x)',
    ],
  },
  {
    trino: ['day_of_year', 'doy'],
    doc: 'Trino: day of the year, 1 to 366.',
    sql: [
      'CREATE OR REPLACE MACRO day_of_year(x) AS dayofyear(x)',
      'CREATE OR REPLACE MACRO doy(x) AS dayofyear(x)',
    ],
  },
  {
    trino: ['substr'],
    doc: "Trino: substring from a 1-based start (negative: from the end) of an optional length; '' when the start is 0 or before the beginning, or the length is not positive. DuckDB's substring clamps those cases instead ('hello' for substr('hello', 0)).",
    sql:
      "CREATE OR REPLACE MACRO substr(s, i) AS CASE WHEN i = 0 OR i < -length(s) THEN '' ELSE substring(s, i) END, " +
      "(s, i, n) AS CASE WHEN i = 0 OR i < -length(s) OR n <= 0 THEN '' ELSE substring(s, i, n) END",
  },
  // Helpers the rewrites of toDuckDb call: they need the DuckDB built-in of the Trino name.
  {
    trino: [],
    doc: "For regexp_extract (rewritten): Trino returns NULL when the pattern does not match; DuckDB's regexp_extract returns ''.",
    sql:
      'CREATE OR REPLACE MACRO trino_regexp_extract(s, p) AS CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p, 0) END, ' +
      '(s, p, g) AS CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p, g) END',
  },
  {
    trino: [],
    doc: "For regexp_replace (rewritten): Trino replaces every match and writes groups as $1; DuckDB replaces the first match unless 'g' and writes groups as \\1. Without a replacement, Trino removes the matches.",
    sql:
      "CREATE OR REPLACE MACRO trino_regexp_replace(s, p) AS regexp_replace(s, p, '', 'g'), " +
      "(s, p, r) AS regexp_replace(s, p, regexp_replace(r, '\\$(\\d)', '\\\\\\1', 'g'), 'g')",
  },
];

/** The statements that give DuckDB the Trino functions it lacks or means differently (run after DUCKDB_SETTINGS). */
export const DUCKDB_MACROS: readonly string[] = SHIMS.flatMap((s) => s.sql);

/** Trino functions DuckDB gets from a macro of the same name. */
export const SHIMMED_FUNCTIONS: ReadonlySet<string> = new Set(SHIMS.flatMap((s) => s.trino));

/** What each shimmed or rewritten Trino function does, for docs and messages. */
export const SHIM_DOCS: Readonly<Record<string, string>> = Object.fromEntries(
  SHIMS.flatMap((s) => s.trino.map((name) => [name, s.doc])),
);

/**
 * Calls toDuckDb renames: Trino name → DuckDB function (or `trino_*` helper macro).
 * - format: Trino's is printf-style (Java Formatter); DuckDB's format is `{}` style
 *   and would return the format text unchanged; DuckDB's printf is printf-style.
 * - contains: Trino contains(array, x) is array membership; DuckDB's contains is also
 *   text search. list_contains is membership. (Trino returns NULL when x is absent
 *   and the array holds a NULL; list_contains returns false.)
 * - date_diff: Trino counts whole units elapsed (12:00:59 to 12:01:00 is 0 minutes);
 *   DuckDB's date_diff counts unit boundaries crossed (1); DuckDB's date_sub counts
 *   whole units, as Trino does.
 * - regexp_extract / regexp_replace: see the trino_* macros.
 * - transform: Trino's array map with a lambda is DuckDB's list_transform.
 */
export const REWRITTEN_FUNCTIONS: Readonly<Record<string, string>> = {
  format: 'printf',
  contains: 'list_contains',
  date_diff: 'date_sub',
  regexp_extract: 'trino_regexp_extract',
  regexp_replace: 'trino_regexp_replace',
  transform: 'list_transform',
};

/**
 * Trino functions DuckDB runs with the same meaning, as they are, each checked
 * on DuckDB in the tests against Trino's answer. Left out on purpose (they
 * differ): concat (DuckDB skips NULL arguments, Trino returns NULL), greatest
 * and least (DuckDB ignores NULLs, Trino returns NULL), trim (DuckDB trims
 * spaces only, Trino all whitespace), millisecond (DuckDB includes the
 * seconds), array_distinct, array_position, split_part.
 * `if` is listed: DuckDB needs its third argument, which toDuckDb adds (NULL)
 * to Trino's two-argument form.
 */
export const TRINO_FUNCTIONS_OK: ReadonlySet<string> = new Set([
  // aggregates
  'count',
  'count_if',
  'sum',
  'min',
  'max',
  'avg',
  'min_by',
  'max_by',
  'array_agg',
  // window functions
  'row_number',
  'rank',
  'dense_rank',
  'lag',
  'lead',
  // conditionals
  'coalesce',
  'nullif',
  'if',
  // text
  'lower',
  'upper',
  'length',
  'replace',
  'strpos',
  'starts_with',
  'split',
  // arrays
  'filter',
  'unnest',
  // numbers
  'abs',
  'round',
  'floor',
  'ceil',
  // time
  'date_trunc',
  'extract',
  'year',
  'quarter',
  'month',
  'week',
  'day',
  'hour',
  'minute',
  'second',
]);

/** Every Trino function a query may call: as is, shimmed, or rewritten. */
export const COVERED_FUNCTIONS: ReadonlySet<string> = new Set([
  ...TRINO_FUNCTIONS_OK,
  ...SHIMMED_FUNCTIONS,
  ...Object.keys(REWRITTEN_FUNCTIONS),
]);

/** Keywords that take a parenthesis without being a function call. */
const NOT_FUNCTIONS = new Set([
  'all',
  'and',
  'any',
  'array',
  'as',
  'between',
  'by',
  'case',
  'cross',
  'cube',
  'distinct',
  'else',
  'end',
  'except',
  'exists',
  'for',
  'from',
  'group',
  'having',
  'in',
  'interval',
  'intersect',
  'is',
  'join',
  'lateral',
  'like',
  'limit',
  'match_recognize',
  'not',
  'offset',
  'on',
  'or',
  'over',
  'pattern',
  'recursive',
  'return',
  'rollup',
  'row',
  'select',
  'sets',
  'some',
  'table',
  'then',
  'union',
  'using',
  'values',
  'when',
  'where',
  'window',
  'with',
  'zone',
]);
/** CAST-like keywords: after their `AS` comes a type, whose parentheses are not calls. */
const CAST_WORDS = new Set(['cast', 'try_cast']);
/**
 * Words after which an expression (so a function call) may follow. A call's
 * name preceded by any other word is a table alias with a column list
 * (`FROM t x(a, b)`), not a call.
 */
const BEFORE_EXPRESSION = new Set([
  'all',
  'and',
  'any',
  'between',
  'by',
  'case',
  'distinct',
  'else',
  'escape',
  'except',
  'exists',
  'for',
  'from',
  'having',
  'in',
  'intersect',
  'is',
  'join',
  'lateral',
  'like',
  'limit',
  'not',
  'offset',
  'on',
  'or',
  'return',
  'select',
  'set',
  'some',
  'table',
  'then',
  'union',
  'using',
  'values',
  'when',
  'where',
  'zone',
]);

type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Splits SQL into tokens, dropping whitespace and comments; strings and quoted identifiers are single tokens. */
function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? n : nl + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? n : close + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < n) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else {
          j++;
        }
      }
      const end = Math.min(j + 1, n);
      tokens.push({ kind: c === "'" ? 'string' : 'quoted', text: sql.slice(i, end), start: i, end });
      i = end;
    } else if (/[\p{L}_]/u.test(c)) {
      let j = i + 1;
      while (j < n && /[\p{L}\p{N}_$]/u.test(sql[j])) j++;
      tokens.push({ kind: 'word', text: sql.slice(i, j), start: i, end: j });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(sql[j])) j++;
      tokens.push({ kind: 'number', text: sql.slice(i, j), start: i, end: j });
      i = j;
    } else {
      tokens.push({ kind: 'punct', text: c, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

interface Call {
  /** Lower-case function name. */
  readonly name: string;
  /** The name's token. */
  readonly nameToken: Token;
  /** The closing parenthesis (undefined when unbalanced). */
  close: Token | undefined;
  /** Top-level arguments (0 for `f()`). */
  args: number;
}

const isPunct = (t: Token | undefined, p: string) => t !== undefined && t.kind === 'punct' && t.text === p;
const isWord = (t: Token | undefined, w: string) =>
  t !== undefined && t.kind === 'word' && t.text.toLowerCase() === w;

/** The function calls of a SQL text, in order, with their argument counts. */
function findCalls(sql: string): Call[] {
  const tokens = tokenize(sql);
  // Index of the matching `)` of each `(`.
  const match = new Map<number, number>();
  const open: number[] = [];
  tokens.forEach((t, k) => {
    if (isPunct(t, '(')) open.push(k);
    else if (isPunct(t, ')') && open.length > 0) match.set(open.pop()!, k);
  });
  // CTE and named-window names: `WITH x AS (`, `, x AS (`, `WINDOW w AS (`.
  const defined = new Set<string>();
  tokens.forEach((t, k) => {
    if (t.kind === 'word' && isWord(tokens[k + 1], 'as') && isPunct(tokens[k + 2], '(')) {
      defined.add(t.text.toLowerCase());
    }
  });

  interface Frame {
    cast: boolean;
    type: boolean;
    call: Call | undefined;
    empty: boolean;
  }
  const calls: Call[] = [];
  const stack: Frame[] = [{ cast: false, type: false, call: undefined, empty: true }];
  tokens.forEach((t, k) => {
    const top = stack[stack.length - 1];
    if (isPunct(t, '(')) {
      const prev = tokens[k - 1];
      let call: Call | undefined;
      let cast = false;
      if (prev?.kind === 'word') {
        const name = prev.text.toLowerCase();
        const before = tokens[k - 2];
        const close = match.get(k);
        const cteColumns =
          close !== undefined && isWord(tokens[close + 1], 'as') && isPunct(tokens[close + 2], '(');
        if (CAST_WORDS.has(name)) {
          cast = true;
        } else if (
          top.type ||
          NOT_FUNCTIONS.has(name) ||
          defined.has(name) ||
          cteColumns ||
          isWord(before, 'as') ||
          isPunct(before, ')') ||
          before?.kind === 'quoted' ||
          (before?.kind === 'word' && !BEFORE_EXPRESSION.has(before.text.toLowerCase()))
        ) {
          // A keyword, a type's parameters, or an alias with a column list.
        } else {
          call = { name, nameToken: prev, close: undefined, args: 0 };
          calls.push(call);
        }
      }
      top.empty = false;
      stack.push({ cast, type: top.type, call, empty: true });
    } else if (isPunct(t, ')')) {
      if (stack.length > 1) {
        const frame = stack.pop()!;
        if (frame.call !== undefined) {
          frame.call.close = t;
          if (!frame.empty) frame.call.args++;
        }
      }
    } else {
      if (isPunct(t, ',') && top.call !== undefined) top.call.args++;
      if (top.cast && isWord(t, 'as')) top.type = true;
      top.empty = false;
    }
  });
  return calls;
}

/**
 * The functions a query calls (lower case, sorted, once each): names followed
 * by `(` outside strings, quoted identifiers and comments, not counting
 * keywords that take parentheses (IN, CAST, OVER, FILTER, ...), the types in
 * CAST(x AS type(...)), CTE names and alias column lists (`AS t(a, b)`).
 */
export function functionsUsed(sql: string): string[] {
  return [...new Set(findCalls(sql).map((c) => c.name))].sort();
}

/** Functions the query calls that DuckDB is not known to run as Trino does: the catalog rejects the query when any. */
export function uncoveredFunctions(sql: string): string[] {
  return functionsUsed(sql).filter((f) => !COVERED_FUNCTIONS.has(f));
}

/**
 * The Trino SQL DuckDB should run (with DUCKDB_SETTINGS and DUCKDB_MACROS in
 * place): calls in REWRITTEN_FUNCTIONS renamed, and Trino's two-argument
 * `if(c, x)` given DuckDB's third argument (`if(c, x, NULL)`). Strings,
 * quoted identifiers, comments and everything else are left as written.
 */
export function toDuckDb(sql: string): string {
  const edits: { start: number; end: number; text: string }[] = [];
  for (const call of findCalls(sql)) {
    if (Object.hasOwn(REWRITTEN_FUNCTIONS, call.name)) {
      const target = REWRITTEN_FUNCTIONS[call.name];
      edits.push({ start: call.nameToken.start, end: call.nameToken.end, text: target });
    }
    if (call.name === 'if' && call.args === 2 && call.close !== undefined) {
      edits.push({ start: call.close.start, end: call.close.start, text: ', NULL' });
    }
  }
  edits.sort((a, b) => b.start - a.start);
  let out = sql;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
