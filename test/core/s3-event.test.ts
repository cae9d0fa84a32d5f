import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { objectsOfMessage } from '../../functions/core/s3-event.ts';

describe('S3 event notifications in SQS bodies', () => {
  it('name the created objects, keys decoded', () => {
    const sqs = JSON.parse(readFileSync('events/sqs-s3-object-created.json', 'utf8'));
    const refs = objectsOfMessage(sqs.Records[0].body);
    assert.equal(refs.length, 1);
    assert.equal(refs[0].key, 'raw/mha.can.local/2026/09/17/kern-2200.log.gz');
    const encoded = JSON.stringify({
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: 'raw' }, object: { key: 'raw/fw1/a+b%3A1.gz', eTag: 'e' } },
        },
      ],
    });
    assert.deepEqual(objectsOfMessage(encoded), [
      { bucket: 'raw', key: 'raw/fw1/a b:1.gz', versionId: undefined, eTag: 'e' },
    ]);
  });

  it('acknowledge test events and other event kinds with no work', () => {
    assert.deepEqual(objectsOfMessage(JSON.stringify({ Event: 's3:TestEvent' })), []);
    const removed = JSON.stringify({
      Records: [{ eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: 'raw' }, object: { key: 'k' } } }],
    });
    assert.deepEqual(objectsOfMessage(removed), []);
  });

  it('refuse bodies that are not notifications, so they reach the dead-letter queue', () => {
    assert.throws(() => objectsOfMessage('not json'), /not JSON/);
    assert.throws(() => objectsOfMessage('{"hello":1}'), /no Records/);
    assert.throws(
      () => objectsOfMessage(JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: {} }] })),
      /without s3\.bucket\.name/,
    );
  });
});
