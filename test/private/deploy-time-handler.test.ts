import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, FileSystem, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DefinitionLocation, EdgeApi, RouteIntegration } from '../../lib';
import { createDeployTimeHandler } from '../../lib/private/deploy-time-handler';
import { stagedCode } from '../support/staged-code';

/**
 * The custom resource handlers' common parts: each function's code is its handler folder and the
 * module the handlers share (answering CloudFormation), and nothing else, with `index.handler` at the
 * root; the role keeps its permissions inline.
 */

const LIB = path.join(__dirname, '..', '..', 'lib');
const SHARED = 'private/handler/cfn-response.js';

/** One stack with all three handlers: execution logging, a cache cluster, the definition in an asset. */
function synthAll() {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-time-handler-')) });
  const stack = new Stack(app, 'Stack');
  new EdgeApi(stack, 'Api', {
    caching: {},
    definitionLocation: DefinitionLocation.ASSET,
  }).addRoute('GET', '/health', RouteIntegration.mock());
  return app.synth();
}

describe('deploy-time handler code', () => {
  const assembly = synthAll();

  test.each([
    ['ApiAccountLoggingHandler', 'observability/handler/account-cloudwatch-role'],
    ['ApiCacheControlHandler', 'traffic/handler/stage-cache'],
    ['ApiDefinitionImportHandler', 'gateway/handler/put-rest-api'],
  ])('%s ships %s/index.js and the shared module, nothing else', (functionId, entry) => {
    const code = stagedCode(assembly, 'Stack', functionId);
    expect(code.packaging).toBe('zip');
    expect(code.files).toEqual(['index.js', `${entry}/index.js`, SHARED].sort());
    for (const file of [`${entry}/index.js`, SHARED]) {
      expect(fs.readFileSync(path.join(code.dir, file), 'utf8')).toBe(
        fs.readFileSync(path.join(LIB, file), 'utf8'),
      );
    }
    // The root entry point is the handler's module, which finds the shared one inside the asset.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entryPoint = require(path.join(code.dir, 'index.js')) as Record<string, unknown>;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const own = require(path.join(code.dir, entry, 'index.js')) as Record<string, unknown>;
    expect(entryPoint).toBe(own);
    expect(typeof entryPoint.handler).toBe('function');
    // The asset is named by what it holds, so a change to the shared module changes every function's code.
    expect(code.hash).toBe(FileSystem.fingerprint(code.dir));
  });

  test('the functions run index.handler', () => {
    const template = Template.fromJSON(assembly.getStackByName('Stack').template as Record<string, unknown>);
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(3);
    for (const fn of functions) {
      expect(fn.Properties.Handler).toBe('index.handler');
    }
  });
});

describe('createDeployTimeHandler', () => {
  function build(scope: Construct) {
    return createDeployTimeHandler(scope, {
      entry: 'traffic/handler/stage-cache',
      name: 'test handler',
      roleDescription: 'role',
      policyName: 'Test',
      statements: [
        new iam.PolicyStatement({ actions: ['apigateway:GET'], resources: ['arn:aws:apigateway:*::/x'] }),
      ],
      description: 'function',
      timeout: Duration.minutes(1),
      calls: 'API Gateway GetStage',
      records: 'every call',
    });
  }

  test('the role writes its own logs first, then what the caller asked for, inline', () => {
    const stack = new Stack();
    build(stack);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const [role] = Object.values(template.findResources('AWS::IAM::Role'));
    const statements =
      role.Properties.Policies[0].Statement ?? role.Properties.Policies[0].PolicyDocument.Statement;
    expect(role.Properties.Policies[0].PolicyName).toBe('Test');
    expect(statements.map((s: { Sid?: string; Action: unknown }) => s.Sid ?? s.Action)).toEqual([
      'WriteOwnLogs',
      'apigateway:GET',
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 128, Timeout: 60 });
  });

  test('fails when something adds a separate policy to the role', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    build(stack).role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:us-east-1:1:q'] }),
    );
    expect(() => app.synth()).toThrow(
      'The test handler role must not get a separate policy (e.g. from a grant): the custom resources it serves ' +
        'would not wait for it. Add statements to its inline policy instead.',
    );
  });
});
