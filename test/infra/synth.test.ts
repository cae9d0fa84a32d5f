/** `npx cdk synth` itself, as a user runs it: offline, without AWS credentials, cdk.json at the top. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

describe('npx cdk synth', () => {
  it('produces the Fwlake stack offline with no credentials', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fwlake-synth-'));
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('AWS_')) delete env[k];
    await promisify(execFile)('npx', ['cdk', 'synth', '--quiet', '--output', out], {
      env: { ...env, CDK_DISABLE_VERSION_CHECK: '1' },
      timeout: 180_000,
      maxBuffer: 16 << 20,
    });
    const template = JSON.parse(readFileSync(join(out, 'Fwlake.template.json'), 'utf8'));
    const types = new Set(
      Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type),
    );
    for (const t of [
      'AWS::S3::Bucket',
      'AWS::SQS::Queue',
      'AWS::Lambda::Function',
      'AWS::Glue::Table',
      'AWS::Athena::WorkGroup',
      'AWS::CloudWatch::Alarm',
      'AWS::SNS::Topic',
      'AWS::CloudWatch::Dashboard',
    ]) {
      assert.ok(types.has(t), t);
    }
    // Each function's bundle carries the saved-query catalog.
    const assets = JSON.parse(readFileSync(join(out, 'Fwlake.assets.json'), 'utf8'));
    const dirs = Object.values(assets.files as Record<string, { source: { path: string } }>)
      .map((f) => f.source.path)
      .filter((p) => p.startsWith('asset.'));
    assert.ok(dirs.length >= 3);
    for (const d of dirs)
      assert.ok(existsSync(join(out, d, 'queries', 'state-loss.sql')), `${d} has the catalog`);
  });
});
