import * as lambda from 'aws-cdk-lib/aws-lambda';

/** A runtime name as cdk-nag reads it: family, then version (`nodejs24.x` is `nodejs`, `24.x`). */
const RUNTIME_NAME = /^([a-z]+)(\d+(\.?\d+|\.x)?)?.*$/;

/**
 * The newest Node.js Lambda runtime that the aws-cdk-lib in use defines, for the library's own
 * functions (custom resource and presign handlers).
 *
 * cdk-nag's latest-runtime rules (AwsSolutions-L1, Serverless-LambdaLatestVersion) compare a function's
 * runtime with the newest runtime of its family among those the app's aws-cdk-lib knows
 * (`lambda.Runtime.ALL`), ordered by version number. `Runtime.NODEJS_LATEST` lags behind that on
 * purpose (aws-cdk-lib 2.278 adds `NODEJS_26_X` while `NODEJS_LATEST` stays `nodejs24.x`), so a fixed
 * choice fails those rules for a user whose aws-cdk-lib is newer than the one it was chosen with. This
 * picks, at synth, among the runtimes `lambda.Runtime` defines as static properties, the newest by the
 * same ordering; deprecated runtimes are old ones, never the newest. The handlers are plain CommonJS
 * with promise-based entry points (no callback, which Node.js 24 and later no longer support) using
 * only Node.js core modules and the AWS SDK v3 that the Node.js runtimes include, so they run on any
 * runtime this can return (`nodejs24.x` or later with the aws-cdk-lib versions the library supports).
 */
export function newestNodejsRuntime(): lambda.Runtime {
  const candidates = Object.getOwnPropertyNames(lambda.Runtime)
    .map((name) => (lambda.Runtime as unknown as Record<string, unknown>)[name])
    .filter(
      (value): value is lambda.Runtime =>
        value instanceof lambda.Runtime &&
        value.family === lambda.RuntimeFamily.NODEJS &&
        !value.isVariable &&
        RUNTIME_NAME.exec(value.name)?.[1] === 'nodejs' &&
        RUNTIME_NAME.exec(value.name)?.[2] !== undefined,
    );
  return candidates.reduce((newest, runtime) =>
    compareVersions(versionOf(runtime), versionOf(newest)) > 0 ? runtime : newest,
  );
}

function versionOf(runtime: lambda.Runtime): string {
  return RUNTIME_NAME.exec(runtime.name)![2];
}

/** Orders versions as cdk-nag does: numeric parts by value (`8.10` before `10.x`). */
function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
}
