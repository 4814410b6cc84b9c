import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ApiFront, PolicyStatement } from '../security/resource-policy';
import { IntegrationTimeoutLimit } from '../private/limits';
import type { RouteOptions } from './route-options';

/** What a preset fixes about its API, and what it adds before the API is built. */
export interface PresetShape {
  readonly endpointType: apigw.EndpointType;
  readonly ipAddressType?: apigw.IpAddressType;
  /** Whether a web ACL is created when the props say nothing about WAF. */
  readonly wafByDefault: boolean;
  /** Whether the user said the account's integration timeout quota is raised (regional and private APIs). */
  readonly longIntegrationTimeouts?: boolean;
  /** Called under the preset before the API is built. */
  readonly prepare?: (preset: Construct) => PresetAdditions;
}

/** A route as a preset checks it, before the engine records it. */
export interface RouteToCheck {
  readonly method: string;
  readonly path: string;
  readonly options: RouteOptions;
  /** Whether the integration streams its response. */
  readonly streamed: boolean;
}

/** What a preset adds to the API it is built on. */
export interface PresetAdditions {
  /** The VPC endpoints a private API is reachable through. */
  readonly vpcEndpoints?: ec2.IVpcEndpoint[];
  /** The VPC of a private API, for its private custom domain. */
  readonly vpc?: ec2.IVpc;
  /** Resource policy statements the preset requires; the user's options can only narrow them. */
  readonly policyStatements?: PolicyStatement[];
  /**
   * The proxy of the preset's that every request reaches the API through (the CloudFront front): what
   * the resource policy can test behind it.
   */
  readonly front?: ApiFront;
  /** Web ACL rules evaluated before the library's own. */
  readonly wafRules?: wafv2.CfnWebACL.RuleProperty[];
  /** A stage's invoke URL, when the default one does not reach the API. */
  readonly stageUrl?: (restApi: apigw.IRestApi, stage: apigw.Stage) => string;
  /** What the stage URL outputs say they are, when not the stage's invoke URL. */
  readonly stageUrlDescription?: (stageName: string) => string;
  /**
   * The header holding the client's address, when requests reach the API through a proxy of the
   * preset's (the web ACL's per-client rate limit counts that address instead of the source IP).
   */
  readonly clientIpHeader?: string;
  /** Request headers holding a secret of the preset's, which the web ACL's logs leave out. */
  readonly secretHeaders?: string[];
  /**
   * Checks a route before the engine does, so a route that cannot work leaves no trace. Returns the
   * warnings (id, message) to leave on the route once it is recorded.
   */
  readonly checkRoute?: (route: RouteToCheck) => Array<[string, string]>;
  /** Called once the API, its stages and its web ACL exist, to build what goes around them. */
  readonly finish?: (api: BuiltApi) => void;
}

/** What the engine has built when a preset finishes (a type alias: it hands constructs over). */
export type BuiltApi = {
  readonly restApi: apigw.SpecRestApi;
  readonly stages: apigw.Stage[];
  readonly webAcl?: wafv2.CfnWebACL;
};

/** How long the integrations of an API of this shape may take. */
export function integrationTimeoutLimit(shape: PresetShape): IntegrationTimeoutLimit {
  const edge = shape.endpointType === apigw.EndpointType.EDGE;
  return {
    endpoint: edge ? 'edge-optimized' : shape.endpointType.toLowerCase(),
    raisable: !edge,
    raised: !edge && shape.longIntegrationTimeouts === true,
  };
}
