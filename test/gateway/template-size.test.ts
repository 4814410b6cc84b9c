import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import * as presets from '../../lib';
import { buildMix, MixOptions } from '../../bench/support/mix';

/**
 * The template-size check counts the whole template: every API definition, every stage's method
 * settings and the other resources, as the template file is written. These tests synthesize large
 * stacks; each is built and synthesized once.
 */

interface Synthesized {
  /** The template file as the app wrote it, when synth passed. */
  readonly file?: { readonly bytes: number; readonly resources: number };
  /** The synth error, when synth failed. */
  readonly error?: string;
}

function synthesize(build: (stack: Stack) => void, suppressTemplateIndentation = true): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'template-size-'));
  try {
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Mix', { suppressTemplateIndentation });
    build(stack);
    try {
      app.synth();
    } catch (error) {
      return { error: String(error) };
    }
    const file = path.join(outdir, stack.templateFile);
    const template = JSON.parse(fs.readFileSync(file, 'utf8')) as { Resources: object };
    return { file: { bytes: fs.statSync(file).size, resources: Object.keys(template.Resources).length } };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function mix(options: MixOptions): (stack: Stack) => void {
  return (stack) => buildMix(presets, stack, options);
}

/** The byte counts an error gives: the total, then each part. */
function countsOf(error: string): { total: number; parts: Record<string, number> } {
  const total = Number(/: (\d+) bytes/.exec(error)![1]);
  const listed = /In bytes: (.*?)\. (?:Shrink|Without)/.exec(error)![1];
  const parts: Record<string, number> = {};
  for (const part of listed.split(/, (?=the |everything)/)) {
    const [, name, bytes] = /^(.*) (\d+)$/.exec(part)!;
    parts[name] = Number(bytes);
  }
  return { total, parts };
}

describe('the 2,000-route mix (groups of ten: collections, items, a cached GET, an ANY route; half Cognito; two stages)', () => {
  let throttled: Synthesized;
  let unthrottled: Synthesized;
  let throttledAuto: Synthesized;
  beforeAll(() => {
    throttled = synthesize(mix({ routes: 2000, throttledAny: true, inTemplate: true }));
    unthrottled = synthesize(mix({ routes: 2000, throttledAny: false, inTemplate: true }));
    throttledAuto = synthesize(mix({ routes: 2000, throttledAny: true }));
  });

  test('with the default definitionLocation (AUTO), the throttled mix fits: its definition moves to an S3 asset', () => {
    expect(throttledAuto.error).toBeUndefined();
    expect(throttledAuto.file!.resources).toBeLessThanOrEqual(500);
    expect(throttledAuto.file!.bytes).toBeLessThanOrEqual(1_000_000);
  });

  test('fits one stack when its ANY routes take their stage’s throttling: at most 500 resources and 1,000,000 bytes', () => {
    expect(unthrottled.error).toBeUndefined();
    expect(unthrottled.file!.resources).toBeLessThanOrEqual(500);
    expect(unthrottled.file!.bytes).toBeLessThanOrEqual(1_000_000);
  });

  test('fails at synth when its 200 ANY routes each have their own throttling, counting the whole template', () => {
    // Each throttled ANY route is 7 method settings in each of the two stages: 2,800 entries. The
    // definition alone fits; the template does not.
    const error = throttled.error!;
    expect(error).toMatch(
      /\[Mix\/Api\] Invalid template size of Mix: \d+ bytes without indentation; a CloudFormation template is at most 1000000 bytes\./,
    );
    const { total, parts } = countsOf(error);
    expect(total).toBeGreaterThan(1_000_000);
    expect(Object.keys(parts)).toEqual([
      'the API definition of Mix/Api/Api',
      'the method settings of Mix/Api/Stage.prod (1601 entries)',
      'the method settings of Mix/Api/Stage.dev (1401 entries)',
      'everything else (with up to 1024 the stack synthesizer adds)',
    ]);
    expect(parts['the API definition of Mix/Api/Api']).toBeLessThan(1_000_000);
    expect(Object.values(parts).reduce((a, b) => a + b, 0)).toBe(total);
    expect(error).toContain('an ANY route one for each method it serves');
  });
});

describe('the measure is the template file', () => {
  const small = mix({ routes: 20, throttledAny: true, inTemplate: true });
  /** The mix of 20 routes and one more, whose description takes `extra` bytes. */
  function over(extra: number): (stack: Stack) => void {
    return (stack) => {
      const api = buildMix(presets, stack, { routes: 20, throttledAny: true, inTemplate: true });
      api.addRoute('GET', '/padding', presets.RouteIntegration.mock(), { description: 'x'.repeat(extra) });
    };
  }

  test.each([true, false])(
    'counts at least the bytes of the file and at most 1,024 more (suppressTemplateIndentation: %s)',
    (suppress) => {
      const written = synthesize(small, suppress).file!.bytes;
      // Padding the template to exactly 1,000,001 bytes as written fails; 1,024 bytes fewer passes.
      const padding = 1_000_001 - written;
      expect(synthesize(over(padding), suppress).error).toMatch(
        /Invalid template size of Mix: 100\d{4} bytes/,
      );
      const passing = synthesize(over(padding - 1025), suppress);
      expect(passing.error).toBeUndefined();
      expect(passing.file!.bytes).toBeLessThanOrEqual(1_000_000);
    },
  );
});

test('fails at synth when the stack has more than 500 resources, even with aws-cdk-lib’s own limit lifted', () => {
  const result = synthesize((stack) => {
    stack.node.setContext('@aws-cdk/core:stackResourceLimit', 0);
    mix({ routes: 10, throttledAny: false })(stack);
    for (let i = 0; i < 500; i++) {
      new CfnWaitConditionHandle(stack, `Handle${i}`);
    }
  });
  expect(result.error).toMatch(
    /\[Mix\/Api\] Invalid template of Mix: 5\d\d resources\. A CloudFormation stack holds at most 500; move resources to another stack\./,
  );
});
