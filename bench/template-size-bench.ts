/*
 * Template-size benchmark: the whole stack template of a large, realistic API (bench/support/mix.ts),
 * its parts and its synth time, in one process.
 *
 *   npm run bench:size -- [--sizes=1000,1500,2000] [--reps=3] [--lib=<path of the library's index>]
 *
 * For each size, the mix is built twice: with each group's ANY route throttled on its own (one method
 * setting per method it serves, in each stage) and with the ANY routes on their stage's throttling.
 * Reported per case: whether synth passes (the library refuses a template CloudFormation would refuse),
 * the template's bytes as written without indentation (the stack sets suppressTemplateIndentation) and
 * indented, its parts (the API definition, each stage's method settings, everything else), the
 * resources, the median synth time (new App() -> constructs -> app.synth(), the library's template
 * check included) and the median time of that check run once more on the synthesized app. The parts are measured from the stack's rendered template, so they are reported
 * whether synth passes or not.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import type * as Presets from '../lib';
import { buildMix, MIX_CODE } from './support/mix';
import { preferTypeScriptSources } from './support/prefer-typescript-sources';
import { cdkVersion, intList, machine, median, positiveInt, table } from './support/report';

interface Measure {
  readonly passes: boolean;
  readonly compactBytes: number;
  readonly indentedBytes: number;
  /** Bytes of the file app.synth() wrote, when it passed. */
  readonly fileBytes?: number;
  readonly definitionBytes: number;
  /** Method settings per stage: [stage path, entries, bytes]. */
  readonly stages: Array<[string, number, number]>;
  readonly resources: number;
  readonly synthMs: number;
  /** What the library's template check costs, run once more on the synthesized app. */
  readonly checkMs: number;
}

function parseArgs(argv: string[]): { sizes: number[]; reps: number; lib: string } {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const lib = value('lib');
  return {
    sizes: intList(value('sizes') ?? '1000,1500,2000', 'sizes'),
    reps: positiveInt(value('reps') ?? '3', 'reps'),
    lib: lib ? path.resolve(lib) : path.join(__dirname, '..', 'lib'),
  };
}

interface RenderedResource {
  readonly Type: string;
  readonly Properties?: { readonly Body?: unknown; readonly MethodSettings?: unknown[] };
}

/** The library's template check, from the same library as the presets. */
interface TemplateCheck {
  checkTemplateSize(stack: Stack): string[];
}

function run(presets: typeof Presets, checks: TemplateCheck, routes: number, throttledAny: boolean): Measure {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'size-bench-'));
  try {
    const started = process.hrtime.bigint();
    const app = new App({ outdir });
    const stack = new Stack(app, 'Mix', { suppressTemplateIndentation: true });
    buildMix(presets, stack, { routes, throttledAny, inTemplate: true });
    let passes = true;
    try {
      app.synth();
    } catch {
      passes = false;
    }
    const synthMs = Number(process.hrtime.bigint() - started) / 1e6;
    // The library's own template check, run once more on the synthesized app: its cost within the synth
    // time above.
    const checkStarted = process.hrtime.bigint();
    checks.checkTemplateSize(stack);
    const checkMs = Number(process.hrtime.bigint() - checkStarted) / 1e6;
    // The template as the stack renders it (app.synth() has prepared it, pass or fail), to report its parts.
    const template = (
      stack as unknown as { _toCloudFormation(): { Resources: Record<string, RenderedResource> } }
    )._toCloudFormation();
    const compactBytes = Buffer.byteLength(JSON.stringify(template));
    const resources = Object.entries(template.Resources);
    const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
    const api = resources.find(([, r]) => r.Type === 'AWS::ApiGateway::RestApi')![1];
    const file = path.join(outdir, stack.templateFile);
    return {
      passes,
      compactBytes,
      indentedBytes: Buffer.byteLength(JSON.stringify(template, undefined, 1)),
      fileBytes: passes ? fs.statSync(file).size : undefined,
      definitionBytes: bytes(api.Properties!.Body),
      stages: resources
        .filter(([, r]) => r.Type === 'AWS::ApiGateway::Stage')
        .map(([id, r]) => [id, r.Properties!.MethodSettings!.length, bytes(r.Properties!.MethodSettings)]),
      resources: resources.length,
      synthMs,
      checkMs,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function main(): void {
  const { sizes, reps, lib } = parseArgs(process.argv.slice(2));
  preferTypeScriptSources();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the library under test is chosen at run time
  const presets: typeof Presets = require(lib);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the same library's internal check
  const checks: TemplateCheck = require(
    path.join(fs.statSync(lib).isDirectory() ? lib : path.dirname(lib), 'gateway', 'definition-checks'),
  );
  const cases = [true, false];
  run(presets, checks, 100, true); // loads the modules; not measured
  const rows: string[][] = [
    [
      'routes',
      'ANY routes',
      'synth',
      'template (compact)',
      'file',
      'indented',
      'definition',
      'method settings per stage: entries / bytes',
      'rest',
      'resources',
      'synth time',
      'of which check',
    ],
  ];
  const started = Date.now();
  for (const routes of sizes) {
    for (const throttledAny of cases) {
      run(presets, checks, routes, throttledAny); // warm-up at this size; not measured
      const samples = Array.from({ length: reps }, () => run(presets, checks, routes, throttledAny));
      const m = samples[0];
      const settings = m.stages.reduce((sum, [, , b]) => sum + b, 0);
      rows.push([
        String(routes),
        throttledAny ? 'own throttling' : "stage's",
        m.passes ? 'passes' : 'FAILS',
        String(m.compactBytes),
        m.fileBytes === undefined ? '-' : String(m.fileBytes),
        String(m.indentedBytes),
        String(m.definitionBytes),
        m.stages
          .map(([id, entries, b]) => `${id.replace(/^ApiStage(\w+?)[0-9A-F]{8}$/, '$1')} ${entries} / ${b}`)
          .join(', '),
        String(m.compactBytes - m.definitionBytes - settings),
        String(m.resources),
        `${median(samples.map((s) => s.synthMs)).toFixed(0)} ms`,
        `${median(samples.map((s) => s.checkMs)).toFixed(0)} ms`,
      ]);
    }
  }
  console.log('Template-size benchmark: the whole stack template of a realistic mix, and its synth time');
  console.log(`  mix: ${MIX_CODE}`);
  console.log(`  aws-cdk-lib ${cdkVersion()}, ${machine()}; library loaded from ${lib}`);
  console.log(
    '  stack: suppressTemplateIndentation: true; bytes: JSON of the rendered template (compact, and indented one space a level);',
  );
  console.log(
    '  file: the template file app.synth() wrote (with the bootstrap-version parameter and rule), when synth passed',
  );
  console.log(
    `  synth time: new App() -> constructs -> app.synth() (built-in validation on), median of ${reps}; ${new Date().toISOString().slice(0, 16)} UTC, whole run ${Math.round((Date.now() - started) / 1000)} s`,
  );
  console.log();
  console.log(table(rows, 3));
}

main();
