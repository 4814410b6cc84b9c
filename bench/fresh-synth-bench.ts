/*
 * Fresh-process synth benchmark: what a user pays for a one-shot `cdk synth`. Each measurement is a
 * new `node` process that loads aws-cdk-lib and the library, builds one API (the preset, the plain
 * RestApi baseline, or the floor: a SpecRestApi given a hand-built OpenAPI object), synthesizes it and
 * exits; this script times it from spawn to exit and reads the child's peak RSS, with aws-cdk-lib's
 * built-in CloudFormation validation on (as cdk.json sets it) and off.
 *
 *   npm run bench:fresh -- [--sizes=100,500,2000,5000] [--reps=3] [--shape=nested|flat] [--json]
 *                          [--routes-per-function=10] [--baseline-up-to=2000]
 *                          [--from-sources | --lib=<built index.js>]
 *
 * The child loads the library's jsii build (lib/index.js), which must be newer than its sources
 * (`npm run build`); --from-sources loads lib/index.ts through ts-node without type checking instead.
 * A report, not a test: the exit code is 0 unless a measurement could not be made.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { FLOOR_VARIANTS, FloorVariant, routePath, Shape, SHAPES, VARIANT_CODE } from './support/apis';
import type { ChildConfig, ChildReport } from './support/fresh-synth-child';
import { cdkVersion, intList, machine, median, positiveInt, ratio, table } from './support/report';

const USAGE =
  'usage: npm run bench:fresh -- [--sizes=100,500,2000,5000] [--reps=3] [--shape=nested|flat] [--json] ' +
  '[--routes-per-function=10] [--baseline-up-to=2000] [--from-sources | --lib=<built index.js>]';

const ROOT = path.join(__dirname, '..');
const LIB = path.join(ROOT, 'lib');
const MODES = ['on', 'off'] as const;
type Mode = (typeof MODES)[number];

interface Options {
  readonly sizes: number[];
  readonly reps: number;
  readonly shape: Shape;
  readonly json: boolean;
  readonly fromSources: boolean;
  /** A built library to load instead of lib/index.js, e.g. another checkout's. */
  readonly lib?: string;
  /** One function for each this many routes; 0 for one shared function. */
  readonly routesPerFunction: number;
  /** The largest N the baseline is measured at (its validation of N x 5 resources takes minutes past 2,000). */
  readonly baselineUpTo: number;
}

interface Run {
  readonly wallMs: number;
  readonly report: ChildReport;
  readonly resources?: number;
  readonly templateBytes?: number;
}

interface Cell {
  /** The first line of the error, when synth failed. */
  readonly failed?: string;
  readonly resources?: number;
  readonly templateBytes?: number;
  readonly wallMs: { median: number; min: number; max: number; samples: number[] };
  readonly maxRssMb: { median: number; max: number };
  /** Medians, in ms since the child started: Node start-up, library loaded, constructs built, synthesized. */
  readonly phasesMs: { ready: number; library: number; constructs: number; synth: number };
}

/** A variant not measured at a size (the baseline past --baseline-up-to) has no cell. */
type Results = Record<number, Record<Mode, Partial<Record<FloorVariant, Cell>>>>;

function parseArgs(argv: string[]): Options {
  const options: { -readonly [K in keyof Options]: Options[K] } = {
    sizes: [100, 500, 2000, 5000],
    reps: 3,
    shape: 'nested',
    json: false,
    fromSources: false,
    routesPerFunction: 10,
    baselineUpTo: 2000,
  };
  for (const arg of argv) {
    const [name, value] = arg.split('=', 2) as [string, string | undefined];
    if (name === '--json' && value === undefined) {
      options.json = true;
    } else if (name === '--from-sources' && value === undefined) {
      options.fromSources = true;
    } else if (name === '--sizes' && value) {
      options.sizes = intList(value, 'sizes', true);
    } else if (name === '--reps' && value) {
      options.reps = positiveInt(value, 'reps');
    } else if (name === '--routes-per-function' && value) {
      options.routesPerFunction = value === '0' ? 0 : positiveInt(value, 'routes-per-function');
    } else if (name === '--baseline-up-to' && value) {
      options.baselineUpTo = positiveInt(value, 'baseline-up-to');
    } else if (name === '--shape' && value && SHAPES.includes(value as Shape)) {
      options.shape = value as Shape;
    } else if (name === '--lib' && value) {
      options.lib = path.resolve(value);
    } else {
      throw new Error(`unknown argument ${arg}\n${USAGE}`);
    }
  }
  if (options.fromSources && options.lib) {
    throw new Error(`--from-sources and --lib exclude each other\n${USAGE}`);
  }
  return options;
}

/** The sources under lib/ whose jsii output (the .js beside them) is missing or older. */
function staleSources(dir: string): string[] {
  const stale: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      stale.push(...staleSources(file));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      const built = file.replace(/\.ts$/, '.js');
      if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(file).mtimeMs) {
        stale.push(path.relative(ROOT, file));
      }
    }
  }
  return stale;
}

/**
 * The child is written in TypeScript for type checking, but runs as JavaScript: transpiled here once,
 * without type checking, so no measurement pays for ts-node. Its modules are resolved from the
 * project's node_modules through NODE_PATH.
 */
function transpileChild(outdir: string): string {
  for (const name of ['fresh-synth-child', 'apis']) {
    const source = path.join(__dirname, 'support', `${name}.ts`);
    const { outputText } = ts.transpileModule(fs.readFileSync(source, 'utf8'), {
      fileName: source,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    fs.writeFileSync(path.join(outdir, `${name}.js`), outputText);
  }
  return path.join(outdir, 'fresh-synth-child.js');
}

interface Launcher {
  readonly library: string;
  readonly nodeArgs: string[];
  readonly env: NodeJS.ProcessEnv;
  readonly description: string;
}

function launcher(options: Options): Launcher {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') };
  // CDK_VALIDATION=false would turn validation off in the runs that report it on.
  delete env.CDK_VALIDATION;
  if (options.fromSources) {
    return {
      library: path.join(LIB, 'index.ts'),
      // Both variants load ts-node, so both pay its start-up; only the preset pays for transpiling lib/.
      nodeArgs: ['--require', 'ts-node/register'],
      env: {
        ...env,
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json'),
        TS_NODE_TRANSPILE_ONLY: 'true',
        TS_NODE_PREFER_TS_EXTS: 'true',
        // TypeScript 6 asks for an explicit rootDir when ts-node compiles outside the project's own files.
        TS_NODE_COMPILER_OPTIONS: JSON.stringify({ rootDir: ROOT }),
      },
      description:
        'lib/index.ts through ts-node, transpile-only (no type checking), in both variants: the preset ' +
        'also pays for transpiling its sources, which users of the published package do not',
    };
  }
  if (options.lib) {
    return {
      library: options.lib,
      nodeArgs: [],
      env,
      description: `${options.lib} (given with --lib, not checked against lib/'s sources); no ts-node`,
    };
  }
  const entry = path.join(LIB, 'index.js');
  const stale = staleSources(LIB);
  if (!fs.existsSync(entry) || stale.length > 0) {
    const which =
      stale.length > 0 ? `${stale.length} source(s) newer than their build, e.g. ${stale[0]}` : '';
    process.stderr.write(
      `The jsii build in lib/ is missing or older than its sources (${which || 'no lib/index.js'}).\n` +
        'Run `npm run build` first, pass --from-sources to load the TypeScript sources through ts-node ' +
        '(transpile-only), or --lib=<path> to load another build.\n',
    );
    process.exit(1);
  }
  const builtAt = fs.statSync(entry).mtime.toISOString().slice(0, 16).replace('T', ' ');
  return {
    library: entry,
    nodeArgs: [],
    env,
    description: `jsii build lib/index.js (built ${builtAt} UTC, newer than every lib/**/*.ts), as the published package ships it; no ts-node`,
  };
}

function runChild(child: string, run: Launcher, config: Omit<ChildConfig, 'library'>): Run {
  const full: ChildConfig = { ...config, library: run.library };
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [...run.nodeArgs, child, JSON.stringify(full)], {
    cwd: ROOT,
    env: run.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const what = `${config.variant}, N=${config.routes}, validation ${config.validation ? 'on' : 'off'}`;
  if (result.status !== 0) {
    const stderr = (result.stderr ?? '').trim().split('\n').slice(-15).join('\n');
    throw new Error(`the child process failed (${what}, exit ${result.status ?? result.signal}):\n${stderr}`);
  }
  const lines = result.stdout.trim().split('\n');
  const report = JSON.parse(lines[lines.length - 1]) as ChildReport;
  if (report.templatePath === undefined) {
    return { wallMs, report };
  }
  const template = JSON.parse(fs.readFileSync(report.templatePath, 'utf8')) as { Resources?: object };
  return {
    wallMs,
    report,
    resources: Object.keys(template.Resources ?? {}).length,
    templateBytes: fs.statSync(report.templatePath).size,
  };
}

function summarize(runs: Run[]): Cell {
  const walls = runs.map((r) => r.wallMs);
  const rss = runs.map((r) => r.report.maxRssKb / 1024);
  return {
    failed: runs.find((r) => r.report.failed !== undefined)?.report.failed,
    resources: runs[0].resources,
    templateBytes: runs[0].templateBytes,
    wallMs: { median: median(walls), min: Math.min(...walls), max: Math.max(...walls), samples: walls },
    maxRssMb: { median: median(rss), max: Math.max(...rss) },
    phasesMs: {
      ready: median(runs.map((r) => r.report.readyMs)),
      library: median(runs.map((r) => r.report.libraryLoadedMs)),
      constructs: median(runs.map((r) => r.report.constructedMs)),
      synth: median(runs.map((r) => r.report.synthesizedMs)),
    },
  };
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const run = launcher(options);
  const log = (line: string): void => {
    if (!options.json) {
      process.stderr.write(`${line}\n`);
    }
  };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fresh-synth-bench-'));
  const started = Date.now();
  const runs: Record<number, Record<Mode, Partial<Record<FloorVariant, Run[]>>>> = {};
  const measured = (variant: FloorVariant, routes: number): boolean =>
    variant !== 'baseline' || routes <= options.baselineUpTo;
  try {
    const child = transpileChild(tmp);
    const measure = (variant: FloorVariant, routes: number, mode: Mode): Run => {
      const outdir = fs.mkdtempSync(path.join(tmp, 'out-'));
      try {
        return runChild(child, run, {
          variant,
          shape: options.shape,
          routes,
          routesPerFunction: options.routesPerFunction,
          validation: mode === 'on',
          outdir,
        });
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    };
    // Brings the files every child reads into the page cache; not measured.
    log('warm-up: one unmeasured run of each variant ...');
    for (const variant of FLOOR_VARIANTS) {
      measure(variant, options.sizes[0], 'on');
    }
    for (let rep = 0; rep < options.reps; rep++) {
      log(`repetition ${rep + 1} of ${options.reps} ...`);
      options.sizes.forEach((routes, sizeIndex) => {
        MODES.forEach((mode, modeIndex) => {
          // Rotate which variant runs first, across repetitions, sizes and modes.
          const first = (rep + sizeIndex + modeIndex) % FLOOR_VARIANTS.length;
          const order = [...FLOOR_VARIANTS.slice(first), ...FLOOR_VARIANTS.slice(0, first)];
          for (const variant of order.filter((v) => measured(v, routes))) {
            const cell = ((runs[routes] ??= { on: {}, off: {} })[mode][variant] ??= []);
            cell.push(measure(variant, routes, mode));
          }
        });
      });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const elapsedS = Math.round((Date.now() - started) / 1000);

  const results: Results = {};
  for (const routes of options.sizes) {
    results[routes] = { on: {}, off: {} };
    for (const mode of MODES) {
      for (const variant of FLOOR_VARIANTS) {
        const cellRuns = runs[routes][mode][variant];
        if (cellRuns) {
          results[routes][mode][variant] = summarize(cellRuns);
        }
      }
    }
  }
  const setup = {
    shape: options.shape,
    sizes: options.sizes,
    repetitions: options.reps,
    functions:
      options.routesPerFunction === 0
        ? 'one shared Lambda function'
        : `one Lambda function for each ${options.routesPerFunction} routes, sharing one role`,
    baselineUpTo: options.baselineUpTo,
    library: run.description,
    validationOn: "context '@aws-cdk/core:validateAgainstDefaultRules': true, as cdk.json sets it",
    validationOff: 'new App({ builtinCloudFormationValidation: false })',
    everyVariant:
      "context '@aws-cdk/core:stackResourceLimit': 0 and CloudFormation-Validate::F0007 acknowledged, so the " +
      'baseline and the floor synthesize past 500 resources',
    wall: 'from spawn to exit of the child, measured by this script',
    rss: 'process.resourceUsage().maxRSS of the child after synth',
    awsCdkLib: cdkVersion(),
    machine: machine(),
    date: new Date().toISOString(),
    elapsedSeconds: elapsedS,
  };
  /** preset / baseline and preset / floor, of wall time and peak RSS; undefined where one is missing or failed. */
  type Ratios = Record<'baseline' | 'floor', { wall?: number; rss?: number }>;
  const ratios = (routes: number, mode: Mode): Ratios => {
    const cells = results[routes][mode];
    const of = (other: 'baseline' | 'floor'): { wall?: number; rss?: number } => {
      const preset = cells.preset;
      const base = cells[other];
      if (!preset || !base || preset.failed || base.failed) {
        return {};
      }
      return {
        wall: ratio(preset.wallMs.median, base.wallMs.median),
        rss: ratio(preset.maxRssMb.median, base.maxRssMb.median),
      };
    };
    return { baseline: of('baseline'), floor: of('floor') };
  };

  if (options.json) {
    const out = options.sizes.map((routes) => ({
      routes,
      ...results[routes],
      ratios: { on: ratios(routes, 'on'), off: ratios(routes, 'off') },
    }));
    process.stdout.write(`${JSON.stringify({ setup, results: out }, undefined, 2)}\n`);
    return;
  }

  const sizeLabel = (routes: number): string => (routes === 0 ? '0 (1 route)' : `${routes}`);
  const lines: string[] = [];
  lines.push(
    'Fresh-process synth benchmark: one new `node` process per measurement builds one API, synthesizes it, exits',
  );
  lines.push(`  preset:   ${VARIANT_CODE.preset}`);
  lines.push(`  baseline: ${VARIANT_CODE.baseline}`);
  lines.push(`  floor:    ${VARIANT_CODE.floor}`);
  lines.push(
    `  routes: GET ${routePath(options.shape, 0).replace('0', 'K')} (${options.shape}), ${setup.functions}; ` +
      'N=0 is one route, the smallest API that synthesizes',
  );
  lines.push(`  baseline measured up to N=${options.baselineUpTo} (--baseline-up-to)`);
  lines.push(`  library: ${setup.library}`);
  lines.push(`  validation ON:  ${setup.validationOn}`);
  lines.push(`  validation OFF: ${setup.validationOff}`);
  lines.push(`  every variant: ${setup.everyVariant}`);
  lines.push(`  wall: ${setup.wall}; peak RSS: ${setup.rss}`);
  lines.push(
    `  median of ${options.reps} run(s), rotating which variant goes first; one unmeasured warm-up run of each`,
  );
  lines.push(`  aws-cdk-lib ${setup.awsCdkLib}, ${setup.machine}`);
  lines.push(
    `  ÷ baseline, ÷ floor = preset / baseline, preset / floor; FAILS = synth failed (time to the failure); ` +
      `${setup.date.slice(0, 16)} UTC, whole run ${elapsedS} s`,
  );
  const grid = (
    title: string,
    value: (cell: Cell) => string,
    pick: (r: { wall?: number; rss?: number }) => number | undefined,
  ) => {
    const rows: string[][] = [['N']];
    for (const mode of MODES) {
      const m = mode.toUpperCase();
      rows[0].push(`preset ${m}`, `baseline ${m}`, `floor ${m}`, `÷ baseline ${m}`, `÷ floor ${m}`);
    }
    for (const routes of options.sizes) {
      const row = [sizeLabel(routes)];
      for (const mode of MODES) {
        const cells = results[routes][mode];
        for (const variant of FLOOR_VARIANTS) {
          const cell = cells[variant];
          row.push(!cell ? '-' : cell.failed ? `FAILS ${value(cell)}` : value(cell));
        }
        const r = ratios(routes, mode);
        row.push(`${pick(r.baseline) ?? '-'}`, `${pick(r.floor) ?? '-'}`);
      }
      rows.push(row);
    }
    lines.push('');
    lines.push(title);
    lines.push(table(rows));
  };
  grid(
    'wall time, median (ON = validation on, OFF = off)',
    (c) => `${Math.round(c.wallMs.median)} ms`,
    (r) => r.wall,
  );
  grid(
    'peak RSS, median',
    (c) => `${Math.round(c.maxRssMb.median)} MB`,
    (r) => r.rss,
  );

  const phases: string[][] = [
    ['N', 'variant', 'Node start-up', '+ library', '+ constructs', '+ app.synth()', 'resources', 'bytes'],
  ];
  for (const routes of options.sizes) {
    FLOOR_VARIANTS.forEach((variant, index) => {
      const cell = results[routes].on[variant];
      if (!cell) {
        return;
      }
      const p = cell.phasesMs;
      phases.push([
        index === 0 ? sizeLabel(routes) : '',
        variant,
        `${Math.round(p.ready)} ms`,
        `${Math.round(p.library - p.ready)} ms`,
        `${Math.round(p.constructs - p.library)} ms`,
        `${Math.round(p.synth - p.constructs)} ms`,
        cell.failed ? 'FAILS' : `${cell.resources}`,
        cell.failed ? '-' : `${cell.templateBytes}`,
      ]);
    });
  }
  lines.push('');
  lines.push('inside the child, validation on (medians; the rest of the wall time is spawning and exiting)');
  lines.push(table(phases, 2));
  const failures = options.sizes.flatMap((routes) =>
    MODES.flatMap((mode) =>
      FLOOR_VARIANTS.flatMap((variant) => {
        const cell = results[routes][mode][variant];
        return cell?.failed ? [`  ${variant}, N=${routes}, validation ${mode}: ${cell.failed}`] : [];
      }),
    ),
  );
  if (failures.length > 0) {
    lines.push('');
    lines.push('synth failed:');
    lines.push(...failures);
  }
  lines.push('');
  lines.push('(a report, not a test; timings on a shared machine are noisy)');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
