import { Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { PresetValidationError } from '../private/errors';
import * as limits from '../private/limits';
import { OpenApiObject } from '../private/openapi';

/**
 * Who may call the API, as its resource policy says. Each option narrows who may call: requests it
 * does not allow are denied, whatever the route's authorization. What the preset itself requires (a
 * private API's endpoints) always holds.
 *
 * Which request facts a policy can test depends on how the request arrives, so the options differ per
 * endpoint type: a request to a public (edge-optimized or regional) API carries its source address
 * (`aws:SourceIp`) and never a VPC or VPC endpoint; a request to a private API, through an execute-api
 * VPC endpoint, carries its VPC, its endpoint and its address inside the VPC (`aws:SourceVpc`,
 * `aws:SourceVpce`, `aws:VpcSourceIp`) and no `aws:SourceIp`. An option that cannot work on the API's
 * endpoint type fails synth rather than deny every caller or match none. docs/RESOURCE-POLICIES.md has
 * the table, with AWS's sources.
 */
export interface ResourcePolicyOptions {
  /**
   * Only requests from these IP ranges (CIDR, IPv4 or IPv6) may call the API.
   *
   * - Edge-optimized and regional APIs: the caller's public address (`aws:SourceIp`).
   * - Private APIs: the caller's address inside its VPC, as the VPC endpoint sees it (`aws:VpcSourceIp`),
   *   e.g. a subnet's `10.0.1.0/24`.
   * - Not with a `RegionalApi`'s `cloudFront`: every request reaches the API from a CloudFront address.
   *   Restrict viewers at the distribution instead (`cloudFront.webAclArn`, `cloudFront.geoRestriction`).
   * @default - any source address
   */
  readonly allowedSourceIps?: string[];

  /**
   * Requests from these IP ranges (CIDR, IPv4 or IPv6) are denied: the caller's public address on an
   * edge-optimized or regional API, its address inside the VPC on a private API, as for
   * `allowedSourceIps`. Not with a `RegionalApi`'s `cloudFront`.
   * @default - none
   */
  readonly deniedSourceIps?: string[];

  /**
   * Only callers signing with credentials of these AWS accounts (12 digits) may call the API. Callers
   * that do not sign (routes with Cognito, Lambda or no authorization) have no account, so they are
   * denied too: use this with IAM authorization. Any endpoint type; not with a `RegionalApi`'s
   * `cloudFront`, where no request is signed. With `cors`, browsers' preflights (OPTIONS, never
   * signed) are let through.
   * @default - any account
   */
  readonly allowedAccounts?: string[];

  /**
   * Only these IAM principals (role or user ARNs) may call the API; the same caveats as `allowedAccounts`.
   * @default - any principal
   */
  readonly allowedPrincipalArns?: string[];

  /**
   * Private APIs only: only requests through VPC endpoints in these VPCs (`vpc-…`) may call the API
   * (`aws:SourceVpc`). A public API is never reached through a VPC endpoint: use `PrivateApi` (or
   * `S3ProxyApi` with a private `endpointType`) to admit callers by VPC.
   * @default - any VPC
   */
  readonly allowedVpcs?: string[];

  /**
   * Private APIs only: only requests through these VPC endpoints (`vpce-…`) may call the API
   * (`aws:SourceVpce`), a subset of the API's own endpoints.
   * @default - any VPC endpoint
   */
  readonly allowedVpcEndpoints?: string[];

  /**
   * Private APIs only: requests through VPC endpoints in these VPCs (`vpc-…`) are denied.
   * @default - none
   */
  readonly deniedVpcs?: string[];

  /**
   * Private APIs only: requests through these VPC endpoints (`vpce-…`) are denied.
   * @default - none
   */
  readonly deniedVpcEndpoints?: string[];
}

/** How requests reach the API, which decides what its resource policy can test. */
export interface ResourcePolicyContext {
  readonly endpointType: apigw.EndpointType;
  /** Whether the API answers browsers' CORS preflights (OPTIONS on every route path). */
  readonly corsPreflight: boolean;
  /** A proxy of the preset's in front of the API (the CloudFront front), if there is one. */
  readonly front?: ApiFront;
  /** The ids of a private API's VPC endpoints (some may be tokens). */
  readonly vpcEndpointIds?: string[];
}

/** A proxy of the preset's that every request reaches the API through. */
export interface ApiFront {
  /** The prop that puts it there, e.g. `cloudFront`. */
  readonly prop: string;
  /** What to use instead of source IP options, whose address behind it is the proxy's. */
  readonly sourceIpsInstead: string;
  /** Why no request behind it carries a principal (so account and principal options deny everyone). */
  readonly unsigned: string;
}

/** A statement of the resource policy. */
export type PolicyStatement = OpenApiObject;

const ACCOUNT = /^\d{12}$/;
const PRINCIPAL_ARN = /^arn:[a-z-]+:(iam|sts)::\d{12}:[A-Za-z-]+\/.+$/;
const VPC = /^vpc-[0-9a-f]{8,17}$/;
const VPC_ENDPOINT = /^vpce-[0-9a-f]{8,17}$/;

/** The resource of every statement: every method of every path and stage of this API. */
const THIS_API = 'execute-api:/*';

/**
 * Every method of every path and stage but OPTIONS (`execute-api:/<stage>/<method>/<path>`), for the
 * statements that require a signed caller when the API answers CORS preflights, which browsers never sign.
 */
const ALL_BUT_OPTIONS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => `execute-api:/*/${m}/*`);

/**
 * Who may call the API unless a statement denies it. With a resource policy, API Gateway lets only
 * what a statement allows through; callers are still authorized by each route's authorization.
 */
export function allowEveryone(): PolicyStatement {
  return { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: THIS_API };
}

/** A statement that denies every request (to `resource`) whose `key` is not (or is) one of `values`. */
export function deny(
  sid: string,
  operator: string,
  key: string,
  values: string[],
  resource: string | string[] = THIS_API,
): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Deny',
    Principal: '*',
    Action: 'execute-api:Invoke',
    Resource: resource,
    Condition: { [operator]: { [key]: values } },
  };
}

/**
 * The resource policy of the definition (`x-amazon-apigateway-policy`): the statements the preset
 * requires, and one Deny per option the user set, or undefined when there is nothing to say. Each
 * option is rendered with the condition key that requests to the API carry (`context`); an option
 * that cannot work there is refused. Checks every value and the policy's size against API Gateway's limit.
 *
 * @param required the preset's own statements; a user option can only add Deny statements to them
 */
export function renderResourcePolicy(
  scope: IConstruct,
  options: ResourcePolicyOptions | undefined,
  required: PolicyStatement[],
  context: ResourcePolicyContext,
): OpenApiObject | undefined {
  const o = options ?? {};
  const isPrivate = context.endpointType === apigw.EndpointType.PRIVATE;
  const endpoint =
    context.endpointType === apigw.EndpointType.EDGE
      ? 'an edge-optimized'
      : isPrivate
        ? 'a private'
        : 'a regional';
  const statements: PolicyStatement[] = [];
  const restrict = (
    prop: keyof ResourcePolicyOptions,
    valid: (value: string) => boolean,
    allowed: string,
    build: (values: string[]) => PolicyStatement,
    refusal?: (values: string[]) => string | undefined,
  ): void => {
    const values = o[prop];
    if (values === undefined) {
      return;
    }
    if (values.length === 0) {
      throw new PresetValidationError(
        scope,
        `resourcePolicy.${prop}`,
        values,
        `List at least one value: ${allowed}.`,
      );
    }
    for (const value of values) {
      if (!Token.isUnresolved(value) && !valid(value)) {
        throw new PresetValidationError(scope, `resourcePolicy.${prop}`, value, `Use ${allowed}.`);
      }
    }
    const refused = refusal?.(values);
    if (refused) {
      throw new PresetValidationError(scope, `resourcePolicy.${prop}`, values, refused);
    }
    statements.push(build(values));
  };
  const isCidr = (v: string): boolean => limits.parseCidr(v) !== undefined;
  const matches = (pattern: RegExp) => (v: string) => pattern.test(v);
  const cidrs = "CIDR ranges such as '203.0.113.0/24' or '2001:db8::/32'";

  // Source addresses: the public address on a public API, the address in the VPC on a private one.
  const sourceIpKey = isPrivate ? 'aws:VpcSourceIp' : 'aws:SourceIp';
  const behindFront = (effect: string) => () =>
    context.front
      ? `Behind ${context.front.prop}, every request reaches the API from a CloudFront address (aws:SourceIp), never the viewer's, so this would ${effect}. ${context.front.sourceIpsInstead}`
      : undefined;
  restrict(
    'allowedSourceIps',
    isCidr,
    cidrs,
    (v) => deny('DenyOtherSourceIps', 'NotIpAddress', sourceIpKey, v),
    behindFront('deny every viewer'),
  );
  restrict(
    'deniedSourceIps',
    isCidr,
    cidrs,
    (v) => deny('DenySourceIps', 'IpAddress', sourceIpKey, v),
    behindFront('match no viewer'),
  );

  // Signed callers: a browser's preflight is never signed, so it is let through where the API answers it.
  const signedOnly = context.corsPreflight ? ALL_BUT_OPTIONS : THIS_API;
  const unsigned = () =>
    context.front
      ? `Behind ${context.front.prop}, no request is signed (${context.front.unsigned}), so no request has an account or principal and this would deny every caller. Use a RegionalApi without ${context.front.prop} for IAM callers.`
      : undefined;
  restrict(
    'allowedAccounts',
    matches(ACCOUNT),
    '12-digit AWS account ids',
    (v) => deny('DenyOtherAccounts', 'StringNotEquals', 'aws:PrincipalAccount', v, signedOnly),
    unsigned,
  );
  restrict(
    'allowedPrincipalArns',
    matches(PRINCIPAL_ARN),
    "IAM ARNs such as 'arn:aws:iam::111122223333:role/Caller'",
    (v) => deny('DenyOtherPrincipals', 'ArnNotEquals', 'aws:PrincipalArn', v, signedOnly),
    unsigned,
  );

  // VPCs and VPC endpoints: only requests through an execute-api endpoint, to a private API, have them.
  const publicApi = (effect: string) => () =>
    isPrivate
      ? undefined
      : `Only requests through an execute-api VPC endpoint, to a private API, carry their VPC and endpoint (aws:SourceVpc, aws:SourceVpce); on ${endpoint} API this would ${effect}. Use PrivateApi (or S3ProxyApi with endpointType PRIVATE) to admit callers by VPC, or allowedSourceIps to restrict a public API by address.`;
  const vpcs = "VPC ids such as 'vpc-0123456789abcdef0'";
  const endpoints = "VPC endpoint ids such as 'vpce-0123456789abcdef0'";
  restrict(
    'allowedVpcs',
    matches(VPC),
    vpcs,
    (v) => deny('DenyOtherVpcs', 'StringNotEquals', 'aws:SourceVpc', v),
    publicApi('deny every caller'),
  );
  // The API's own policy already denies every endpoint but its own: another one here can admit no one.
  const apiEndpoints = context.vpcEndpointIds ?? [];
  const notTheApis = (values: string[]): string | undefined => {
    if (apiEndpoints.some((id) => Token.isUnresolved(id))) {
      return undefined;
    }
    const others = values.filter((v) => !Token.isUnresolved(v) && !apiEndpoints.includes(v));
    return others.length > 0
      ? `${others.join(', ')} ${others.length > 1 ? 'are not endpoints' : 'is not an endpoint'} of this API (${apiEndpoints.join(', ')}), whose policy denies requests through any other: list some of the API's own endpoints.`
      : undefined;
  };
  restrict(
    'allowedVpcEndpoints',
    matches(VPC_ENDPOINT),
    endpoints,
    (v) => deny('DenyOtherVpcEndpoints', 'StringNotEquals', 'aws:SourceVpce', v),
    (v) => publicApi('deny every caller')() ?? notTheApis(v),
  );
  restrict(
    'deniedVpcs',
    matches(VPC),
    vpcs,
    (v) => deny('DenyVpcs', 'StringEquals', 'aws:SourceVpc', v),
    publicApi('match no caller'),
  );
  restrict(
    'deniedVpcEndpoints',
    matches(VPC_ENDPOINT),
    endpoints,
    (v) => deny('DenyVpcEndpoints', 'StringEquals', 'aws:SourceVpce', v),
    publicApi('match no caller'),
  );
  if (required.length === 0 && statements.length === 0) {
    return undefined;
  }
  const policy = {
    Version: '2012-10-17',
    // The preset's statements first; without them, everyone is allowed and the options narrow it.
    Statement: [...(required.length > 0 ? required : [allowEveryone()]), ...statements],
  };
  // API Gateway counts the policy as it stores it; tokens (endpoint ids) count as their longest form.
  const length = JSON.stringify(policy).replace(/\$\{Token\[[^\]]+\]\}/g, 'vpce-0123456789abcdef0').length;
  if (length > limits.MAX_RESOURCE_POLICY_LENGTH) {
    throw new PresetValidationError(
      scope,
      'resourcePolicy',
      `${length} characters`,
      `An API's resource policy is at most ${limits.MAX_RESOURCE_POLICY_LENGTH} characters (API Gateway's default quota); list ranges instead of single addresses.`,
    );
  }
  return policy;
}

/**
 * The statements a private API's resource policy always has: only requests through its endpoints are
 * allowed, and every other request is denied explicitly.
 */
export function privateApiPolicy(endpoints: ec2.IVpcEndpoint[]): PolicyStatement[] {
  const ids = endpoints.map((e) => e.vpcEndpointId);
  const statement = (sid: string, effect: string, operator: string): PolicyStatement => ({
    Sid: sid,
    Effect: effect,
    Principal: '*',
    Action: 'execute-api:Invoke',
    Resource: 'execute-api:/*',
    Condition: { [operator]: { 'aws:SourceVpce': ids } },
  });
  return [
    statement('AllowThroughApiEndpoints', 'Allow', 'StringEquals'),
    statement('DenyAnyOtherWay', 'Deny', 'StringNotEquals'),
  ];
}
