/*
 * Synth benchmark: the same API of N Lambda routes, built with EdgeApi (the preset) and with a
 * plain aws-cdk-lib RestApi (the baseline), synthesized in one process.
 *
 *   npm run bench -- [N=100] [REPETITIONS=3] [--json] [--breakdown]
 *
 * Reports CloudFormation resources (total and by type), template bytes and in-process synth time
 * (new App() -> constructs -> app.synth(), median of the repetitions), and the preset/baseline ratios.
 * A report, not a test: a missed target is printed, never turned into a non-zero exit code.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CloudFormationValidatePlugin, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as Presets from '../lib';
import { preferTypeScriptSources } from './support/prefer-typescript-sources';

preferTypeScriptSources();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- must run after preferTypeScriptSources()
const presets: typeof Presets = require('../lib');

type Variant = 'preset' | 'baseline';

interface Sample {
  readonly constructMs: number;
  readonly synthMs: number;
  readonly totalMs: number;
  readonly resources: number;
  readonly byType: Record<string, number>;
  readonly templateBytes: number;
}

interface VariantResult {
  readonly resources: number;
  readonly byType: Record<string, number>;
  readonly templateBytes: number;
  readonly timeMs: { median: number; min: number; max: number; samples: number[] };
  readonly constructMs: number;
  readonly synthMs: number;
}

const MAIN_TYPES = ['AWS::ApiGateway::Method', 'AWS::ApiGateway::Resource', 'AWS::Lambda::Permission'];
const WARM_UP_ROUTES = 5;
const WARM_UP_FULL_SIZE = 2;

/** The same context for both variants; nothing else is set, so no feature flags apply. */
const CONTEXT: Record<string, unknown> = {
  // CDK refuses stacks over 500 resources by default; the baseline passes 500 at about 125 routes.
  '@aws-cdk/core:stackResourceLimit': 0,
};

const USAGE = 'usage: npm run bench -- [N=100] [REPETITIONS=3] [--shape=nested|flat] [--json] [--breakdown]';

/**
 * Route shapes: `nested` puts each route one level down (`/rK/{id}`: two API Gateway resources a
 * route), `flat` at the top (`/rK`: one a route). Both variants use the same shape.
 */
type Shape = 'nested' | 'flat';
let routePath: (i: number) => string = (i) => `/r${i}/{id}`;

function parseArgs(argv: string[]): {
  n: number;
  reps: number;
  json: boolean;
  breakdown: boolean;
  shape: Shape;
} {
  const flags = argv.filter((a) => a.startsWith('--') && !a.startsWith('--shape='));
  const shapeFlag = argv.find((a) => a.startsWith('--shape='));
  const shape = (shapeFlag?.slice('--shape='.length) ?? 'nested') as Shape;
  if (!['nested', 'flat'].includes(shape)) {
    throw new Error(`unknown shape ${shape}\n${USAGE}`);
  }
  const positional = argv.filter((a) => !a.startsWith('--'));
  for (const flag of flags) {
    if (!['--json', '--breakdown'].includes(flag)) {
      throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  const int = (value: string | undefined, fallback: number, name: string): number => {
    if (value === undefined) {
      return fallback;
    }
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) {
      throw new Error(`${name} must be a positive integer, got '${value}'\n${USAGE}`);
    }
    return parsed;
  };
  if (positional.length > 2) {
    throw new Error(`too many arguments: ${positional.join(' ')}\n${USAGE}`);
  }
  return {
    n: int(positional[0], 100, 'N'),
    reps: int(positional[1], 3, 'REPETITIONS'),
    json: flags.includes('--json'),
    breakdown: flags.includes('--breakdown'),
    shape,
  };
}

/** The one function every route invokes, created identically in both variants. */
function sharedFunction(stack: Stack): lambda.Function {
  return new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
}

function buildPreset(stack: Stack, fn: lambda.IFunction, n: number): void {
  const api = new presets.EdgeApi(stack, 'Api');
  for (let i = 0; i < n; i++) {
    api.addRoute('GET', routePath(i), presets.RouteIntegration.lambdaFunction(fn));
  }
}

function buildBaseline(stack: Stack, fn: lambda.IFunction, n: number): void {
  const api = new apigw.RestApi(stack, 'Api');
  for (let i = 0; i < n; i++) {
    api.root.resourceForPath(routePath(i)).addMethod('GET', new apigw.LambdaIntegration(fn));
  }
}

function elapsedMs(from: bigint, to: bigint): number {
  return Number(to - from) / 1e6;
}

/**
 * The built-in validation engine is a process-wide singleton, rebuilt (a few hundred ms) only when a
 * template has a resource type it was not built for. Alternating preset and baseline would make
 * each variant pay for the rebuild on some runs and not on others, depending on what ran before.
 * Disposing it before every run (outside the timed region) makes each run build it once, like a
 * one-shot `cdk synth`. `_disposeSingleton` is internal to aws-cdk-lib; if it disappears, runs
 * fall back to the shared engine and the output says so.
 */
const validationEngine = CloudFormationValidatePlugin as unknown as { _disposeSingleton?: () => void };
const CAN_RESET_VALIDATION_ENGINE = typeof validationEngine._disposeSingleton === 'function';

function measure(variant: Variant, n: number, outRoot: string, validation: boolean): Sample {
  const outdir = fs.mkdtempSync(path.join(outRoot, `${variant}-`));
  try {
    validationEngine._disposeSingleton?.();
    const start = process.hrtime.bigint();
    const app = new App({
      outdir,
      context: CONTEXT,
      // Only the --breakdown diagnostic turns this off; the measured runs keep the default (on).
      ...(validation ? {} : { builtinCloudFormationValidation: false }),
    });
    const stack = new Stack(app, 'Bench');
    const fn = sharedFunction(stack);
    if (variant === 'preset') {
      buildPreset(stack, fn, n);
    } else {
      buildBaseline(stack, fn, n);
    }
    const built = process.hrtime.bigint();
    const assembly = app.synth();
    const end = process.hrtime.bigint();

    const templatePath = path.join(
      assembly.directory,
      assembly.getStackArtifact(stack.artifactId).templateFile,
    );
    const templateBytes = fs.statSync(templatePath).size;
    const template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as {
      Resources?: Record<string, { Type: string }>;
    };
    const byType: Record<string, number> = {};
    for (const resource of Object.values(template.Resources ?? {})) {
      byType[resource.Type] = (byType[resource.Type] ?? 0) + 1;
    }
    return {
      constructMs: elapsedMs(start, built),
      synthMs: elapsedMs(built, end),
      totalMs: elapsedMs(start, end),
      resources: Object.keys(template.Resources ?? {}).length,
      byType,
      templateBytes,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs both variants `reps` times, alternating which goes first. */
function runPairs(
  n: number,
  reps: number,
  outRoot: string,
  validation: boolean,
): Record<Variant, VariantResult> {
  const samples: Record<Variant, Sample[]> = { preset: [], baseline: [] };
  for (let rep = 0; rep < reps; rep++) {
    const order: Variant[] = rep % 2 === 0 ? ['preset', 'baseline'] : ['baseline', 'preset'];
    for (const variant of order) {
      samples[variant].push(measure(variant, n, outRoot, validation));
    }
  }
  const summarize = (list: Sample[]): VariantResult => {
    const first = list[0];
    for (const s of list) {
      if (s.resources !== first.resources || s.templateBytes !== first.templateBytes) {
        throw new Error('the template changed between repetitions; synthesis is not deterministic');
      }
    }
    const totals = list.map((s) => s.totalMs);
    return {
      resources: first.resources,
      byType: first.byType,
      templateBytes: first.templateBytes,
      timeMs: {
        median: median(totals),
        min: Math.min(...totals),
        max: Math.max(...totals),
        samples: totals,
      },
      constructMs: median(list.map((s) => s.constructMs)),
      synthMs: median(list.map((s) => s.synthMs)),
    };
  };
  return { preset: summarize(samples.preset), baseline: summarize(samples.baseline) };
}

function mainTypeCounts(byType: Record<string, number>): Record<string, number> {
  const counts: Record<string, number> = {};
  let others = 0;
  for (const type of MAIN_TYPES) {
    counts[type] = byType[type] ?? 0;
  }
  for (const [type, count] of Object.entries(byType)) {
    if (!MAIN_TYPES.includes(type)) {
      others += count;
    }
  }
  counts.others = others;
  return counts;
}

function cdkVersion(): string {
  const manifest = path.join(path.dirname(require.resolve('aws-cdk-lib')), 'package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  return rows
    .map((r) =>
      r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  '),
    )
    .join('\n');
}

function main(): void {
  const { n, reps, json, breakdown, shape } = parseArgs(process.argv.slice(2));
  if (shape === 'flat') {
    routePath = (i) => `/r${i}`;
  }
  const validationEnv = process.env.CDK_VALIDATION;
  const validationOn = validationEnv !== 'false';
  const libEntry = require.resolve('../lib');
  const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-bench-'));
  const cpus = os.cpus();
  const log = (line: string): void => {
    if (!json) {
      process.stderr.write(`${line}\n`);
    }
  };

  let results: Record<Variant, VariantResult>;
  let withoutValidation: Record<Variant, VariantResult> | undefined;
  let firstRun: Record<Variant, VariantResult>;
  try {
    // A small warm-up loads the modules; two full-size ones let V8 optimize the construct and synth
    // code paths and pay the one-time costs that grow with the template (the first validation of a
    // large template is several times slower), which would otherwise land on the first repetitions.
    log(`warm-up: both variants at N=${WARM_UP_ROUTES}, then ${WARM_UP_FULL_SIZE}x at N=${n} ...`);
    runPairs(WARM_UP_ROUTES, 1, outRoot, true);
    firstRun = runPairs(n, WARM_UP_FULL_SIZE, outRoot, true);
    log(`measuring: N=${n}, ${reps} repetition(s), alternating order ...`);
    results = runPairs(n, reps, outRoot, true);
    if (breakdown) {
      log('breakdown: the same runs with built-in CloudFormation validation off ...');
      runPairs(WARM_UP_ROUTES, 1, outRoot, false);
      runPairs(n, WARM_UP_FULL_SIZE, outRoot, false);
      withoutValidation = runPairs(n, reps, outRoot, false);
    }
  } finally {
    fs.rmSync(outRoot, { recursive: true, force: true });
  }

  const { preset, baseline } = results;
  const ratio = (a: number, b: number): number => Math.round((a / b) * 1000) / 1000;
  const ratios = {
    resources: ratio(preset.resources, baseline.resources),
    templateBytes: ratio(preset.templateBytes, baseline.templateBytes),
    time: ratio(preset.timeMs.median, baseline.timeMs.median),
  };
  const targets = {
    resources: { target: '<= 0.6', met: ratios.resources <= 0.6 },
    time: { target: '<= 1.0', met: ratios.time <= 1.0 },
  };
  const setup = {
    routes: n,
    repetitions: reps,
    warmUp: `both variants at N=${WARM_UP_ROUTES}, then ${WARM_UP_FULL_SIZE}x at N=${n} (not measured)`,
    context: CONTEXT,
    builtinCloudFormationValidation: validationOn
      ? 'on (aws-cdk-lib default, both variants)'
      : `OFF (CDK_VALIDATION=${validationEnv} in the environment)`,
    validationEngine: CAN_RESET_VALIDATION_ENGINE
      ? 'rebuilt for every run (untimed reset before new App()), as in a one-shot cdk synth'
      : 'shared across runs (aws-cdk-lib no longer has _disposeSingleton): times depend on run order',
    library: path.relative(process.cwd(), libEntry),
    awsCdkLib: cdkVersion(),
    node: process.version,
    cpus: `${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown'}`,
    date: new Date().toISOString(),
  };

  if (json) {
    const out = {
      setup,
      preset: { ...preset, mainTypes: mainTypeCounts(preset.byType) },
      baseline: { ...baseline, mainTypes: mainTypeCounts(baseline.byType) },
      ratios,
      targets,
      firstFullSizeSynthMs: {
        preset: firstRun.preset.timeMs.samples[0],
        baseline: firstRun.baseline.timeMs.samples[0],
      },
      ...(withoutValidation ? { withoutValidation } : {}),
    };
    process.stdout.write(`${JSON.stringify(out, undefined, 2)}\n`);
    return;
  }

  const p = mainTypeCounts(preset.byType);
  const b = mainTypeCounts(baseline.byType);
  const fmtMs = (ms: number): string => `${Math.round(ms)} ms`;
  const lines: string[] = [];
  lines.push(
    `Synth benchmark: ${n} Lambda routes (GET ${routePath(0).replace('0', 'K')}, shape ${shape}, one shared function)`,
  );
  lines.push(
    `  preset:   new EdgeApi(stack, 'Api') + api.addRoute('GET', path, RouteIntegration.lambdaFunction(fn))`,
  );
  lines.push(
    `  baseline: new apigw.RestApi(stack, 'Api') + root.resourceForPath(path).addMethod('GET', new LambdaIntegration(fn))`,
  );
  lines.push(
    `  aws-cdk-lib ${setup.awsCdkLib}, Node ${setup.node}, ${setup.cpus}; library loaded from ${setup.library}`,
  );
  lines.push(`  built-in CloudFormation validation: ${setup.builtinCloudFormationValidation}`);
  lines.push(`  validation engine: ${setup.validationEngine}`);
  lines.push(
    `  context (both variants): '@aws-cdk/core:stackResourceLimit': 0, so neither stack is refused above 500 resources; no feature flags`,
  );
  lines.push(
    `  time = new App() -> constructs -> app.synth(), in process, median of ${reps}; warm-up: ${setup.warmUp}`,
  );
  lines.push('');
  lines.push(
    table([
      ['', 'preset', 'baseline', 'preset/baseline'],
      ['CFN resources', `${preset.resources}`, `${baseline.resources}`, `${ratios.resources}`],
      ['  ApiGateway::Method', `${p[MAIN_TYPES[0]]}`, `${b[MAIN_TYPES[0]]}`, ''],
      ['  ApiGateway::Resource', `${p[MAIN_TYPES[1]]}`, `${b[MAIN_TYPES[1]]}`, ''],
      ['  Lambda::Permission', `${p[MAIN_TYPES[2]]}`, `${b[MAIN_TYPES[2]]}`, ''],
      ['  others', `${p.others}`, `${b.others}`, ''],
      ['template bytes', `${preset.templateBytes}`, `${baseline.templateBytes}`, `${ratios.templateBytes}`],
      ['synth time (median)', fmtMs(preset.timeMs.median), fmtMs(baseline.timeMs.median), `${ratios.time}`],
      [
        '  min .. max',
        `${fmtMs(preset.timeMs.min)} .. ${fmtMs(preset.timeMs.max)}`,
        `${fmtMs(baseline.timeMs.min)} .. ${fmtMs(baseline.timeMs.max)}`,
        '',
      ],
      ['  constructs (median)', fmtMs(preset.constructMs), fmtMs(baseline.constructMs), ''],
      ['  app.synth() (median)', fmtMs(preset.synthMs), fmtMs(baseline.synthMs), ''],
      [
        'first full-size synth *',
        fmtMs(firstRun.preset.timeMs.samples[0]),
        fmtMs(firstRun.baseline.timeMs.samples[0]),
        `${ratio(firstRun.preset.timeMs.samples[0], firstRun.baseline.timeMs.samples[0])}`,
      ],
    ]),
  );
  lines.push(
    '* first warm-up run at full size (preset ran first), one sample each, not in the median; closer to a one-shot `cdk synth`',
  );
  lines.push('');
  const others = (byType: Record<string, number>): string =>
    Object.entries(byType)
      .filter(([type]) => !MAIN_TYPES.includes(type))
      .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
      .map(([type, count]) => `${type.replace(/^AWS::/, '')} ${count}`)
      .join(', ');
  lines.push(`others, preset:   ${others(preset.byType)}`);
  lines.push(`others, baseline: ${others(baseline.byType)}`);
  if (withoutValidation) {
    const wp = withoutValidation.preset;
    const wb = withoutValidation.baseline;
    lines.push('');
    lines.push('breakdown (diagnostic): the same runs with builtinCloudFormationValidation: false');
    lines.push(
      table([
        ['', 'preset', 'baseline', 'preset/baseline'],
        [
          'synth time (median)',
          fmtMs(wp.timeMs.median),
          fmtMs(wb.timeMs.median),
          `${ratio(wp.timeMs.median, wb.timeMs.median)}`,
        ],
        ['  app.synth() (median)', fmtMs(wp.synthMs), fmtMs(wb.synthMs), ''],
        [
          'validation share (est.)',
          fmtMs(preset.timeMs.median - wp.timeMs.median),
          fmtMs(baseline.timeMs.median - wb.timeMs.median),
          '',
        ],
      ]),
    );
  }
  lines.push('');
  const verdict = (name: string, value: number, t: { target: string; met: boolean }): string =>
    `target ${name} ratio ${t.target}: ${value} -> ${t.met ? 'met' : 'MISSED'}`;
  lines.push(verdict('resources', ratios.resources, targets.resources));
  lines.push(verdict('time', ratios.time, targets.time));
  lines.push('(a report, not a test: the exit code is 0 either way; timings on a shared machine are noisy)');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
