import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEventKey, hostFromKey, sourceId } from '../../functions/core/object-key.ts';

describe('raw object keys', () => {
  it('name their host in the first segment after raw/', () => {
    assert.equal(hostFromKey('raw/fw1.example.net/2026/09/17/kern-2200.log.gz'), 'fw1.example.net');
    assert.equal(hostFromKey('raw/fw1/x.gz'), 'fw1');
    assert.equal(hostFromKey('other/fw1/x.gz'), null);
    assert.equal(hostFromKey('raw//x.gz'), null);
    assert.equal(hostFromKey('raw/bad host/x.gz'), null);
  });

  it('come URL-encoded in S3 events', () => {
    assert.equal(
      decodeEventKey('raw/fw1/2026/09/17/kern+log%3A22%2B00.gz'),
      'raw/fw1/2026/09/17/kern log:22+00.gz',
    );
  });

  it('give output names that depend on bucket, key and version only', () => {
    const a = sourceId('raw-bucket', 'raw/fw1/a.gz', '"abc"');
    assert.equal(a, sourceId('raw-bucket', 'raw/fw1/a.gz', 'abc'));
    assert.match(a, /^[0-9a-f]{20}$/);
    assert.notEqual(a, sourceId('raw-bucket', 'raw/fw1/a.gz', 'abd'));
    assert.notEqual(a, sourceId('raw-bucket', 'raw/fw1/b.gz', 'abc'));
    assert.notEqual(a, sourceId('other', 'raw/fw1/a.gz', 'abc'));
  });
});
