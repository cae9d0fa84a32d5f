/**
 * S3 event notifications, as the ingest receives them in SQS message bodies:
 * which objects were created. Pure: no SDK, no I/O.
 */
import { decodeEventKey } from './object-key.ts';

/** One object named by an S3 event notification record. */
export interface ObjectRef {
  bucket: string;
  key: string;
  versionId?: string;
  eTag?: string;
}

/**
 * The objects a message names, or [] for a message to acknowledge without
 * work. Throws for a body that is not an S3 event notification.
 */
export function objectsOfMessage(body: string): ObjectRef[] {
  let msg: unknown;
  try {
    msg = JSON.parse(body);
  } catch {
    throw new Error('message body is not JSON');
  }
  if (typeof msg !== 'object' || msg === null)
    throw new Error('message body is not an S3 event notification');
  const m = msg as { Event?: unknown; Records?: unknown };
  if (m.Event === 's3:TestEvent') return [];
  if (!Array.isArray(m.Records)) throw new Error('message body is not an S3 event notification (no Records)');
  const out: ObjectRef[] = [];
  for (const r of m.Records as S3EventRecordish[]) {
    if (typeof r?.eventName !== 'string' || !r.eventName.startsWith('ObjectCreated:')) continue;
    const bucket = r.s3?.bucket?.name;
    const key = r.s3?.object?.key;
    if (typeof bucket !== 'string' || typeof key !== 'string') {
      throw new Error('S3 event record without s3.bucket.name or s3.object.key');
    }
    out.push({
      bucket,
      key: decodeEventKey(key),
      versionId: r.s3?.object?.versionId || undefined,
      eTag: r.s3?.object?.eTag || undefined,
    });
  }
  return out;
}

interface S3EventRecordish {
  eventName?: unknown;
  s3?: {
    bucket?: { name?: unknown };
    object?: { key?: unknown; versionId?: string; eTag?: string };
  };
}
