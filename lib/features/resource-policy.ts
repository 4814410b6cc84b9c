import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PresetValidationError } from '../private/errors';
import * as limits from '../private/limits';
import { OpenApiObject } from '../private/openapi';

/**
 * Who may call the API, as its resource policy says. Each option narrows who may call: requests it
 * does not allow are denied, whatever the route's authorization. What the preset itself requires (a
 * private API's endpoints) always holds.
 */
export interface ResourcePolicyOptions {
  /**
   * Only requests from these source IP ranges (CIDR, IPv4 or IPv6) may call the API. Behind CloudFront
   * or a private endpoint the source is the client's address as API Gateway sees it.
   * @default - any source address
   */
  readonly allowedSourceIps?: string[];

  /**
   * Requests from these source IP ranges (CIDR, IPv4 or IPv6) are denied.
   * @default - none
   */
  readonly deniedSourceIps?: string[];

  /**
   * Only callers signing with credentials of these AWS accounts (12 digits) may call the API. Callers
   * that do not sign (routes with Cognito, Lambda or no authorization) have no account, so they are
   * denied too: use this with IAM authorization.
   * @default - any account
   */
  readonly allowedAccounts?: string[];

  /**
   * Only these IAM principals (role or user ARNs) may call the API; the same caveat as `allowedAccounts`.
   * @default - any principal
   */
  readonly allowedPrincipalArns?: string[];

  /**
   * Only requests through VPC endpoints in these VPCs (`vpc-…`) may call the API.
   * @default - any VPC
   */
  readonly allowedVpcs?: string[];

  /**
   * Only requests through these VPC endpoints (`vpce-…`) may call the API.
   * @default - any VPC endpoint
   */
  readonly allowedVpcEndpoints?: string[];

  /**
   * Requests through VPC endpoints in these VPCs (`vpc-…`) are denied.
   * @default - none
   */
  readonly deniedVpcs?: string[];

  /**
   * Requests through these VPC endpoints (`vpce-…`) are denied.
   * @default - none
   */
  readonly deniedVpcEndpoints?: string[];
}

/** A statement of the resource policy. */
export type PolicyStatement = OpenApiObject;

const CIDR_V4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
const CIDR_V6 = /^[0-9A-Fa-f:]+\/(12[0-8]|1[01]\d|[1-9]?\d)$/;
const ACCOUNT = /^\d{12}$/;
const PRINCIPAL_ARN = /^arn:[a-z-]+:(iam|sts)::\d{12}:[A-Za-z-]+\/.+$/;
const VPC = /^vpc-[0-9a-f]{8,17}$/;
const VPC_ENDPOINT = /^vpce-[0-9a-f]{8,17}$/;

/** The resource of every statement: every method of every path and stage of this API. */
const THIS_API = 'execute-api:/*';

/**
 * Who may call the API unless a statement denies it. With a resource policy, API Gateway lets only
 * what a statement allows through; callers are still authorized by each route's authorization.
 */
export function allowEveryone(): PolicyStatement {
  return { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: THIS_API };
}

/** A statement that denies every request whose `key` is not (or is) one of `values`. */
export function deny(sid: string, operator: string, key: string, values: string[]): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Deny',
    Principal: '*',
    Action: 'execute-api:Invoke',
    Resource: THIS_API,
    Condition: { [operator]: { [key]: values } },
  };
}

/**
 * The resource policy of the definition (`x-amazon-apigateway-policy`): the statements the preset
 * requires, and one Deny per option the user set, or undefined when there is nothing to say. Checks
 * every value and the policy's size against API Gateway's limit.
 *
 * @param required the preset's own statements; a user option can only add Deny statements to them
 */
export function renderResourcePolicy(
  scope: IConstruct,
  options: ResourcePolicyOptions | undefined,
  required: PolicyStatement[],
): OpenApiObject | undefined {
  const o = options ?? {};
  const statements: PolicyStatement[] = [];
  const restrict = (
    prop: keyof ResourcePolicyOptions,
    valid: (value: string) => boolean,
    allowed: string,
    build: (values: string[]) => PolicyStatement,
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
    statements.push(build(values));
  };
  const isCidr = (v: string): boolean => (v.includes(':') ? CIDR_V6.test(v) : CIDR_V4.test(v));
  const matches = (pattern: RegExp) => (v: string) => pattern.test(v);
  const cidrs = "CIDR ranges such as '203.0.113.0/24' or '2001:db8::/32'";
  restrict('allowedSourceIps', isCidr, cidrs, (v) =>
    deny('DenyOtherSourceIps', 'NotIpAddress', 'aws:SourceIp', v),
  );
  restrict('deniedSourceIps', isCidr, cidrs, (v) => deny('DenySourceIps', 'IpAddress', 'aws:SourceIp', v));
  restrict('allowedAccounts', matches(ACCOUNT), '12-digit AWS account ids', (v) =>
    deny('DenyOtherAccounts', 'StringNotEquals', 'aws:PrincipalAccount', v),
  );
  restrict(
    'allowedPrincipalArns',
    matches(PRINCIPAL_ARN),
    "IAM ARNs such as 'arn:aws:iam::111122223333:role/Caller'",
    (v) => deny('DenyOtherPrincipals', 'ArnNotEquals', 'aws:PrincipalArn', v),
  );
  restrict('allowedVpcs', matches(VPC), "VPC ids such as 'vpc-0123456789abcdef0'", (v) =>
    deny('DenyOtherVpcs', 'StringNotEquals', 'aws:SourceVpc', v),
  );
  restrict(
    'allowedVpcEndpoints',
    matches(VPC_ENDPOINT),
    "VPC endpoint ids such as 'vpce-0123456789abcdef0'",
    (v) => deny('DenyOtherVpcEndpoints', 'StringNotEquals', 'aws:SourceVpce', v),
  );
  restrict('deniedVpcs', matches(VPC), "VPC ids such as 'vpc-0123456789abcdef0'", (v) =>
    deny('DenyVpcs', 'StringEquals', 'aws:SourceVpc', v),
  );
  restrict(
    'deniedVpcEndpoints',
    matches(VPC_ENDPOINT),
    "VPC endpoint ids such as 'vpce-0123456789abcdef0'",
    (v) => deny('DenyVpcEndpoints', 'StringEquals', 'aws:SourceVpce', v),
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
