/*
 * One measurement of bench/fresh-synth-bench.ts, in a process of its own: builds one API, synthesizes
 * it, prints what it cost as one JSON line on stdout and exits. The parent runs it as plain JavaScript,
 * so it pays for no ts-node start-up or type checking; only what a compiled CDK app pays.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from 'aws-cdk-lib';
import type * as Presets from '../../lib';
import { BENCH_CONTEXT, benchStack, buildApi, FloorVariant, Shape } from './apis';

/** What the parent asks for, as JSON in the first argument. */
export interface ChildConfig {
  readonly variant: FloorVariant;
  readonly shape: Shape;
  readonly routes: number;
  /** One function for each this many routes; 0 for one shared function. */
  readonly routesPerFunction: number;
  readonly validation: boolean;
  readonly outdir: string;
  /** The library's entry point: its jsii build, or its TypeScript sources under ts-node. */
  readonly library: string;
}

/** What the child prints. Times are ms since the process started (performance.now()). */
export interface ChildReport {
  /** Read by the parent once the child has exited, so that parsing it is not timed. */
  readonly templatePath?: string;
  /** The first line of the error when synth failed (the template was not written). */
  readonly failed?: string;
  /** Node start-up and loading this script and aws-cdk-lib's entry point. */
  readonly readyMs: number;
  readonly libraryLoadedMs: number;
  readonly constructedMs: number;
  readonly synthesizedMs: number;
  /** Peak resident set size of this process, in kB. */
  readonly maxRssKb: number;
}

function main(): void {
  const readyMs = performance.now();
  const config = JSON.parse(process.argv[2]) as ChildConfig;
  // Only the preset loads the library: a user of the plain RestApi would not.
  const presets: typeof Presets | undefined =
    config.variant === 'preset'
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- the parent chooses the build to load
        require(config.library)
      : undefined;
  const libraryLoadedMs = performance.now();
  const app = new App({
    outdir: config.outdir,
    context: config.validation
      ? // What cdk.json sets: CloudFormation Validate's findings fail synth instead of being printed.
        { ...BENCH_CONTEXT, '@aws-cdk/core:validateAgainstDefaultRules': true }
      : BENCH_CONTEXT,
    ...(config.validation ? {} : { builtinCloudFormationValidation: false }),
  });
  // Without indentation, as an API of thousands of routes must be written to fit in 1 MB.
  const stack = benchStack(app, { suppressTemplateIndentation: true });
  // N = 0 is the smallest API that synthesizes: API Gateway needs at least one method.
  buildApi(
    presets,
    config.variant,
    stack,
    config.shape,
    Math.max(config.routes, 1),
    config.routesPerFunction,
  );
  const constructedMs = performance.now();
  let templatePath: string | undefined;
  let failed: string | undefined;
  try {
    const assembly = app.synth();
    templatePath = path.join(assembly.directory, assembly.getStackArtifact(stack.artifactId).templateFile);
  } catch (error) {
    // A synth that fails (e.g. a template over CloudFormation's limits) is timed and reported as such.
    const lines = String(error).split('\n');
    failed = (lines.find((line) => line.includes('Invalid')) ?? lines[0]).trim().slice(0, 300);
  }
  const synthesizedMs = performance.now();

  const report: ChildReport = {
    templatePath,
    failed,
    readyMs,
    libraryLoadedMs,
    constructedMs,
    synthesizedMs,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main();
