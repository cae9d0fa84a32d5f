import { createReadStream } from 'node:fs';
import { Upload } from '@aws-sdk/lib-storage';
import { s3rverClient } from './functions/adapters/s3rver-process.ts';
const c = s3rverClient('http://127.0.0.1:4610');
await new Upload({ client: c, params: { Bucket: 'raw', Key: 'raw/fw1/2026/11/22/big.log', Body: createReadStream('/tmp/kern10m.log') }, partSize: 64 << 20 }).done();
console.log('uploaded');
