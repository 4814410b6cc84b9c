import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import * as constructs from 'constructs';
import * as ts from 'typescript';
import * as presets from '../lib';

/**
 * Every ```ts block of the README, run as a reader pastes it: `npm run rosetta` compiles each block in
 * its rosetta fixture (types only); here the fixture's declared values are made real, the block runs in
 * a fresh App, and the App is synthesized. A block that throws, or leaves an error, fails.
 */

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

interface Snippet {
  readonly line: number;
  readonly fixture: string;
  readonly code: string;
}

function snippets(): Snippet[] {
  const found: Snippet[] = [];
  const lines = README.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```ts(?:\s+fixture=([\w-]+))?\s*$/.exec(lines[i]);
    if (!open) {
      continue;
    }
    const end = lines.indexOf('```', i + 1);
    found.push({ line: i + 1, fixture: open[1] ?? 'default', code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return found;
}

const IMPORT = /^import\s[^;]*;/gm;

/**
 * The block as a CommonJS module exporting `run(values)`: the fixture's imports and the block's own, the
 * fixture's `declare const` and `declare class` names the block uses taken from `values`, then the block,
 * run with `this` bound to the stack.
 */
function moduleOf(snippet: Snippet): string {
  const fixture = fs.readFileSync(path.join(ROOT, 'rosetta', `${snippet.fixture}.ts-fixture`), 'utf8');
  const head = fixture.slice(0, fixture.indexOf('/// here'));
  const uses = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(snippet.code);
  const declared = [
    ...[...head.matchAll(/^declare const (\w+): ([^;]+);/gm)].map(([, name, type]) => ({ name, type })),
    ...[...head.matchAll(/^declare class (\w+)/gm)].map(([, name]) => ({ name, type: 'any' })),
  ].filter(({ name }) => uses(name));
  return [
    ...(head.match(IMPORT) ?? []),
    ...(snippet.code.match(IMPORT) ?? []),
    'export function run(this: any, values: Record<string, any>): void {',
    ...declared.map(({ name, type }) => `  const ${name} = values.${name} as ${type};`),
    '  {',
    snippet.code.replace(IMPORT, ''),
    '  }',
    '}',
  ].join('\n');
}

/** Every App a block creates itself (a whole app file), to be synthesized with the test's own. */
const appsOfBlock: App[] = [];

class RecordedApp extends App {
  constructor(props?: cdk.AppProps) {
    super({ ...props, outdir: props?.outdir ?? fs.mkdtempSync(path.join(workDir, 'app-')) });
    appsOfBlock.push(this);
  }
}

/** The modules the fixtures and blocks import, as the block's `require` finds them. */
const MODULES: Record<string, unknown> = {
  // Read through, so that aws-cdk-lib's lazily loaded namespaces stay lazy.
  'aws-cdk-lib': new Proxy(cdk, {
    get: (target, key) => (key === 'App' ? RecordedApp : target[key as keyof typeof cdk]),
  }),
  'aws-cdk-lib/aws-apigateway': apigw,
  'aws-cdk-lib/aws-certificatemanager': acm,
  'aws-cdk-lib/aws-cognito': cognito,
  'aws-cdk-lib/aws-ec2': ec2,
  'aws-cdk-lib/aws-iam': iam,
  'aws-cdk-lib/aws-kinesisfirehose': firehose,
  'aws-cdk-lib/aws-lambda': lambda,
  'aws-cdk-lib/aws-route53': route53,
  'aws-cdk-lib/aws-secretsmanager': secretsmanager,
  'aws-cdk-lib/aws-sqs': sqs,
  'aws-cdk-lib/aws-stepfunctions': sfn,
  constructs,
  'cdk-apigateway-presets': presets,
};

type Run = (this: unknown, values: Record<string, unknown>) => void;

function load(snippet: Snippet): Run {
  const js = ts.transpileModule(moduleOf(snippet), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const module = { exports: {} as { run: Run } };
  const requireFromReadme = (name: string): unknown => {
    if (!(name in MODULES)) {
      throw new Error(`README block at line ${snippet.line} imports ${name}: add it to MODULES`);
    }
    return MODULES[name];
  };
  new Function('require', 'exports', 'module', js)(requireFromReadme, module.exports, module);
  return module.exports.run;
}

function inlineFunction(scope: Stack, id: string): lambda.IFunction {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
}

/** What the fixtures declare, created in `stack` when a block first uses it. */
function fixtureValues(stack: Stack): Record<string, unknown> {
  const makers: Record<string, () => unknown> = {
    app: () => stack.node.root,
    // An API the reader already has, with one route: a preset with no routes cannot synthesize.
    api: () => {
      const api = new presets.EdgeApi(stack, 'ExistingApi');
      api.addRoute(
        'GET',
        '/existing',
        presets.RouteIntegration.lambdaFunction(values.fn as lambda.IFunction),
      );
      return api;
    },
    fn: () => inlineFunction(stack, 'Fn'),
    authorizerFn: () => inlineFunction(stack, 'AuthorizerFn'),
    getOrder: () => inlineFunction(stack, 'GetOrder'),
    createOrder: () => inlineFunction(stack, 'CreateOrder'),
    pool: () => new cognito.UserPool(stack, 'Pool'),
    vpc: () => new ec2.Vpc(stack, 'Vpc'),
    certificate: () =>
      acm.Certificate.fromCertificateArn(
        stack,
        'Certificate',
        'arn:aws:acm:us-east-1:111122223333:certificate/11111111-2222-3333-4444-555555555555',
      ),
    zone: () =>
      route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
        hostedZoneId: 'Z0123456789ABCDEFGHIJ',
        zoneName: 'example.com',
      }),
    queue: () => new sqs.Queue(stack, 'Queue'),
    checkout: () =>
      new sfn.StateMachine(stack, 'Checkout', {
        definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Done')),
        stateMachineType: sfn.StateMachineType.EXPRESS,
      }),
    AwsSolutionsChecks: () => AwsSolutionsChecks,
    ServerlessChecks: () => ServerlessChecks,
  };
  const made = new Map<string, unknown>();
  const values: Record<string, unknown> = {};
  for (const [name, make] of Object.entries(makers)) {
    Object.defineProperty(values, name, {
      get: () => {
        if (!made.has(name)) {
          made.set(name, make());
        }
        return made.get(name);
      },
    });
  }
  return values;
}

const ALL = snippets();
const cwd = process.cwd();
let workDir: string;

beforeAll(() => {
  // `openApiFile` writes relative to the directory synth runs in.
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-snippets-'));
  process.chdir(workDir);
});

afterAll(() => {
  process.chdir(cwd);
  fs.rmSync(workDir, { recursive: true, force: true });
});

test('the README has TypeScript blocks, each with a rosetta fixture', () => {
  expect(ALL.length).toBeGreaterThan(15);
  for (const snippet of ALL) {
    expect(fs.existsSync(path.join(ROOT, 'rosetta', `${snippet.fixture}.ts-fixture`))).toBe(true);
  }
});

test.each(ALL.map((snippet) => [snippet.line, snippet] as const))(
  'the README block at line %i synthesizes as pasted',
  (_line, snippet) => {
    const app = new App({ outdir: path.join(workDir, `cdk.out-${snippet.line}`) });
    const stack = new Stack(app, 'Readme');
    const values = fixtureValues(stack);
    if (snippet.fixture === 'cdk-nag') {
      // Something for the packs to check: a preset, which has no findings.
      new presets.EdgeApi(stack, 'Checked').addRoute('GET', '/health', presets.RouteIntegration.mock({}));
    }
    appsOfBlock.length = 0;
    load(snippet).call(stack, values);
    // A whole app file leaves the test's stack empty: only its own App is synthesized then.
    const apps = stack.node.children.length > 0 ? [app, ...appsOfBlock] : appsOfBlock;
    expect(apps.length).toBeGreaterThan(0);
    for (const synthesized of apps) {
      synthesized.synth();
      for (const child of synthesized.node.findAll().filter((c): c is Stack => Stack.isStack(c))) {
        expect(Annotations.fromStack(child).findError('*', Match.anyValue())).toEqual([]);
      }
    }
  },
);
