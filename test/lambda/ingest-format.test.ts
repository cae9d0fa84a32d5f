/**
 * FWLAKE_FORMAT, the ingest Lambda's part format: the parsing, and what a cold
 * start does with it (functions/ingest.ts imported in a fresh process, as the
 * runtime does: an invalid value fails the import instead of writing JSON).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { partFormatSetting } from '../../functions/core/format-setting.ts';

const run = promisify(execFile);

/** Imports the handler module in a fresh Node with FWLAKE_FORMAT set (or unset). */
function coldStart(format: string | undefined) {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_REGION: 'us-east-1', LAKE_BUCKET: 'lake' };
  if (format === undefined) delete env.FWLAKE_FORMAT;
  else env.FWLAKE_FORMAT = format;
  return run(
    'node',
    ['--import', 'tsx', '-e', "await import('./functions/ingest.ts'); console.log('loaded')"],
    { env },
  );
}

describe('FWLAKE_FORMAT', () => {
  it('is json when unset, json or parquet when set, and an error naming the setting otherwise', () => {
    assert.equal(partFormatSetting(undefined), 'json');
    assert.equal(partFormatSetting('json'), 'json');
    assert.equal(partFormatSetting('parquet'), 'parquet');
    for (const bad of ['', 'Parquet', 'csv', ' parquet']) {
      assert.throws(
        () => partFormatSetting(bad),
        new Error(`FWLAKE_FORMAT must be json or parquet, not ${JSON.stringify(bad)}`),
      );
    }
    assert.throws(() => partFormatSetting('orc', 'fwlake:format'), /^Error: fwlake:format must be/);
  });

  it('a cold start with an invalid value fails with that message; valid values load', async () => {
    await assert.rejects(coldStart('parquet2'), (e: { stderr: string }) =>
      /FWLAKE_FORMAT must be json or parquet, not "parquet2"/.test(e.stderr),
    );
    for (const ok of [undefined, 'json', 'parquet']) assert.match((await coldStart(ok)).stdout, /loaded/);
  });
});
