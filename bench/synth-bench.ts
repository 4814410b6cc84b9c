/*
 * Synth benchmark: the same API of N Lambda routes, built with EdgeApi (the preset) and with a
 * plain aws-cdk-lib RestApi (the baseline), synthesized in one warm process, for several sizes and
 * both route shapes in one run.
 *
 *   npm run bench -- [--sizes=100,500,2000] [--shapes=nested,flat] [--reps=3] [--slow-reps=1]
 *                    [--slow-seconds=10] [--json] [--breakdown]
 *
 * Reports CloudFormation resources, template bytes (indented, and without indentation), in-process
 * synth time (new App() -> constructs -> app.synth(), median of the repetitions), and the
 * preset/baseline ratios, then checks the targets at N = 100. A report, not a test: a missed target
 * is printed, never turned into a non-zero exit code. bench/fresh-synth-bench.ts measures what a
 * one-shot `cdk synth` pays instead.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CloudFormationValidatePlugin } from 'aws-cdk-lib';
import type * as Presets from '../lib';
import {
  BENCH_CONTEXT,
  benchStack,
  buildApi,
  RESOURCE_LIMIT_RULE,
  routePath,
  Shape,
  SHAPES,
  Variant,
  VARIANT_CODE,
  VARIANTS,
} from './support/apis';
import { preferTypeScriptSources } from './support/prefer-typescript-sources';
import { cdkVersion, intList, machine, median, positiveInt, ratio, table } from './support/report';

preferTypeScriptSources();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- must run after preferTypeScriptSources()
const presets: typeof Presets = require('../lib');

const USAGE =
  'usage: npm run bench -- [--sizes=100,500,2000] [--shapes=nested,flat] [--reps=3] [--slow-reps=1] ' +
  '[--slow-seconds=10] [--json] [--breakdown]';

interface Options {
  readonly sizes: number[];
  readonly shapes: Shape[];
  readonly reps: number;
  /** Repetitions of a variant whose first full-size run took longer than `slowMs`. */
  readonly slowReps: number;
  readonly slowMs: number;
  readonly json: boolean;
  readonly breakdown: boolean;
}

interface Sample {
  readonly constructMs: number;
  readonly synthMs: number;
  readonly totalMs: number;
  readonly resources: number;
  readonly byType: Record<string, number>;
  /** Bytes of the template as aws-cdk-lib writes it by default, indented (computed from the written one). */
  readonly templateBytes: number;
  /** Bytes of the template as written, without indentation. */
  readonly unindentedBytes: number;
}

interface VariantResult {
  readonly resources: number;
  readonly byType: Record<string, number>;
  readonly templateBytes: number;
  /** Bytes of the same template written with `suppressTemplateIndentation: true`. */
  readonly unindentedBytes?: number;
  readonly timeMs: { median: number; min: number; max: number; samples: number[] };
  readonly constructMs: number;
  readonly synthMs: number;
  /** Set when the first full-size run took longer than the slow threshold, so fewer runs were made. */
  readonly slowFirstRunMs?: number;
}

interface SizeResult {
  readonly shape: Shape;
  readonly routes: number;
  readonly preset: VariantResult;
  readonly baseline: VariantResult;
  readonly ratios: { resources: number; templateBytes: number; unindentedBytes?: number; time: number };
}

const WARM_UP_ROUTES = 5;
const WARM_UP_FULL_SIZE = 2;
const MAIN_TYPES = ['AWS::ApiGateway::Method', 'AWS::ApiGateway::Resource', 'AWS::Lambda::Permission'];
/** CloudFormation's limits on one stack (aws-cdk-lib warns from 1,000,000 template characters). */
const MAX_RESOURCES = 500;
const MAX_TEMPLATE_BYTES = 1_000_000;
/** Issue 6's targets at N = 100, as preset/baseline ratios. */
const TARGET_ROUTES = 100;
const TARGETS = { resources: 0.1, time: 0.5 };

function parseArgs(argv: string[]): Options {
  const options = {
    sizes: [100, 500, 2000],
    shapes: [...SHAPES],
    reps: 3,
    slowReps: 1,
    slowMs: 10_000,
    json: false,
    breakdown: false,
  };
  for (const arg of argv) {
    const [name, value] = arg.split('=', 2) as [string, string | undefined];
    if (name === '--json' && value === undefined) {
      options.json = true;
    } else if (name === '--breakdown' && value === undefined) {
      options.breakdown = true;
    } else if (name === '--sizes' && value) {
      options.sizes = intList(value, 'sizes');
    } else if (name === '--shapes' && value) {
      const shapes = value.split(',') as Shape[];
      if (shapes.some((s) => !SHAPES.includes(s))) {
        throw new Error(`--shapes takes nested, flat or both, got '${value}'\n${USAGE}`);
      }
      options.shapes = shapes;
    } else if (name === '--reps' && value) {
      options.reps = positiveInt(value, 'reps');
    } else if (name === '--slow-reps' && value) {
      options.slowReps = positiveInt(value, 'slow-reps');
    } else if (name === '--slow-seconds' && value) {
      options.slowMs = positiveInt(value, 'slow-seconds') * 1000;
    } else {
      throw new Error(`unknown argument ${arg}\n${USAGE}`);
    }
  }
  return options;
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

interface RunSettings {
  readonly validation: boolean;
}

function measure(variant: Variant, shape: Shape, n: number, outRoot: string, settings: RunSettings): Sample {
  const outdir = fs.mkdtempSync(path.join(outRoot, `${variant}-`));
  try {
    validationEngine._disposeSingleton?.();
    const start = process.hrtime.bigint();
    const app = new App({
      outdir,
      context: BENCH_CONTEXT,
      // Off only for the --breakdown diagnostic.
      ...(settings.validation ? {} : { builtinCloudFormationValidation: false }),
    });
    // Without indentation, as an API of thousands of routes must be written to fit in 1 MB; the
    // indented size is computed from the written template.
    const stack = benchStack(app, { suppressTemplateIndentation: true });
    buildApi(presets, variant, stack, shape, n);
    const built = process.hrtime.bigint();
    const assembly = app.synth();
    const end = process.hrtime.bigint();

    const templatePath = path.join(
      assembly.directory,
      assembly.getStackArtifact(stack.artifactId).templateFile,
    );
    const text = fs.readFileSync(templatePath, 'utf8');
    const template = JSON.parse(text) as { Resources?: Record<string, { Type: string }> };
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
      // What aws-cdk-lib writes with its default indentation (JSON.stringify with one space a level).
      templateBytes: Buffer.byteLength(JSON.stringify(template, undefined, 1)),
      unindentedBytes: Buffer.byteLength(text),
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function summarize(list: Sample[], slowFirstRunMs?: number): VariantResult {
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
    unindentedBytes: first.unindentedBytes,
    timeMs: { median: median(totals), min: Math.min(...totals), max: Math.max(...totals), samples: totals },
    constructMs: median(list.map((s) => s.constructMs)),
    synthMs: median(list.map((s) => s.synthMs)),
    ...(slowFirstRunMs === undefined ? {} : { slowFirstRunMs }),
  };
}

/**
 * Both variants at one size and shape: full-size warm-up runs, then the repetitions in alternating
 * order. A variant whose first full-size run is slower than the threshold (the baseline at
 * thousands of resources, where aws-cdk-lib's validation dominates) gets one warm-up and
 * `slowReps` repetitions, so the default run stays within minutes; the report marks it.
 */
function measureSize(
  shape: Shape,
  n: number,
  outRoot: string,
  options: Options,
  validation: boolean,
): SizeResult {
  const timed: RunSettings = { validation };
  const firstRunMs = {} as Record<Variant, number>;
  for (const variant of VARIANTS) {
    firstRunMs[variant] = measure(variant, shape, n, outRoot, timed).totalMs;
  }
  const slow = (variant: Variant): boolean => firstRunMs[variant] > options.slowMs;
  for (let warmUp = 1; warmUp < WARM_UP_FULL_SIZE; warmUp++) {
    for (const variant of [...VARIANTS].reverse()) {
      if (!slow(variant)) {
        measure(variant, shape, n, outRoot, timed);
      }
    }
  }
  const repsOf = (variant: Variant): number =>
    slow(variant) ? Math.min(options.slowReps, options.reps) : options.reps;
  const samples: Record<Variant, Sample[]> = { preset: [], baseline: [] };
  for (let rep = 0; rep < options.reps; rep++) {
    const order = rep % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const variant of order) {
      if (rep < repsOf(variant)) {
        samples[variant].push(measure(variant, shape, n, outRoot, timed));
      }
    }
  }
  const result = (variant: Variant): VariantResult =>
    summarize(samples[variant], slow(variant) ? firstRunMs[variant] : undefined);
  const preset = result('preset');
  const baseline = result('baseline');
  return {
    shape,
    routes: n,
    preset,
    baseline,
    ratios: {
      resources: ratio(preset.resources, baseline.resources),
      templateBytes: ratio(preset.templateBytes, baseline.templateBytes),
      ...(preset.unindentedBytes !== undefined && baseline.unindentedBytes !== undefined
        ? { unindentedBytes: ratio(preset.unindentedBytes, baseline.unindentedBytes) }
        : {}),
      time: ratio(preset.timeMs.median, baseline.timeMs.median),
    },
  };
}

function measureAll(
  options: Options,
  outRoot: string,
  validation: boolean,
  log: (line: string) => void,
): SizeResult[] {
  // A small warm-up loads the modules and the code paths of both variants and both shapes.
  for (const shape of options.shapes) {
    for (const variant of VARIANTS) {
      measure(variant, shape, WARM_UP_ROUTES, outRoot, { validation });
    }
  }
  const results: SizeResult[] = [];
  for (const shape of options.shapes) {
    for (const n of options.sizes) {
      const started = Date.now();
      log(`  ${shape} N=${n} (validation ${validation ? 'on' : 'off'}) ...`);
      results.push(measureSize(shape, n, outRoot, options, validation));
      log(`    done in ${Math.round((Date.now() - started) / 1000)} s`);
    }
  }
  return results;
}

const fmtMs = (ms: number): string => `${Math.round(ms)} ms`;
const over = (value: number, limit: number): string => `${value}${value > limit ? '!' : ''}`;

/** One table per shape: metrics down, sizes across. */
function shapeTable(results: SizeResult[], withoutValidation?: SizeResult[]): string {
  const header = ['', '', ...results.map((r) => `N=${r.routes}`)];
  const rows: string[][] = [header];
  const triple = (
    label: string,
    cell: (v: VariantResult) => string,
    ratioCell?: (r: SizeResult) => string,
  ): void => {
    rows.push([label, 'preset', ...results.map((r) => cell(r.preset))]);
    rows.push(['', 'baseline', ...results.map((r) => cell(r.baseline))]);
    if (ratioCell) {
      rows.push(['', 'ratio', ...results.map(ratioCell)]);
    }
  };
  triple(
    'CFN resources',
    (v) => over(v.resources, MAX_RESOURCES),
    (r) => `${r.ratios.resources}`,
  );
  triple('  Method/Resource/Permission', (v) => MAIN_TYPES.map((t) => v.byType[t] ?? 0).join('/'));
  triple(
    'template bytes, indented',
    (v) => over(v.templateBytes, MAX_TEMPLATE_BYTES),
    (r) => `${r.ratios.templateBytes}`,
  );
  triple(
    '  without indentation',
    (v) => (v.unindentedBytes === undefined ? '-' : over(v.unindentedBytes, MAX_TEMPLATE_BYTES)),
    (r) => `${r.ratios.unindentedBytes ?? '-'}`,
  );
  triple(
    'synth time, median',
    (v) => `${fmtMs(v.timeMs.median)}${v.slowFirstRunMs === undefined ? '' : '*'}`,
    (r) => `${r.ratios.time}`,
  );
  triple('  min .. max', (v) => `${Math.round(v.timeMs.min)} .. ${fmtMs(v.timeMs.max)}`);
  triple('  constructs + app.synth()', (v) => `${Math.round(v.constructMs)} + ${fmtMs(v.synthMs)}`);
  triple('  repetitions', (v) => `${v.timeMs.samples.length}`);
  if (withoutValidation) {
    const off = (r: SizeResult): SizeResult =>
      withoutValidation.find((w) => w.shape === r.shape && w.routes === r.routes)!;
    rows.push([
      'validation off, median',
      'preset',
      ...results.map((r) => fmtMs(off(r).preset.timeMs.median)),
    ]);
    rows.push(['', 'baseline', ...results.map((r) => fmtMs(off(r).baseline.timeMs.median))]);
    rows.push(['', 'ratio', ...results.map((r) => `${off(r).ratios.time}`)]);
    rows.push([
      'validation share (est.)',
      'preset',
      ...results.map((r) => fmtMs(r.preset.timeMs.median - off(r).preset.timeMs.median)),
    ]);
    rows.push([
      '',
      'baseline',
      ...results.map((r) => fmtMs(r.baseline.timeMs.median - off(r).baseline.timeMs.median)),
    ]);
  }
  return table(rows, 2);
}

function typeList(byType: Record<string, number>): string {
  return Object.entries(byType)
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .map(([type, count]) => `${type.replace(/^AWS::/, '')} ${count}`)
    .join(', ');
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const validationEnv = process.env.CDK_VALIDATION;
  const libEntry = require.resolve('../lib');
  const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-bench-'));
  const log = (line: string): void => {
    if (!options.json) {
      process.stderr.write(`${line}\n`);
    }
  };

  let results: SizeResult[];
  let withoutValidation: SizeResult[] | undefined;
  const started = Date.now();
  try {
    log(
      `measuring, validation on: sizes ${options.sizes.join(', ')}; shapes ${options.shapes.join(', ')} ...`,
    );
    results = measureAll(options, outRoot, true, log);
    if (options.breakdown) {
      log('breakdown: the same runs with built-in CloudFormation validation off ...');
      withoutValidation = measureAll(options, outRoot, false, log);
    }
  } finally {
    fs.rmSync(outRoot, { recursive: true, force: true });
  }
  const elapsedS = Math.round((Date.now() - started) / 1000);

  const atTarget = results.filter((r) => r.routes === TARGET_ROUTES);
  const targets = atTarget.map((r) => ({
    shape: r.shape,
    routes: r.routes,
    resources: {
      ratio: r.ratios.resources,
      target: TARGETS.resources,
      met: r.ratios.resources <= TARGETS.resources,
    },
    time: { ratio: r.ratios.time, target: TARGETS.time, met: r.ratios.time <= TARGETS.time },
  }));
  const slowRuns = results.flatMap((r) =>
    VARIANTS.filter((v) => r[v].slowFirstRunMs !== undefined).map(
      (v) => `${v} ${r.shape} N=${r.routes} (first run ${Math.round(r[v].slowFirstRunMs! / 1000)} s)`,
    ),
  );
  const setup = {
    sizes: options.sizes,
    shapes: options.shapes,
    repetitions: options.reps,
    slowRule:
      `a variant whose first full-size run takes over ${options.slowMs / 1000} s gets 1 warm-up run and ` +
      `${Math.min(options.slowReps, options.reps)} repetition(s)`,
    slowRuns,
    warmUp: `each variant at N=${WARM_UP_ROUTES} per shape, then ${WARM_UP_FULL_SIZE} runs of each at every size (not measured)`,
    context: BENCH_CONTEXT,
    acknowledged: RESOURCE_LIMIT_RULE,
    builtinCloudFormationValidation:
      validationEnv === 'false'
        ? `OFF (CDK_VALIDATION=${validationEnv} in the environment)`
        : 'on (aws-cdk-lib default, both variants)',
    validationEngine: CAN_RESET_VALIDATION_ENGINE
      ? 'rebuilt for every run (untimed reset before new App()), as in a one-shot cdk synth'
      : 'shared across runs (aws-cdk-lib no longer has _disposeSingleton): times depend on run order',
    library: path.relative(process.cwd(), libEntry),
    awsCdkLib: cdkVersion(),
    machine: machine(),
    date: new Date().toISOString(),
    elapsedSeconds: elapsedS,
  };

  if (options.json) {
    const out = { setup, results, targets, ...(withoutValidation ? { withoutValidation } : {}) };
    process.stdout.write(`${JSON.stringify(out, undefined, 2)}\n`);
    return;
  }

  const lines: string[] = [];
  lines.push(
    'Synth benchmark, in process: N GET routes to one shared Lambda function, preset against baseline',
  );
  lines.push(`  preset:   ${VARIANT_CODE.preset}`);
  lines.push(`  baseline: ${VARIANT_CODE.baseline}`);
  lines.push(`  aws-cdk-lib ${setup.awsCdkLib}, ${setup.machine}; library loaded from ${setup.library}`);
  lines.push(`  built-in CloudFormation validation: ${setup.builtinCloudFormationValidation}`);
  lines.push(`  validation engine: ${setup.validationEngine}`);
  lines.push(
    `  both variants: context '@aws-cdk/core:stackResourceLimit': 0 and ${RESOURCE_LIMIT_RULE} acknowledged, ` +
      'so the baseline synthesizes past 500 resources; no feature flags',
  );
  lines.push(
    `  time = new App() -> constructs -> app.synth(), median of ${options.reps} repetitions in alternating order`,
  );
  lines.push(`  warm-up: ${setup.warmUp}`);
  lines.push(`  * slow: ${setup.slowRule}`);
  lines.push(
    '  bytes: templates are written with suppressTemplateIndentation: true (as 2,000 routes must be); the indented size (the default) is computed from them',
  );
  lines.push(
    `  ! = over a CloudFormation limit: ${MAX_RESOURCES} resources, ${MAX_TEMPLATE_BYTES.toLocaleString('en-US')} template bytes`,
  );
  lines.push(`  ratio = preset / baseline; ${setup.date.slice(0, 16)} UTC, whole run ${elapsedS} s`);
  for (const shape of options.shapes) {
    const rows = results.filter((r) => r.shape === shape);
    const largest = rows[rows.length - 1];
    lines.push('');
    lines.push(`${shape}: GET ${routePath(shape, 0).replace('0', 'K')}`);
    lines.push(shapeTable(rows, withoutValidation));
    lines.push(`resource types at N=${largest.routes}:`);
    lines.push(`  preset:   ${typeList(largest.preset.byType)}`);
    lines.push(`  baseline: ${typeList(largest.baseline.byType)}`);
  }
  if (slowRuns.length > 0) {
    lines.push('');
    lines.push(`* fewer runs (slow): ${slowRuns.join('; ')}`);
  }
  lines.push('');
  lines.push(
    `targets at N=${TARGET_ROUTES}: resources ratio <= ${TARGETS.resources}, synth time ratio <= ${TARGETS.time}`,
  );
  if (targets.length === 0) {
    lines.push(`  not measured: add ${TARGET_ROUTES} to --sizes`);
  }
  for (const t of targets) {
    const verdict = (met: boolean): string => (met ? 'MET' : 'MISSED');
    lines.push(
      `  ${t.shape.padEnd(6)} resources ${t.resources.ratio} -> ${verdict(t.resources.met)}; ` +
        `time ${t.time.ratio} -> ${verdict(t.time.met)}`,
    );
  }
  lines.push('(a report, not a test: the exit code is 0 either way; timings on a shared machine are noisy)');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
