/**
 * Local input: a plain file is read into one reused buffer, so every chunk is
 * overwritten by the next. Read here in chunks of a few bytes (most lines then
 * span several chunks), the lines, the records parsed from them (the scanner
 * reads the batch's bytes) and the identity hash must be exactly those of the
 * whole file; a gzip file must give the same lines through its stream.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { openLocalInput } from '../../functions/adapters/input.ts';
import { encodeJsonLine } from '../../functions/core/json-lines.ts';
import { splitLines } from '../../functions/core/lines.ts';
import { isQuarantined, parseLine } from '../../functions/core/parse-line.ts';
import { FirewallRecord } from '../../functions/core/record.ts';

const SAMPLE = 'events/sample-kern.log';
const OPTS = { referenceMs: Date.parse('2026-09-19T00:00:00Z'), sourceKey: 's', fallbackHost: null };

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fwlake-input-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Every line and the JSON of every record, as ingest reads them (one record object reused). */
async function readAll(path: string, chunkBytes: number) {
  const input = await openLocalInput(path, chunkBytes);
  const lines: string[] = [];
  const records: string[] = [];
  const into = new FirewallRecord();
  for await (const b of splitLines(input.chunks)) {
    for (let i = 0; i < b.lines.length; i++) {
      lines.push(b.lines[i]);
      const r = parseLine(b.lines[i], lines.length, OPTS, b.bytes, b.starts[i], into);
      if (r !== null && !isQuarantined(r)) records.push(encodeJsonLine(r));
    }
  }
  return { lines, records, digest: input.digest(), bytesRead: input.bytesRead(), size: input.size };
}

describe('local input', () => {
  const text = readFileSync(SAMPLE, 'utf8');
  const expectedLines = text.split('\n').slice(0, -1);
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

  it('reads a plain file in reused chunks: the same lines, records and hash as the whole file', async () => {
    const whole = await readAll(SAMPLE, 1 << 24);
    assert.deepEqual(whole.lines, expectedLines);
    assert.ok(whole.records.length > 100);
    for (const chunkBytes of [5, 97, 4096]) {
      const r = await readAll(SAMPLE, chunkBytes);
      assert.deepEqual(r.lines, expectedLines, `chunks of ${chunkBytes}`);
      assert.deepEqual(r.records, whole.records, `chunks of ${chunkBytes}`);
      assert.equal(r.digest, sha(readFileSync(SAMPLE)));
      assert.equal(r.bytesRead, Buffer.byteLength(text));
      assert.equal(r.size, Buffer.byteLength(text));
    }
  });

  it('reads a gzip file through its stream: the same lines; the hash is of the bytes as stored', async () => {
    const gz = gzipSync(readFileSync(SAMPLE));
    const path = join(tmp, 'sample.log.gz');
    writeFileSync(path, gz);
    const r = await readAll(path, 97);
    assert.deepEqual(r.lines, expectedLines);
    assert.equal(r.digest, sha(gz));
    assert.equal(r.bytesRead, gz.length);
  });

  it('reads a file shorter than its magic numbers, and an empty one', async () => {
    for (const content of ['a\n', '']) {
      const path = join(tmp, `short-${content.length}.log`);
      writeFileSync(path, content);
      const r = await readAll(path, 3);
      assert.deepEqual(r.lines, content === '' ? [] : ['a']);
      assert.equal(r.digest, sha(Buffer.from(content)));
    }
  });

  it('says clearly when a path cannot be read', async () => {
    await assert.rejects(openLocalInput(join(tmp, 'missing.log')), /cannot read .*missing\.log: ENOENT/);
    await assert.rejects(openLocalInput(tmp), /cannot read .*: not a regular file/);
  });
});
