/** `fwlake dev`: the AWS flow on this machine (see adapters/dev-loop.ts). */
import { options, UsageError } from './args.ts';

export async function devCommand(args: string[]): Promise<number> {
  const { values, positionals } = options(args);
  if (positionals.length > 0) throw new UsageError('dev takes no arguments');
  const v = values as Record<string, string | undefined>;
  const port = Number(v.port ?? 4569);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port: not a port: "${v.port}"`);
  const dir = v.dir ?? '.fwlake-dev';
  // The ingest Lambda's FWLAKE_FORMAT: json (firewall/) or parquet (firewall_parquet/).
  const format = v.format ?? 'json';
  if (format !== 'json' && format !== 'parquet') {
    throw new UsageError(`--format must be json or parquet for dev, not "${format}"`);
  }
  const { startDevLoop } = await import('../adapters/dev-loop.ts');
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const loop = await startDevLoop({ dir, port, print, format });
  print(`fwlake dev: S3 at ${loop.endpoint} (buckets raw, lake; data in ${dir}; records as ${format}). Try:`);
  print(
    `  AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER aws --endpoint-url ${loop.endpoint} s3 cp kern.log.gz s3://raw/raw/fw1/2026/09/17/kern.log.gz`,
  );
  print(`  then: aws --endpoint-url ${loop.endpoint} s3 ls --recursive s3://lake/`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await loop.stop();
  return 0;
}
