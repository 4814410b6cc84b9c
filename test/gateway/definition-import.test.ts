import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Aspects, CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { ApiAuthorization, DefinitionLocation, EdgeApi, EdgeApiProps, RouteIntegration } from '../../lib';
import { newestNodejsRuntime } from '../../lib/private/runtimes';
import { acknowledgementsUnder } from '../support/acknowledgements';
import { Json } from '../support/definition';
import { openApiErrors } from '../support/openapi';

/**
 * A definition in an S3 asset: the RestApi without a Body, the asset with a placeholder for each
 * deploy-time value, the custom resource that imports it with the values CloudFormation resolves, and
 * the deployment that follows it.
 */

const IMPORT_TYPE = 'Custom::ApiGatewayDefinitionImport';

function fn(scope: Construct, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
}

interface Synthesized {
  readonly app: App;
  readonly template: Template;
  readonly outdir: string;
}

/** Builds one stack `Stack` with an EdgeApi `Api`, lets `build` add routes, and synthesizes it. */
function synth(props: EdgeApiProps, build: (api: EdgeApi, stack: Stack) => void): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'definition-import-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Stack');
  build(new EdgeApi(stack, 'Api', props), stack);
  app.synth();
  return { app, template: Template.fromStack(stack), outdir };
}

function only(template: Template, type: string): [string, Json] {
  const found = Object.entries(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0] as [string, Json];
}

/** The asset the custom resource imports, as written into the cloud assembly. */
function assetOf(s: Synthesized): { text: string; json: Json } {
  const [, resource] = only(s.template, IMPORT_TYPE);
  const text = fs.readFileSync(path.join(s.outdir, `asset.${resource.Properties.DefinitionKey}`), 'utf8');
  return { text, json: JSON.parse(text) as Json };
}

function deploymentOf(template: Template): [string, Json] {
  return only(template, 'AWS::ApiGateway::Deployment');
}

const ASSET: EdgeApiProps = { definitionLocation: DefinitionLocation.ASSET };

describe('DefinitionLocation.ASSET', () => {
  let s: Synthesized;
  let inTemplate: Synthesized;
  const build = (api: EdgeApi, stack: Stack) => {
    const orders = fn(stack, 'Orders');
    api.addRoute('GET', '/orders/{id}', RouteIntegration.lambdaFunction(orders));
    api.addRoute('POST', '/orders', RouteIntegration.lambdaFunction(orders));
    api.addRoute('PUT', '/queue', RouteIntegration.sqs(new sqs.Queue(stack, 'Queue')));
  };
  const props: EdgeApiProps = {
    binaryMediaTypes: ['image/png'],
    resourcePolicy: { allowedSourceIps: ['203.0.113.0/24'] },
    disableExecuteApiEndpoint: false,
  };
  beforeAll(() => {
    s = synth({ ...props, ...ASSET }, build);
    inTemplate = synth({ ...props, definitionLocation: DefinitionLocation.TEMPLATE }, build);
  });

  test('the RestApi has no Body or import settings, and keeps its other properties', () => {
    const [, restApi] = only(s.template, 'AWS::ApiGateway::RestApi');
    const [, inline] = only(inTemplate.template, 'AWS::ApiGateway::RestApi');
    expect(restApi.Properties.Body).toBeUndefined();
    expect(restApi.Properties.Mode).toBeUndefined();
    expect(restApi.Properties.FailOnWarnings).toBeUndefined();
    expect(restApi.Properties.Parameters).toBeUndefined();
    const { Body, Mode, FailOnWarnings, Parameters, ...rest } = inline.Properties;
    expect([Body, Mode, FailOnWarnings, Parameters].every((v) => v !== undefined)).toBe(true);
    expect(restApi.Properties).toEqual(rest);
    expect(rest.BinaryMediaTypes).toEqual(['image/png']);
    expect(rest.EndpointConfiguration).toEqual({ Types: ['EDGE'] });
  });

  test('the asset is the inline definition with a placeholder for each deploy-time value', () => {
    const [, importer] = only(s.template, IMPORT_TYPE);
    const values = importer.Properties.Values as Json[];
    const { text } = assetOf(s);
    // Putting the values CloudFormation resolves in place of the placeholders gives the Body.
    const [, inline] = only(inTemplate.template, 'AWS::ApiGateway::RestApi');
    const body = JSON.stringify(inline.Properties.Body);
    const substituted = text.replace(/"@@cdk-apigateway-presets:(\d+)@@"/g, (_m, i: string) =>
      JSON.stringify(values[Number(i)]),
    );
    expect(JSON.parse(substituted)).toEqual(JSON.parse(body));
    // One value per distinct reference: the function's URI twice, the queue's role and its queue.
    expect(text.match(/@@cdk-apigateway-presets:0@@/g)).toHaveLength(2);
    expect(assetOf(s).json.paths['/orders/{id}'].get['x-amazon-apigateway-integration'].uri).toBe(
      '@@cdk-apigateway-presets:0@@',
    );
    // Everything the overwrite would otherwise reset travels in the definition.
    expect(assetOf(s).json['x-amazon-apigateway-binary-media-types']).toEqual(['image/png']);
    expect(assetOf(s).json['x-amazon-apigateway-policy']).toBeDefined();
    expect(text).not.toMatch(/"Ref"|"Fn::/);
  });

  test('the asset is a valid OpenAPI 3.0 document, as the inline definition is', async () => {
    expect(await openApiErrors(assetOf(s).json, { apiGatewayPaths: true })).toEqual([]);
  });

  test('the custom resource names the REST API, the asset object and the values', () => {
    const [, importer] = only(s.template, IMPORT_TYPE);
    expect(importer.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^ApiDefinitionImportHandler/), 'Arn'] },
      ServiceTimeout: '600',
      RestApiId: { Ref: only(s.template, 'AWS::ApiGateway::RestApi')[0] },
      DefinitionBucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' },
      DefinitionKey: expect.stringMatching(/^[0-9a-f]{64}\.json$/),
      Values: expect.any(Array),
    });
    expect(importer.Properties.Values[0]).toEqual({
      'Fn::Sub': expect.stringMatching(
        /^arn:\$\{AWS::Partition\}:apigateway:.*\$\{Orders[0-9A-F]{8}\.Arn\}\/invocations$/,
      ),
    });
  });

  test('the handler role names exact actions on exact resources', () => {
    const role = Object.entries(s.template.findResources('AWS::IAM::Role')).find(([id]) =>
      id.startsWith('ApiDefinitionImportHandlerRole'),
    )![1] as Json;
    const statements = role.Properties.Policies[0].PolicyDocument.Statement as Json[];
    expect(statements.map((st) => [st.Sid, st.Action])).toEqual([
      ['WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents']],
      ['ReadDefinition', 's3:GetObject'],
      ['ImportDefinition', 'apigateway:PUT'],
      ['PassIntegrationRoles', 'iam:PassRole'],
    ]);
    const [, importer] = only(s.template, IMPORT_TYPE);
    expect(JSON.stringify(statements[1].Resource)).toContain(`/${importer.Properties.DefinitionKey}`);
    expect(statements[2].Resource).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':apigateway:',
          { Ref: 'AWS::Region' },
          '::/restapis/',
          { Ref: only(s.template, 'AWS::ApiGateway::RestApi')[0] },
        ],
      ],
    });
    // Only the SQS route's integration role is passed to API Gateway.
    expect(statements[3].Resource).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^ApiIntegrationRoles/), 'Arn'],
    });
    expect(statements[3].Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'apigateway.amazonaws.com' },
    });
  });

  test('the handler runs on the newest Node.js runtime and logs to a retained log group', () => {
    const fnResource = Object.entries(s.template.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('ApiDefinitionImportHandler'),
    )![1] as Json;
    expect(fnResource.Properties.Runtime).toBe(newestNodejsRuntime().name);
    const logs = Object.entries(s.template.findResources('AWS::Logs::LogGroup')).find(([id]) =>
      id.startsWith('ApiDefinitionImportHandlerLogs'),
    )![1] as Json;
    expect(logs.DeletionPolicy).toBe('Retain');
    expect(logs.Properties.RetentionInDays).toBe(365);
  });

  test('the deployment waits for the import', () => {
    const [, deployment] = deploymentOf(s.template);
    expect(deployment.DependsOn).toContain(only(s.template, IMPORT_TYPE)[0]);
  });

  test('passes the AwsSolutions and Serverless packs with the acknowledgements docs/COMPLIANCE.md lists', () => {
    for (const Pack of [AwsSolutionsChecks, ServerlessChecks]) {
      const { violations } = new Pack().validateScope(s.app);
      const ours = violations.filter((v) =>
        v.violatingResources.some((r) => r.constructPath?.includes('DefinitionImport')),
      );
      expect(ours.map((v) => v.ruleName)).toEqual([]);
    }
    const api = s.app.node.findChild('Stack').node.findChild('Api');
    const found = Object.keys(acknowledgementsUnder(api)).filter((a) => a.startsWith('DefinitionImport/'));
    expect(found.sort()).toEqual([
      'DefinitionImport/Handler HIPAA.Security-LambdaConcurrency',
      'DefinitionImport/Handler HIPAA.Security-LambdaDLQ',
      'DefinitionImport/Handler HIPAA.Security-LambdaInsideVPC',
      'DefinitionImport/Handler NIST.800.53.R5-LambdaConcurrency',
      'DefinitionImport/Handler NIST.800.53.R5-LambdaDLQ',
      'DefinitionImport/Handler NIST.800.53.R5-LambdaInsideVPC',
      'DefinitionImport/Handler PCI.DSS.321-LambdaInsideVPC',
      'DefinitionImport/Handler Serverless-LambdaDLQ',
      'DefinitionImport/Handler Serverless-LambdaTracing',
      'DefinitionImport/HandlerRole HIPAA.Security-IAMNoInlinePolicy',
      'DefinitionImport/HandlerRole NIST.800.53.R5-IAMNoInlinePolicy',
      'DefinitionImport/HandlerRole PCI.DSS.321-IAMNoInlinePolicy',
    ]);
  });

  test('the contract is the same wherever the definition goes', () => {
    const contract = (location: DefinitionLocation) => {
      const app = new App({ builtinCloudFormationValidation: false });
      const stack = new Stack(app, 'Stack');
      const api = new EdgeApi(stack, 'Api', { ...props, definitionLocation: location });
      build(api, stack);
      app.synth();
      return api.openApi();
    };
    expect(contract(DefinitionLocation.ASSET)).toEqual(contract(DefinitionLocation.TEMPLATE));
  });
});

describe('what the deployment follows', () => {
  /** The deployment's logical id and the asset object of an API with the given routes. */
  function deployed(paths: string[], other = false): { id: string; key: string; asset: Json } {
    const s = synth(ASSET, (api, stack) => {
      const target = fn(stack, other ? 'Other' : 'Orders');
      for (const p of paths) {
        api.addRoute('GET', p, RouteIntegration.lambdaFunction(target));
      }
    });
    const [, importer] = only(s.template, IMPORT_TYPE);
    return {
      id: deploymentOf(s.template)[0],
      key: importer.Properties.DefinitionKey,
      asset: assetOf(s).json,
    };
  }

  let base: ReturnType<typeof deployed>;
  beforeAll(() => {
    base = deployed(['/a', '/b']);
  });

  test('the same routes give the same deployment and the same asset', () => {
    expect(deployed(['/a', '/b'])).toEqual(base);
  });

  test('a removed route changes the asset, which no longer has it, and the deployment', () => {
    const removed = deployed(['/a']);
    expect(Object.keys(removed.asset.paths)).toEqual(['/a']);
    expect(Object.keys(base.asset.paths)).toEqual(['/a', '/b']);
    expect(removed.key).not.toBe(base.key);
    expect(removed.id).not.toBe(base.id);
  });

  test('a different value (another function) changes the deployment, not the asset', () => {
    const other = deployed(['/a', '/b'], true);
    expect(other.key).toBe(base.key);
    expect(other.id).not.toBe(base.id);
  });
});

test('a value from another stack reaches the custom resource as an import, the asset keeps its placeholder', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'definition-import-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const shared = new Stack(app, 'Shared');
  const pool = new cognito.UserPool(shared, 'Pool');
  const stack = new Stack(app, 'Stack');
  const api = new EdgeApi(stack, 'Api', {
    ...ASSET,
    authorization: ApiAuthorization.cognito({ userPools: [pool] }),
  });
  api.addRoute('GET', '/me', RouteIntegration.mock());
  app.synth();
  const template = Template.fromStack(stack);
  const [, importer] = only(template, IMPORT_TYPE);
  const values = importer.Properties.Values as Json[];
  expect(values).toContainEqual({
    'Fn::ImportValue': expect.stringMatching(/^Shared:ExportsOutputFnGetAttPool/),
  });
  const text = fs.readFileSync(path.join(outdir, `asset.${importer.Properties.DefinitionKey}`), 'utf8');
  const schemes = (JSON.parse(text) as Json).components.securitySchemes as Json;
  const [scheme] = Object.values(schemes);
  expect(scheme['x-amazon-apigateway-authorizer'].providerARNs).toEqual([
    expect.stringMatching(/^@@cdk-apigateway-presets:\d+@@$/),
  ]);
});

test('functions of the same logical id in two other stacks stay two values', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'definition-import-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const [one, two] = ['One', 'Two'].map((id) => fn(new Stack(app, id), 'Handler'));
  const stack = new Stack(app, 'Stack');
  const api = new EdgeApi(stack, 'Api', ASSET);
  api.addRoute('GET', '/one', RouteIntegration.lambdaFunction(one));
  api.addRoute('GET', '/two', RouteIntegration.lambdaFunction(two));
  app.synth();
  const [, importer] = only(Template.fromStack(stack), IMPORT_TYPE);
  const values = JSON.stringify(importer.Properties.Values);
  expect(values).toContain('One:ExportsOutput');
  expect(values).toContain('Two:ExportsOutput');
  const text = fs.readFileSync(path.join(outdir, `asset.${importer.Properties.DefinitionKey}`), 'utf8');
  const uris = ['/one', '/two'].map(
    (p) => (JSON.parse(text) as Json).paths[p].get['x-amazon-apigateway-integration'].uri as string,
  );
  expect(uris[0]).not.toBe(uris[1]);
});

describe('DefinitionLocation.AUTO (the default)', () => {
  test('keeps a definition that fits in the template, with nothing added', () => {
    const s = synth({}, (api) => api.addRoute('GET', '/a', RouteIntegration.mock()));
    const [, restApi] = only(s.template, 'AWS::ApiGateway::RestApi');
    expect(restApi.Properties.Body.paths['/a']).toBeDefined();
    expect(s.template.findResources(IMPORT_TYPE)).toEqual({});
  });

  test('moves the definition out when the template would pass 1,000,000 bytes with it', () => {
    // Eleven routes of 100,000 bytes of documentation each: the definition alone passes 1,000,000.
    const long = 'x'.repeat(100_000);
    const s = synth({}, (api) => {
      for (let i = 0; i < 11; i++) {
        api.addRoute('GET', `/r${i}`, RouteIntegration.mock(), { description: long });
      }
    });
    expect(only(s.template, 'AWS::ApiGateway::RestApi')[1].Properties.Body).toBeUndefined();
    expect(Object.keys(assetOf(s).json.paths)).toHaveLength(11);
    expect(Buffer.byteLength(JSON.stringify(s.template.toJSON()))).toBeLessThan(1_000_000);
  });

  test('decides without resolving other constructs, whose cached lazy values later aspects may still change', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Stack');
    new EdgeApi(stack, 'Api').addRoute('GET', '/a', RouteIntegration.mock());
    const state = { value: 'before the aspects' };
    const thing = new CfnResource(stack, 'Thing', {
      type: 'Custom::Thing',
      properties: { Value: Lazy.string({ produce: () => state.value }) },
    });
    // An aspect of the default priority, on a construct visited after the API.
    Aspects.of(thing).add({
      visit: (node) => {
        if (node === thing) {
          state.value = 'set by an aspect';
        }
      },
    });
    app.synth();
    Template.fromStack(stack).hasResourceProperties('Custom::Thing', { Value: 'set by an aspect' });
  });

  test('with two presets in one stack, the one created first moves out, and the other then fits', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Stack', { suppressTemplateIndentation: true });
    for (const id of ['A', 'B']) {
      new EdgeApi(stack, id).addRoute('GET', '/a', RouteIntegration.mock(), {
        description: 'x'.repeat(550_000),
      });
    }
    app.synth();
    const template = Template.fromStack(stack);
    const bodies = Object.entries(template.findResources('AWS::ApiGateway::RestApi')).map(([id, r]) => [
      id.slice(0, 1),
      (r as Json).Properties.Body !== undefined,
    ]);
    expect(bodies.sort()).toEqual([
      ['A', false],
      ['B', true],
    ]);
    expect(Object.keys(template.findResources(IMPORT_TYPE))).toEqual([
      expect.stringMatching(/^ADefinitionImport/),
    ]);
  });

  test('TEMPLATE keeps it there and fails synth with the template check instead', () => {
    const long = 'x'.repeat(100_000);
    expect(() =>
      synth({ definitionLocation: DefinitionLocation.TEMPLATE }, (api) => {
        for (let i = 0; i < 11; i++) {
          api.addRoute('GET', `/r${i}`, RouteIntegration.mock(), { description: long });
        }
      }),
    ).toThrow(/Invalid template size of Stack: \d+ bytes/);
  });
});

test('fails when the definition’s own text looks like a placeholder', () => {
  expect(() =>
    synth(ASSET, (api, stack) => {
      api.addRoute('GET', '/a', RouteIntegration.lambdaFunction(fn(stack, 'Orders')), {
        description: 'not @@cdk-apigateway-presets:0@@ a value',
      });
    }),
  ).toThrow(
    /\[Stack\/Api\] Invalid API definition of Stack\/Api: its own text contains '@@cdk-apigateway-presets:<n>@@', which the import .* \(definitionLocation: DefinitionLocation.TEMPLATE\)\./,
  );
});

test('fails when a route is added after the definition was written to its asset', () => {
  expect(() =>
    synth(ASSET, (api) => {
      api.addRoute('GET', '/a', RouteIntegration.mock());
      // An aspect of the default priority runs after the one that writes the asset.
      Aspects.of(api).add({
        visit: (node) => {
          if (node === api) {
            api.addRoute('GET', '/late', RouteIntegration.mock());
          }
        },
      });
    }),
  ).toThrow(
    /\[Stack\/Api\] Invalid routes of Stack\/Api: a route was added or changed after the API definition was written to its asset/,
  );
});

test('fails when something adds a separate policy to the handler role', () => {
  expect(() =>
    synth(ASSET, (api) => {
      api.addRoute('GET', '/a', RouteIntegration.mock());
      Aspects.of(api).add({
        visit: (node) => {
          if (node.node.path === 'Stack/Api/DefinitionImport/HandlerRole') {
            (node as iam.Role).addToPrincipalPolicy(
              new iam.PolicyStatement({
                actions: ['sqs:SendMessage'],
                resources: ['arn:aws:sqs:us-east-1:1:q'],
              }),
            );
          }
        },
      });
    }),
  ).toThrow(
    '[Stack/Api/DefinitionImport/HandlerRole] The definition-import handler role must not get a separate policy (e.g. from a grant)',
  );
});

describe('the size PutRestApi imports', () => {
  test('fails when the definition passes 6,000,000 bytes', () => {
    expect(() =>
      synth(ASSET, (api) => {
        for (let i = 0; i < 7; i++) {
          api.addRoute('GET', `/r${i}`, RouteIntegration.mock(), { description: 'x'.repeat(900_000) });
        }
      }),
    ).toThrow(
      /\[Stack\/Api\] Invalid API definition of Stack\/Api: at least \d+ bytes; PutRestApi imports a definition of at most 6000000 bytes\. Split the API/,
    );
  });

  test('warns when its deploy-time values may take it past 6,000,000 bytes', () => {
    const s = synth(ASSET, (api, stack) => {
      const target = fn(stack, 'Orders');
      api.addRoute('GET', '/big', RouteIntegration.mock(), { description: 'x'.repeat(5_985_000) });
      for (let i = 0; i < 40; i++) {
        api.addRoute('GET', `/r${i}`, RouteIntegration.lambdaFunction(target));
      }
    });
    const warnings = s.app.node
      .findChild('Stack')
      .node.findChild('Api')
      .node.metadata.filter((m) => m.type === 'aws:cdk:warning')
      .map((m) => String(m.data));
    expect(warnings.join('\n')).toMatch(
      /The API definition of Stack\/Api takes between \d+ and about \d+ bytes once its deploy-time values .* \[ack: cdk-apigateway-presets:definition-import-size\]/,
    );
  });
});
