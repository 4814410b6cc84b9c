/*
 * addRoute benchmark: the cost of building a large route table, for routes that get their own stage
 * method settings (ANY routes with their own throttling, each expanding to every method it serves)
 * against plain GET routes that get none, in one process.
 *
 *   npm run bench:routes -- [N=2000] [REPETITIONS=3] [--lib=<path of the library's index>]
 *
 * Reports, per shape, the median time to add the N routes and the time to render the stage's method
 * settings (resolving the stage, as synth does), and the ratio of the two shapes. Per-route method
 * settings that were rebuilt after each addRoute made the throttled shape quadratic; a ratio that
 * stays flat as N grows means the table is built in linear time.
 */
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as Presets from '../lib';
import { preferTypeScriptSources } from './support/prefer-typescript-sources';

interface Timing {
  readonly addMs: number;
  readonly renderMs: number;
  readonly methodSettings: number;
}

type Shape = 'throttled ANY' | 'plain GET';

function parseArgs(argv: string[]): { n: number; reps: number; lib: string } {
  const positional = argv.filter((a) => !a.startsWith('--'));
  const libArg = argv.find((a) => a.startsWith('--lib='));
  const n = Number(positional[0] ?? 2000);
  const reps = Number(positional[1] ?? 3);
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(reps) || reps < 1) {
    throw new Error('usage: npm run bench:routes -- [N=2000] [REPETITIONS=3] [--lib=<path>]');
  }
  return {
    n,
    reps,
    lib: libArg ? path.resolve(libArg.slice('--lib='.length)) : path.join(__dirname, '..', 'lib'),
  };
}

function run(presets: typeof Presets, shape: Shape, n: number): Timing {
  const stack = new Stack(new App(), 'Bench');
  const api = new presets.EdgeApi(stack, 'Api');
  const integration = presets.RouteIntegration.mock();
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    if (shape === 'throttled ANY') {
      api.addRoute('ANY', `/r${i}/{id}`, integration, { throttling: { rateLimit: 10, burstLimit: 5 } });
    } else {
      api.addRoute('GET', `/r${i}/{id}`, integration);
    }
  }
  const added = process.hrtime.bigint();
  const cfnStage = api.stages[0].node.defaultChild as apigw.CfnStage;
  const settings = stack.resolve(cfnStage.methodSettings) as unknown[];
  const rendered = process.hrtime.bigint();
  return {
    addMs: Number(added - started) / 1e6,
    renderMs: Number(rendered - added) / 1e6,
    methodSettings: settings.length,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const { n, reps, lib } = parseArgs(process.argv.slice(2));
  preferTypeScriptSources();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the library under test is chosen at run time
  const presets: typeof Presets = require(lib);
  const shapes: Shape[] = ['throttled ANY', 'plain GET'];
  run(presets, 'throttled ANY', 20); // loads the modules; not measured
  const samples: Record<Shape, Timing[]> = { 'throttled ANY': [], 'plain GET': [] };
  for (let rep = 0; rep < reps; rep++) {
    // Alternate the order so neither shape always runs on a warmer process.
    for (const shape of rep % 2 === 0 ? shapes : [...shapes].reverse()) {
      samples[shape].push(run(presets, shape, n));
    }
  }
  console.log(`library: ${lib}`);
  console.log(`N = ${n} routes, ${reps} repetitions (medians)`);
  const totals: Record<Shape, number> = { 'throttled ANY': 0, 'plain GET': 0 };
  for (const shape of shapes) {
    const add = median(samples[shape].map((s) => s.addMs));
    const render = median(samples[shape].map((s) => s.renderMs));
    totals[shape] = add + render;
    console.log(
      `${shape.padEnd(14)} addRoute ${add.toFixed(0).padStart(7)} ms   render ${render.toFixed(0).padStart(6)} ms   ` +
        `method settings ${samples[shape][0].methodSettings}`,
    );
  }
  console.log(
    `ratio throttled ANY / plain GET (add + render): ${(totals['throttled ANY'] / totals['plain GET']).toFixed(2)}`,
  );
}

main();
