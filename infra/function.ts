/**
 * How every fwlake Lambda is built: Node.js 24 on arm64, bundled by the
 * project's own esbuild (no Docker), ESM, with the saved-query catalog copied
 * beside the bundle (the handlers read `<their folder>/queries`).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

const ROOT = new URL('..', import.meta.url).pathname;

export function fwlakeFunction(
  scope: Construct,
  id: string,
  entry: string,
  props: Partial<NodejsFunctionProps> = {},
): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
  const fn = new NodejsFunction(scope, id, {
    entry: `${ROOT}functions/${entry}`,
    projectRoot: ROOT,
    depsLockFilePath: `${ROOT}package-lock.json`,
    handler: 'handler',
    // The newest Node.js Lambda runs (the code also runs on 22, and on 20 locally).
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 512,
    timeout: Duration.minutes(1),
    tracing: Tracing.ACTIVE,
    logGroup,
    ...props,
    bundling: {
      format: OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: true,
      // ESM bundles need a require() for the CommonJS dependencies they inline.
      banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (inputDir: string, outputDir: string) => [
          `cp -r "${inputDir}/functions/queries" "${outputDir}/queries"`,
        ],
      },
      ...props.bundling,
    },
  });
  acknowledge(fn, {
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
      'The AWS managed basic execution role only lets the function write its own CloudWatch Logs.',
    'AwsSolutions-IAM5[Resource::*]':
      'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) have no resource to narrow to.',
  });
  return fn;
}

/** Records a justified exception to an AWS Solutions (cdk-nag) rule where it arises. */
export function acknowledge(scope: Construct, reasons: Record<string, string>): void {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(scope).acknowledge({ id, reason });
}
