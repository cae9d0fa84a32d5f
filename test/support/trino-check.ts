/**
 * Test-only (dt-sql-parser is a devDependency): the catalog's Trino syntax check.
 * Syntax check of a saved query against Trino's grammar (dt-sql-parser's
 * TrinoSQL, an ANTLR port of Trino's SqlBase.g4), so a query that only DuckDB
 * accepts (`x::int`, `SELECT * EXCLUDE (...)`, `GROUP BY ALL`) is rejected
 * locally rather than by Athena. `?` placeholders are valid wherever Trino
 * takes a parameter (WHERE, LIMIT, ...). Syntax only: names and types are not
 * resolved here.
 */
import { TrinoSQL } from 'dt-sql-parser';

let parser: TrinoSQL | undefined;

/**
 * Trino syntax errors of one SQL statement, as `line:column: message`
 * (both 1-based), in text order; empty when the SQL parses. More than one
 * statement is an error too (Athena runs one).
 */
export function trinoSyntaxErrors(sql: string): string[] {
  parser ??= new TrinoSQL();
  const errors = [...parser.validate(sql)]
    .sort((a, b) => a.startLine - b.startLine || a.startColumn - b.startColumn)
    .map((e) => `${e.startLine}:${e.startColumn}: ${e.message}`);
  if (errors.length > 0) return [...new Set(errors)];
  const statements = (parser.splitSQLByStatement(sql) ?? []).filter(
    (s) => s.text.trim().replace(/;$/, '') !== '',
  );
  if (statements.length > 1) {
    const second = statements[1];
    return [`${second.startLine}:${second.startColumn}: one statement expected, found ${statements.length}`];
  }
  return [];
}
