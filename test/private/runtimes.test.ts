import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { newestNodejsRuntime } from '../../lib/private/runtimes';

/*
 * The library's own functions take the newest Node.js runtime of the aws-cdk-lib in use, which is what
 * cdk-nag's latest-runtime rules ask for. scripts/test-nag-latest.sh runs this file (and every other
 * file that runs the nag packs) against the newest aws-cdk-lib in the peer range as well.
 */

const LATEST_RUNTIME_RULES = ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion'];

/** The latest-runtime findings of both packs on a function with this runtime. */
function latestRuntimeFindings(runtime: lambda.Runtime): string[] {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  new lambda.CfnFunction(stack, 'Function', {
    runtime: runtime.name,
    handler: 'index.handler',
    code: { zipFile: 'exports.handler = async () => ({});' },
    role: 'arn:aws:iam::111111111111:role/function',
  });
  app.synth();
  return [AwsSolutionsChecks, ServerlessChecks]
    .flatMap((Pack) => new Pack().validateScope(stack).violations.map((v) => v.ruleName))
    .filter((rule) => LATEST_RUNTIME_RULES.includes(rule));
}

test('the aws-cdk-lib under test is the one expected, when a script says which', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved as the library resolves aws-cdk-lib
  const version = (require('aws-cdk-lib/package.json') as { version: string }).version;
  const expected = process.env.NAG_EXPECTED_AWS_CDK_LIB;
  if (expected !== undefined) {
    expect(version).toBe(expected);
  }
  expect(version).toMatch(/^2\.\d+\.\d+$/);
});

test("cdk-nag checks against the library's aws-cdk-lib: an older runtime is a finding of both packs", () => {
  // Were cdk-nag to load a second copy of aws-cdk-lib, no rule would apply and this would find nothing.
  expect(latestRuntimeFindings(lambda.Runtime.NODEJS_22_X)).toEqual(LATEST_RUNTIME_RULES);
});

test("the newest Node.js runtime is the one cdk-nag's latest-runtime rules accept", () => {
  expect(latestRuntimeFindings(newestNodejsRuntime())).toEqual([]);
});

test('the newest Node.js runtime is a fixed, versioned one, never older than NODEJS_LATEST', () => {
  const runtime = newestNodejsRuntime();
  expect(runtime.family).toBe(lambda.RuntimeFamily.NODEJS);
  expect(runtime.isVariable).toBe(false);
  expect(runtime.name).toMatch(/^nodejs\d+\.x$/);
  const major = (r: lambda.Runtime): number => Number(/^nodejs(\d+)/.exec(r.name)![1]);
  expect(major(runtime)).toBeGreaterThanOrEqual(major(lambda.Runtime.NODEJS_LATEST));
  expect(major(runtime)).toBeGreaterThanOrEqual(24);
});

test('the handlers are promise-based, with no callback parameter (which Node.js 24 and later refuse)', () => {
  for (const dir of ['observability/handler/account-cloudwatch-role', 'storage/handler/s3-presign']) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handlers are plain CommonJS
    const { handler } = require(`../../lib/${dir}/index.js`) as { handler: unknown };
    expect(typeof handler).toBe('function');
    expect((handler as (...args: unknown[]) => unknown).length).toBeLessThan(3);
  }
});
