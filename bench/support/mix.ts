/*
 * A large API of the kind a team really writes, for the template-size benchmark and test: groups of
 * ten routes (collections, items, an `ANY` route with its own throttling and a cached `GET`), half of
 * the groups behind Cognito, the rest on IAM, in two stages of which one has a cache cluster. The
 * library is passed in, never imported here (see apis.ts).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as Presets from '../../lib';

/** Routes in one group; a mix has `routes / ROUTES_PER_GROUP` groups. */
export const ROUTES_PER_GROUP = 10;

/** How the mix is built, for the reports. */
export const MIX_CODE =
  "new EdgeApi(stack, 'Api', { stages: [dev, prod with a cache cluster] }) + per group of ten: " +
  'GET/POST /gK/items, GET (cached)/PUT/PATCH/DELETE /gK/items/{id}, GET /gK/items/{id}/history, ' +
  'POST /gK/items/{id}/actions, GET /gK/search, ANY /gK/proxy/{proxy+} (own throttling or not); ' +
  'even groups Cognito, odd groups IAM; one shared Lambda function';

/** How the mix is varied. */
export interface MixOptions {
  /** Routes, a multiple of ten. */
  readonly routes: number;
  /**
   * Whether each group's `ANY` route has its own throttling (one method setting per method it serves,
   * in each stage), or takes its stage's.
   */
  readonly throttledAny: boolean;
  /**
   * Keeps the API definition in the template (`DefinitionLocation.TEMPLATE`), so the template check
   * counts it, instead of letting it move to an S3 asset past 1,000,000 bytes (the default).
   */
  readonly inTemplate?: boolean;
}

/** Builds the mix in `stack`; returns the API. */
export function buildMix(presets: typeof Presets, stack: Stack, mix: MixOptions): Presets.EdgeApi {
  const { routes, throttledAny, inTemplate } = mix;
  if (routes % ROUTES_PER_GROUP !== 0) {
    throw new Error(`the mix has groups of ${ROUTES_PER_GROUP} routes: ${routes} is not a multiple`);
  }
  const fn = new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_LATEST,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
  const pool = new cognito.UserPool(stack, 'Users');
  const api = new presets.EdgeApi(stack, 'Api', {
    stages: [
      { stageName: 'dev', throttling: { rateLimit: 50, burstLimit: 20 } },
      { stageName: 'prod', caching: { ttl: Duration.minutes(5) } },
    ],
    // A library built before definitionLocation has no DefinitionLocation: its definition stays in the template.
    ...(inTemplate && presets.DefinitionLocation
      ? { definitionLocation: presets.DefinitionLocation.TEMPLATE }
      : {}),
  });
  const integration = presets.RouteIntegration.lambdaFunction(fn);
  for (let group = 0; group < routes / ROUTES_PER_GROUP; group++) {
    const cognitoGroup = group % 2 === 0;
    const authorization = cognitoGroup
      ? presets.ApiAuthorization.cognito({ userPools: [pool], scopes: [`g${group}/read`] })
      : presets.ApiAuthorization.iam();
    const options = { authorization };
    const base = `/g${group}`;
    api.addRoute('GET', `${base}/items`, integration, options);
    api.addRoute('POST', `${base}/items`, integration, options);
    api.addRoute('GET', `${base}/items/{id}`, integration, {
      ...options,
      // A Cognito route is cached per caller; an IAM one can only be shared (see the caching docs).
      cache: cognitoGroup ? { ttl: Duration.seconds(60) } : { ttl: Duration.seconds(60), shared: true },
    });
    api.addRoute('PUT', `${base}/items/{id}`, integration, options);
    api.addRoute('PATCH', `${base}/items/{id}`, integration, options);
    api.addRoute('DELETE', `${base}/items/{id}`, integration, options);
    api.addRoute('GET', `${base}/items/{id}/history`, integration, options);
    api.addRoute('POST', `${base}/items/{id}/actions`, integration, options);
    api.addRoute('GET', `${base}/search`, integration, options);
    api.addRoute('ANY', `${base}/proxy/{proxy+}`, integration, {
      ...options,
      throttling: throttledAny ? { rateLimit: 10, burstLimit: 5 } : undefined,
    });
  }
  return api;
}
