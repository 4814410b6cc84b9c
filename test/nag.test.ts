import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NIST80053R5Checks,
  PCIDSS321Checks,
  ServerlessChecks,
} from 'cdk-nag';
import { IConstruct } from 'constructs';
import { addExampleStacks, REGULATED_EXAMPLE } from '../examples/all';
import { ExampleFunction } from '../examples/support/example-function';
import { exampleUserPool } from '../examples/support/example-user-pool';
import {
  ApiAuthorization,
  ApiDefinitionChecks,
  EdgeApi,
  RegionalApi,
  RouteIntegration,
  S3ProxyApi,
} from '../lib';
import { acknowledgementsUnder } from './support/acknowledgements';
import { definitionOf, operationsOf } from './support/definition';

/*
 * cdk-nag v3 is a policy-validation plugin: its findings never reach Annotations, so these tests
 * call each pack's validateScope() after synth, which honours Validations.acknowledge() exactly as
 * `cdk synth` does.
 */

const PACKS = [AwsSolutionsChecks, ServerlessChecks, ApiDefinitionChecks];
/** The packs ComplianceProfile.REGULATED adds, run on the regulated example only (as bin/app.ts does). */
const REGULATED_PACKS = [HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks];

/** One readable line per finding: rule id and the construct paths it fired on. */
function findings(
  Pack: (typeof PACKS)[number] | (typeof REGULATED_PACKS)[number],
  scope: IConstruct,
): string[] {
  const { violations } = new Pack().validateScope(scope);
  return violations.map(
    (v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(',')}`,
  );
}

// One App, synthesized once (with the built-in validation strict, as in examples.test.ts).
const app = new App({
  context: {
    '@aws-cdk/core:validateAgainstDefaultRules': true,
    '@aws-cdk/core:strictCfnValidateErrors': true,
  },
});

// GIVEN an EdgeApi with no props and one route (API Gateway cannot deploy an API without methods)
const defaultStack = new Stack(app, 'DefaultEdgeApi');
new EdgeApi(defaultStack, 'Api').addRoute('GET', '/ping', RouteIntegration.mock());

// GIVEN a RegionalApi with no props
const regionalStack = new Stack(app, 'DefaultRegionalApi');
new RegionalApi(regionalStack, 'Api').addRoute('GET', '/ping', RouteIntegration.mock());

// GIVEN a default (IAM) EdgeApi with a route for every other kind of authorization
const authStack = new Stack(app, 'EveryAuthorization');
const authApi = new EdgeApi(authStack, 'Api');
const tokenFunction = new ExampleFunction(authStack, 'TokenAuthorizer', {
  code: `exports.handler = async () => ({ principalId: 'caller', policyDocument: { Version: '2012-10-17', Statement: [] } });`,
});
authApi.addRoute('GET', '/iam', RouteIntegration.mock());
authApi.addRoute('GET', '/cognito', RouteIntegration.mock(), {
  authorization: ApiAuthorization.cognito({ userPools: [exampleUserPool(authStack, 'Users')] }),
});
authApi.addRoute('GET', '/token', RouteIntegration.mock(), {
  authorization: ApiAuthorization.lambdaToken(tokenFunction.function),
});
authApi.addRoute('GET', '/public', RouteIntegration.mock(), { authorization: ApiAuthorization.none() });
// A route declared public is reported until the app acknowledges it, operation by operation.
Validations.of(authStack).acknowledge({
  id: 'ApiDefinition-DeclaredPublic[GET /public]',
  reason: 'The test route is public on purpose and returns no data.',
});

// GIVEN an S3ProxyApi with no props
const s3ProxyStack = new Stack(app, 'DefaultS3ProxyApi');
new S3ProxyApi(s3ProxyStack, 'Api');

const stacks = [defaultStack, regionalStack, authStack, s3ProxyStack, ...addExampleStacks(app)];

beforeAll(() => {
  // Runs aspects and prepare (and the built-in validation) so the packs see the final resources.
  app.synth();
});

describe.each(PACKS.map((Pack) => [Pack.name, Pack] as const))('%s', (_, Pack) => {
  test.each(stacks.map((s) => [s.stackName, s] as const))(
    'finds no error and no warning in %s',
    (_, stack) => {
      expect(findings(Pack, stack)).toEqual([]);
    },
  );
});

describe.each(REGULATED_PACKS.map((Pack) => [Pack.name, Pack] as const))('%s', (_, Pack) => {
  test(`finds no error and no warning in ${REGULATED_EXAMPLE}`, () => {
    expect(
      findings(
        Pack,
        stacks.find((s) => s.stackName === REGULATED_EXAMPLE)!,
      ),
    ).toEqual([]);
  });
});

test('every acknowledgement made in an example stack is listed in docs/COMPLIANCE.md', () => {
  const compliance = fs.readFileSync(path.join(__dirname, '..', 'docs', 'COMPLIANCE.md'), 'utf8');
  const missing = new Set<string>();
  for (const stack of stacks) {
    for (const entry of Object.keys(acknowledgementsUnder(stack))) {
      const id = entry.slice(entry.indexOf(' ') + 1);
      // The examples' own decisions about their routes (README, "ApiDefinitionChecks") and aws-cdk-lib's
      // built-in validation are not the library's acknowledgements.
      if (id.startsWith('ApiDefinition-') || id.startsWith('CloudFormation-Validate::')) {
        continue;
      }
      // An id naming a resource ([Resource::...]) is listed by its pattern.
      const listed = id.includes('[') ? `\`${id.slice(0, id.indexOf('['))}[` : `\`${id}\``;
      if (!compliance.includes(listed)) {
        missing.add(id);
      }
    }
  }
  expect([...missing].sort()).toEqual([]);
});

/**
 * What cdk-nag's method rules (AwsSolutions-APIG4, COG4) and the request-validation rule (APIG2) would
 * assert if routes were Method resources, asserted on the definition: every operation needs a
 * credential, unless its route was declared public or it is a CORS preflight, and is validated.
 */
function unauthorizedOperations(template: Template): string[] {
  const definition = definitionOf(template);
  const schemes = definition.components?.securitySchemes ?? {};
  const known = ['awsSigv4', 'cognito_user_pools', 'custom'];
  return operationsOf(template)
    .filter(({ route, operation }) => {
      if (route.startsWith('OPTIONS ') && operation.summary === 'CORS preflight') {
        return false;
      }
      const requirement = (operation.security ?? [])[0] ?? {};
      // An API key required with the authorization is no credential of its own.
      const names = Object.keys(requirement).filter((name) => name !== 'api_key');
      return names.length !== 1 || !known.includes(schemes[names[0]]?.['x-amazon-apigateway-authtype']);
    })
    .map(({ route }) => route);
}

test('the acknowledgements a PrivateApi adds (docs/COMPLIANCE.md must list each)', () => {
  const privateApi = stacks.find((s) => s.stackName === 'PrivateVpcApi')!.node.findChild('Api');
  const found = acknowledgementsUnder(privateApi);
  const compliance = fs.readFileSync(path.join(__dirname, '..', 'docs', 'COMPLIANCE.md'), 'utf8');
  for (const entry of Object.keys(found)) {
    expect(compliance).toContain(`\`${entry.slice(entry.indexOf(' ') + 1)}\``);
  }
  expect(
    Object.keys(found)
      .filter((k) => !k.startsWith('AccountLogging/'))
      .sort(),
  ).toEqual(
    [
      'Api/Resource AwsSolutions-APIG2',
      'EndpointSecurityGroup AwsSolutions-EC23',
      ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].flatMap((pack) => [
        `EndpointSecurityGroup ${pack}-EC2RestrictedCommonPorts`,
        `EndpointSecurityGroup ${pack}-EC2RestrictedSSH`,
      ]),
      'Stage.prod/Resource AwsSolutions-APIG3',
      'Stage.prod/Resource Serverless-APIGWStructuredLogging',
    ].sort(),
  );
});

/** One template per REST API of the stack, each holding that API alone (a stack may have several). */
function apiTemplates(stack: Stack): Template[] {
  const apis = Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi');
  expect(Object.keys(apis).length).toBeGreaterThan(0);
  return Object.entries(apis).map(([id, api]) => Template.fromJSON({ Resources: { [id]: api } }));
}

describe('on the definition, what the method rules would assert', () => {
  const PUBLIC: Record<string, string[]> = {
    EveryAuthorization: ['GET /public'],
    TokenAuthorizerEdgeApi: ['GET /health'],
  };
  test.each(stacks.map((s) => [s.stackName, s] as const))(
    'in %s, every operation needs a credential unless its route was declared public',
    (name, stack) => {
      expect(apiTemplates(stack).flatMap(unauthorizedOperations)).toEqual(PUBLIC[name] ?? []);
    },
  );

  test.each(stacks.map((s) => [s.stackName, s] as const))(
    'in %s, every operation is validated',
    (_, stack) => {
      for (const template of apiTemplates(stack)) {
        const definition = definitionOf(template);
        expect(definition['x-amazon-apigateway-request-validator']).toBe('all');
        expect(definition['x-amazon-apigateway-request-validators'].all).toEqual({
          validateRequestBody: true,
          validateRequestParameters: true,
        });
        const overridden = operationsOf(template).filter(
          ({ operation }) => operation['x-amazon-apigateway-request-validator'] !== undefined,
        );
        expect(overridden).toEqual([]);
      }
    },
  );

  test('the check finds a public route (it can fail)', () => {
    expect(unauthorizedOperations(Template.fromStack(authStack))).toContain('GET /public');
  });
});

test('the packs report a plain aws-cdk-lib RestApi (these tests can fail)', () => {
  // GIVEN a RestApi with one method and every aws-cdk-lib default
  const plainApp = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(plainApp, 'Plain');
  new apigw.RestApi(stack, 'Api').root.addMethod('GET', new apigw.MockIntegration());
  plainApp.synth();

  // THEN access logging, authorization and execution logging are reported
  const ruleIds = findings(AwsSolutionsChecks, plainApp).map((f) => f.split(' @ ')[0]);
  expect(ruleIds).toEqual(
    expect.arrayContaining(['AwsSolutions-APIG1', 'AwsSolutions-APIG4', 'AwsSolutions-APIG6']),
  );
  expect(findings(ServerlessChecks, plainApp).map((f) => f.split(' @ ')[0])).toEqual(
    expect.arrayContaining(['Serverless-APIGWAccessLogging', 'Serverless-APIGWDefaultThrottling']),
  );
});

test('the acknowledgements the library makes itself (docs/COMPLIANCE.md must list each)', () => {
  const found = acknowledgementsUnder(authApi);
  const acknowledged = Object.keys(found);
  for (const reason of Object.values(found)) {
    // Every acknowledgement explains itself.
    expect(reason.length).toBeGreaterThan(20);
  }
  // docs/COMPLIANCE.md lists every rule id the library acknowledges.
  const compliance = fs.readFileSync(path.join(__dirname, '..', 'docs', 'COMPLIANCE.md'), 'utf8');
  for (const entry of acknowledged) {
    expect(compliance).toContain(`\`${entry.slice(entry.indexOf(' ') + 1)}\``);
  }

  const logGroup = 'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:';
  expect(acknowledged.sort()).toEqual(
    [
      `AccountLogging/Role AwsSolutions-IAM5[Resource::${logGroup}*]`,
      'AccountLogging/HandlerRole AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*]',
      'AccountLogging/Handler Serverless-LambdaDLQ',
      'AccountLogging/Handler Serverless-LambdaTracing',
      // For ComplianceProfile.REGULATED's packs, made whatever the profile: the handler and roles are the same.
      'AccountLogging/Handler HIPAA.Security-LambdaConcurrency',
      'AccountLogging/Handler HIPAA.Security-LambdaDLQ',
      'AccountLogging/Handler HIPAA.Security-LambdaInsideVPC',
      'AccountLogging/Handler NIST.800.53.R5-LambdaConcurrency',
      'AccountLogging/Handler NIST.800.53.R5-LambdaDLQ',
      'AccountLogging/Handler NIST.800.53.R5-LambdaInsideVPC',
      'AccountLogging/Handler PCI.DSS.321-LambdaInsideVPC',
      ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].flatMap((pack) => [
        `AccountLogging/Role ${pack}-IAMNoInlinePolicy`,
        `AccountLogging/HandlerRole ${pack}-IAMNoInlinePolicy`,
      ]),
      'Api/Resource AwsSolutions-APIG2',
      'Stage.prod/Resource Serverless-APIGWStructuredLogging',
    ].sort(),
  );
});
