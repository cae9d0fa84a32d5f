/**
 * The schema is the one source of truth: the record shape, the JSON encoder,
 * the table definitions and the README's column list must all agree with it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { encodeJsonLine } from '../../functions/core/json-lines.ts';
import { partitionOf, partitionStart } from '../../functions/core/partition.ts';
import { FirewallRecord } from '../../functions/core/record.ts';
import { COLUMN_NAMES, COLUMNS, PARTITION_COLUMNS } from '../../functions/core/schema.ts';
import { athenaCreateTable, columnsMarkdown, duckdbColumnsStruct } from '../../functions/core/table-sql.ts';
import { formatTimestamp } from '../../functions/core/timestamp.ts';

function fullRecord(): FirewallRecord {
  const r = new FirewallRecord();
  for (const c of COLUMNS) {
    const v =
      c.type === 'string'
        ? `v-${c.name} "quoted" \\ \u00e9`
        : c.type === 'array<string>'
          ? ['A', 'B']
          : c.type === 'boolean'
            ? true
            : c.type === 'double'
              ? 1.5
              : c.type === 'timestamp'
                ? Date.UTC(2026, 8, 17, 23, 32, 4, 7)
                : 4294967295;
    (r as unknown as Record<string, unknown>)[c.name] = v;
  }
  return r;
}

describe('schema', () => {
  it('column names are unique snake_case', () => {
    assert.equal(new Set(COLUMN_NAMES).size, COLUMN_NAMES.length);
    for (const n of [...COLUMN_NAMES, ...PARTITION_COLUMNS.map((c) => c.name)])
      assert.match(n, /^[a-z][a-z0-9_]*$/);
  });

  it('every column has a sentence of documentation', () => {
    for (const c of COLUMNS) assert.ok(c.doc.length > 10, c.name);
  });
});

describe('JSON-lines encoder', () => {
  it('writes every column of a full record, with values that round-trip', () => {
    const r = fullRecord();
    const obj = JSON.parse(encodeJsonLine(r));
    assert.deepEqual(Object.keys(obj), COLUMN_NAMES);
    for (const c of COLUMNS) {
      if (c.type === 'timestamp') assert.equal(obj[c.name], '2026-09-17 23:32:04.007');
      else assert.deepEqual(obj[c.name], (r as unknown as Record<string, unknown>)[c.name], c.name);
    }
  });

  it('omits null fields, always, so readers fill NULL', () => {
    const r = new FirewallRecord();
    r.ts = 0;
    r.src = '192.0.2.1';
    assert.equal(
      encodeJsonLine(r),
      '{"ts":"1970-01-01 00:00:00.000","src":"192.0.2.1","raw":"","line_no":0}',
    );
  });

  it('formats timestamps as yyyy-MM-dd HH:mm:ss.SSS in UTC', () => {
    assert.equal(formatTimestamp(Date.UTC(2026, 11, 31, 23, 59, 59, 999)), '2026-12-31 23:59:59.999');
    assert.equal(formatTimestamp(Date.UTC(2027, 0, 1, 0, 0, 0, 5)), '2027-01-01 00:00:00.005');
    assert.equal(formatTimestamp(Date.UTC(2027, 0, 1, 0, 0, 0, 50)), '2027-01-01 00:00:00.050');
  });
});

describe('partitions', () => {
  it('are the UTC day and hour of ts', () => {
    assert.equal(partitionOf(Date.UTC(2026, 8, 17, 23, 59, 59, 999)), 'dt=2026-09-17/hour=23');
    assert.equal(partitionOf(Date.UTC(2026, 8, 18, 0, 0, 0, 0)), 'dt=2026-09-18/hour=00');
    assert.equal(partitionStart('dt=2026-09-18/hour=00'), Date.UTC(2026, 8, 18));
    assert.ok(Number.isNaN(partitionStart('dt=2026-09-18')));
  });
});

describe('table definitions generated from the schema', () => {
  it('the DuckDB read_json columns name every column with its type', () => {
    const struct = duckdbColumnsStruct();
    for (const c of COLUMNS) assert.ok(struct.includes(`"${c.name}": '`), c.name);
    assert.match(struct, /"window": 'INTEGER'/);
    assert.match(struct, /"tcp_flags": 'VARCHAR\[\]'/);
  });

  it('the Athena DDL has every column, the partitions and partition projection', () => {
    const ddl = athenaCreateTable({ database: 'fwlake', location: 's3://lake/firewall' });
    for (const c of COLUMNS) assert.ok(ddl.includes(`\`${c.name}\` `), c.name);
    assert.match(ddl, /PARTITIONED BY \(`dt` string, `hour` string\)/);
    assert.match(ddl, /'projection.enabled' = 'true'/);
    assert.match(
      ddl,
      /'storage.location.template' = 's3:\/\/lake\/firewall\/dt=\$\{dt\}\/hour=\$\{hour\}\/'/,
    );
    assert.match(ddl, /`ts` timestamp/);
  });

  it('the README lists exactly the schema columns', () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('<!-- columns:start -->');
    const end = readme.indexOf('<!-- columns:end -->');
    assert.ok(start >= 0 && end > start, 'README.md has the columns markers');
    assert.equal(
      readme.slice(start + '<!-- columns:start -->'.length, end).trim(),
      columnsMarkdown(),
      'README column list is stale: run `npm run docs`',
    );
  });
});
