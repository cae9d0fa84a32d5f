/**
 * Raw object keys and the names of what is made from them.
 *
 * Hosts ship to `raw/<host>/<yyyy>/<mm>/<dd>/<name>` (one prefix per host, which
 * an IAM condition restricts to that host). The lake's object names derive from
 * the source object's identity (bucket, key and ETag or version), so a retried
 * or duplicated event rewrites the same objects instead of adding copies.
 */
import { createHash } from 'node:crypto';

export const RAW_PREFIX = 'raw/';

/** The host a raw key belongs to (`raw/fw1.example.net/2026/09/17/x.log.gz` → `fw1.example.net`), or null. */
export function hostFromKey(key: string): string | null {
  if (!key.startsWith(RAW_PREFIX)) return null;
  const end = key.indexOf('/', RAW_PREFIX.length);
  if (end <= RAW_PREFIX.length) return null;
  const host = key.slice(RAW_PREFIX.length, end);
  return /^[A-Za-z0-9._-]+$/.test(host) ? host : null;
}

/**
 * The id every output object of one source object is named with: 20 hex
 * characters of SHA-256 over bucket, key and version (or ETag). Same object,
 * same id; a new version of the key, a new id.
 */
export function sourceId(bucket: string, key: string, versionOrEtag: string): string {
  return createHash('sha256')
    .update(`${bucket}\n${key}\n${versionOrEtag.replaceAll('"', '')}`)
    .digest('hex')
    .slice(0, 20);
}

/** S3 event notifications URL-encode keys (spaces as '+'); this is the key itself. */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replaceAll('+', ' '));
}
