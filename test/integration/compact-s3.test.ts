/**
 * Compaction of the lake bucket: a real S3 server (s3rver) for listing,
 * markers and deletes, and Athena mocked at the SDK boundary
 * (aws-sdk-client-mock). The mock plays Athena's part the way the design
 * relies on it: a successful INSERT INTO writes an object under the hour's
 * prefix and then adds the hour's Glue partition; a failed one may leave an
 * object and adds no partition; DROP PARTITION removes the partition. So the
 * tests prove the statements sent per hour, their order against the S3 steps,
 * that a re-run does nothing, and that a failure (or a death) in the middle
 * is repaired by the next run with exactly one copy of each hour, not that
 * Athena itself behaves so.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaEngine } from '../../functions/adapters/athena-engine.ts';
import { compactLake } from '../../functions/adapters/compaction-athena.ts';
import { inputsDigest } from '../../functions/core/compaction-plan.ts';
import { athenaInsertHour } from '../../functions/core/compaction-sql.ts';
import { COMPACTED_PREFIX, MARKER_PREFIX } from '../../functions/core/lake-layout.ts';
import { listLake } from '../support/s3-lake.ts';
import { type S3rverHandle, startS3rver } from '../support/s3rver.ts';

const NOW = Date.parse('2026-09-18T01:10:00Z'); // 2026-09-18 hour 00 is still within its grace period
const athena = mockClient(AthenaClient);

interface Sent {
  sql: string;
  params: string[];
  /** Lake keys of the hour's markers and compacted objects at the moment Athena was asked. */
  markersThen: string[];
  outputsThen: string[];
}

let s3: S3rverHandle;
let sent: Sent[];
/** The Glue partitions of firewall_compacted, as the mock keeps them: what the view reads as compacted. */
let partitions: Set<string>;
/** Hours (`dt hour`) whose next INSERT fails after writing half a file. */
let failInsert: Set<string>;
let executions: Map<string, 'SUCCEEDED' | 'FAILED'>;

const unquote = (p: string) => p.replace(/^'|'$/g, '');
const put = (key: string, body: string) =>
  s3.client.send(new PutObjectCommand({ Bucket: 'lake', Key: key, Body: body }));
const del = (key: string) => s3.client.send(new DeleteObjectCommand({ Bucket: 'lake', Key: key }));
const under = async (prefix: string) => listLake(s3, prefix);

function engine(): AthenaEngine {
  return new AthenaEngine({
    client: new AthenaClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    }),
    workGroup: 'fwlake',
    database: 'fwlake',
    sleep: async () => {},
  });
}

const run = (extra: Partial<Parameters<typeof compactLake>[0]> = {}) =>
  compactLake({ s3: s3.client, bucket: 'lake', engine: engine(), database: 'fwlake', nowMs: NOW, ...extra });

/** The statements sent, shortened to `INSERT dt hour` / `DROP dt hour`. */
const short = () =>
  sent.map((s) => {
    if (s.sql.startsWith('INSERT')) return `INSERT ${unquote(s.params[0])} ${unquote(s.params[1])}`;
    const m = /dt = '([^']+)', hour = '([^']+)'/.exec(s.sql);
    return `DROP ${m?.[1]} ${m?.[2]}`;
  });

before(async () => {
  s3 = await startS3rver();
});
after(async () => {
  await s3.stop();
  athena.restore();
});

beforeEach(() => {
  sent = [];
  failInsert = new Set();
  athena.reset();
  athena.on(StartQueryExecutionCommand).callsFake(async (input: StartQueryExecutionCommandInput) => {
    const sql = input.QueryString ?? '';
    const params = input.ExecutionParameters ?? [];
    const hour = sql.startsWith('INSERT')
      ? { dt: unquote(params[0]), hour: unquote(params[1]) }
      : (() => {
          const m = /dt = '([^']+)', hour = '([^']+)'/.exec(sql)!;
          return { dt: m[1], hour: m[2] };
        })();
    const path = `dt=${hour.dt}/hour=${hour.hour}/`;
    sent.push({
      sql,
      params,
      markersThen: await under(`${MARKER_PREFIX}/${path}`),
      outputsThen: await under(`${COMPACTED_PREFIX}/${path}`),
    });
    const id = `q${executions.size + 1}`;
    const key = `${hour.dt} ${hour.hour}`;
    if (sql.startsWith('ALTER TABLE')) {
      partitions.delete(key);
      executions.set(id, 'SUCCEEDED');
    } else if (failInsert.has(key)) {
      failInsert.delete(key);
      await put(`${COMPACTED_PREFIX}/${path}${id}_half`, 'PAR1 half');
      executions.set(id, 'FAILED');
    } else {
      // Athena writes the files, then registers the partition.
      await put(`${COMPACTED_PREFIX}/${path}${id}_00000`, 'PAR1 rows');
      partitions.add(key);
      executions.set(id, 'SUCCEEDED');
    }
    return { QueryExecutionId: id };
  });
  athena.on(GetQueryExecutionCommand).callsFake(async ({ QueryExecutionId }) => ({
    QueryExecution: {
      QueryExecutionId,
      Status: {
        State: executions.get(QueryExecutionId),
        StateChangeReason:
          executions.get(QueryExecutionId) === 'FAILED' ? 'HIVE_WRITER_CLOSE_ERROR' : undefined,
      },
      Statistics: {},
    },
  }));
  athena
    .on(GetQueryResultsCommand)
    .resolves({ ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } });
});

/** Each finished hour with fresh parts: one partition, one compacted object, one marker named by its parts' digest. */
async function assertCompactedOnce(hours: string[]) {
  assert.deepEqual([...partitions].sort(), hours);
  for (const h of hours) {
    const [dt, hour] = h.split(' ');
    const path = `dt=${dt}/hour=${hour}/`;
    assert.equal((await under(`${COMPACTED_PREFIX}/${path}`)).length, 1, `one compacted object for ${h}`);
    const markers = await under(`${MARKER_PREFIX}/${path}`);
    assert.equal(markers.length, 1, `one marker for ${h}`);
  }
}

describe('compaction of the lake bucket (s3rver, Athena mocked)', () => {
  before(async () => {
    partitions = new Set();
    executions = new Map();
    await put('firewall/dt=2026-09-17/hour=21/aaaa-0.json.gz', 'a21');
    await put('firewall/dt=2026-09-17/hour=21/bbbb-0.json.gz', 'b21');
    await put('firewall_parquet/dt=2026-09-17/hour=21/cccc-0.parquet', 'c21');
    await put('firewall/dt=2026-09-17/hour=22/aaaa-1.json.gz', 'a22');
    await put('firewall/dt=2026-09-18/hour=00/aaaa-2.json.gz', 'a00');
  });

  it('compacts each finished hour with one INSERT INTO, hour bound as parameters; leaves the open hour', async () => {
    const r = await run();
    assert.deepEqual(short(), ['INSERT 2026-09-17 21', 'INSERT 2026-09-17 22']);
    const expected = athenaInsertHour('fwlake', { dt: '2026-09-17', hour: '21' });
    assert.equal(sent[0].sql, expected.sql);
    assert.deepEqual(sent[0].params, ["'2026-09-17'", "'21'", "'2026-09-17'", "'21'"]);
    assert.match(sent[0].sql, /^INSERT INTO "fwlake"."firewall_compacted"\nSELECT "ts", "host", /);
    assert.match(sent[0].sql, /FROM "fwlake"."firewall_json" WHERE "dt" = \? AND "hour" = \?/);
    assert.match(sent[0].sql, /FROM "fwlake"."firewall_parquet" WHERE "dt" = \? AND "hour" = \?/);
    assert.deepEqual(
      r.compacted.map((c) => [c.dt, c.hour, c.inputs]),
      [
        ['2026-09-17', '21', 3],
        ['2026-09-17', '22', 1],
      ],
    );
    assert.equal(r.open, 1);
    assert.deepEqual(r.failed, []);
    await assertCompactedOnce(['2026-09-17 21', '2026-09-17 22']);
    // The marker's name is the digest of the hour's parts (key and ETag) as listed.
    const fresh21 = (await listLakeWithEtags('firewall/dt=2026-09-17/hour=21/')).concat(
      await listLakeWithEtags('firewall_parquet/dt=2026-09-17/hour=21/'),
    );
    assert.deepEqual(await under(`${MARKER_PREFIX}/dt=2026-09-17/hour=21/`), [
      `${MARKER_PREFIX}/dt=2026-09-17/hour=21/${inputsDigest(fresh21)}.json`,
    ]);
  });

  it('does nothing when re-run with nothing new', async () => {
    const keys = await listLake(s3);
    const r = await run();
    assert.deepEqual(sent, []);
    assert.equal(r.upToDate, 2);
    assert.deepEqual(await listLake(s3), keys);
  });

  it('recompacts an hour with a late part: marker gone, DROP PARTITION, old output gone, then INSERT', async () => {
    await put('firewall/dt=2026-09-17/hour=21/dddd-0.json.gz', 'late');
    const r = await run();
    assert.deepEqual(short(), ['DROP 2026-09-17 21', 'INSERT 2026-09-17 21']);
    assert.equal(
      sent[0].sql,
      "ALTER TABLE `fwlake`.`firewall_compacted` DROP IF EXISTS PARTITION (dt = '2026-09-17', hour = '21')",
    );
    assert.deepEqual(sent[0].markersThen, [], 'the marker is deleted before the partition is dropped');
    assert.equal(sent[0].outputsThen.length, 1, 'the old output is still there when the partition goes');
    assert.deepEqual(sent[1].outputsThen, [], 'INSERT writes into an empty hour: no duplicate');
    assert.equal(r.compacted[0].inputs, 4);
    await assertCompactedOnce(['2026-09-17 21', '2026-09-17 22']);
  });

  it('a failed INSERT leaves the hour fresh (no partition, no marker); the next run clears its half output and redoes it', async () => {
    // A part replaced under the same name: another ETag, another digest.
    await put('firewall/dt=2026-09-17/hour=22/aaaa-1.json.gz', 'a22 re-ingested');
    failInsert.add('2026-09-17 22');
    const r = await run();
    assert.deepEqual(short(), ['DROP 2026-09-17 22', 'INSERT 2026-09-17 22']);
    assert.deepEqual(
      r.failed.map((f) => [f.dt, f.hour]),
      [['2026-09-17', '22']],
    );
    assert.match(r.failed[0].error, /HIVE_WRITER_CLOSE_ERROR/);
    assert.equal(partitions.has('2026-09-17 22'), false, 'the view reads hour 22 from the fresh tables');
    assert.deepEqual(await under(`${MARKER_PREFIX}/dt=2026-09-17/hour=22/`), []);
    assert.equal((await under(`${COMPACTED_PREFIX}/dt=2026-09-17/hour=22/`)).length, 1, 'the half file');

    sent = [];
    const again = await run();
    assert.deepEqual(short(), ['DROP 2026-09-17 22', 'INSERT 2026-09-17 22']);
    assert.deepEqual(sent[1].outputsThen, [], 'the half file is gone before the INSERT');
    assert.deepEqual(again.failed, []);
    await assertCompactedOnce(['2026-09-17 21', '2026-09-17 22']);
  });

  it('repairs a run that died after its INSERT and before its marker', async () => {
    const [marker] = await under(`${MARKER_PREFIX}/dt=2026-09-17/hour=21/`);
    await del(marker);
    const r = await run();
    assert.deepEqual(short(), ['DROP 2026-09-17 21', 'INSERT 2026-09-17 21']);
    assert.deepEqual(sent[1].outputsThen, []);
    assert.equal(r.compacted.length, 1);
    await assertCompactedOnce(['2026-09-17 21', '2026-09-17 22']);
  });

  it('a failed DROP stops the hour before any delete of output; the next run redoes it', async () => {
    await put('firewall/dt=2026-09-17/hour=21/eeee-0.json.gz', 'later still');
    athena.on(StartQueryExecutionCommand).rejectsOnce(new Error('ThrottlingException: rate exceeded'));
    const r = await run();
    assert.equal(r.failed.length, 1);
    // The marker went first, so the hour will be redone; its compacted partition still answers meanwhile.
    assert.deepEqual(await under(`${MARKER_PREFIX}/dt=2026-09-17/hour=21/`), []);
    assert.equal(partitions.has('2026-09-17 21'), true);
    assert.equal((await under(`${COMPACTED_PREFIX}/dt=2026-09-17/hour=21/`)).length, 1);
  });

  it('leaves hours for the next run when the time left is short', async () => {
    sent = [];
    const r = await run({ remainingMs: () => 60_000, hourBudgetMs: 9 * 60_000 });
    assert.equal(r.deferred, 1);
    assert.deepEqual(sent, []);
    // With time, the pending hour is done.
    const ok = await run();
    assert.deepEqual(
      ok.compacted.map((c) => c.hour),
      ['21'],
    );
    await assertCompactedOnce(['2026-09-17 21', '2026-09-17 22']);
  });

  it('removes a compacted hour whose fresh parts are all gone', async () => {
    await del('firewall/dt=2026-09-17/hour=22/aaaa-1.json.gz');
    sent = [];
    const r = await run();
    assert.deepEqual(short(), ['DROP 2026-09-17 22']);
    assert.deepEqual(
      r.removed.map((x) => [x.dt, x.hour]),
      [['2026-09-17', '22']],
    );
    assert.deepEqual(await under(`${COMPACTED_PREFIX}/dt=2026-09-17/hour=22/`), []);
    assert.deepEqual(await under(`${MARKER_PREFIX}/dt=2026-09-17/hour=22/`), []);
    await assertCompactedOnce(['2026-09-17 21']);
  });
});

/** Keys and ETags under a prefix, as the compaction lists them. */
async function listLakeWithEtags(prefix: string) {
  const page = await s3.client.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: prefix }));
  return (page.Contents ?? []).map((c) => ({ key: c.Key!, version: c.ETag!, size: c.Size! }));
}
