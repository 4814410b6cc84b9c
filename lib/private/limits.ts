import * as net from 'net';
import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PresetValidationError } from './errors';

/*
 * API Gateway limits the library checks at synth, so wrong input never reaches a deploy.
 * Sources: the API Gateway REST quotas table and CreateStage/MethodSetting API reference
 * (see docs/LIMITS.md for the list with links).
 */

/** HTTP methods API Gateway accepts on a method; ANY stands for all of them. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'ANY'];

/** Where API Gateway method request parameters live (PutMethod accepts no other location). */
export const METHOD_PARAMETER = /^method\.request\.(path|querystring|header)\.[^.\s]+$/;

export const STAGE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
export const STAGE_VARIABLE_NAME_PATTERN = /^[A-Za-z0-9_]{1,64}$/;
export const STAGE_VARIABLE_VALUE_PATTERN = /^[A-Za-z0-9\-._~:/?#&=,]{1,512}$/;
export const MAX_STAGE_VARIABLES = 100;
export const MAX_STAGES_PER_API = 10;
export const MAX_AUTHORIZERS_PER_API = 10;
/** API Gateway's default quota of resources (paths) per REST API; adjustable. */
export const MAX_RESOURCES_PER_API = 300;
/** API Gateway's default quota of characters in a REST API's resource policy; adjustable. */
export const MAX_RESOURCE_POLICY_LENGTH = 8192;
/** API Gateway's quota of API keys per account and Region; cannot be raised. */
export const MAX_API_KEYS_PER_REGION = 10_000;
/** API Gateway's default quota of usage plans per account and Region; adjustable. */
export const MAX_USAGE_PLANS_PER_REGION = 300;
/** API Gateway's default quota of usage plans one API key belongs to; adjustable. */
export const MAX_USAGE_PLANS_PER_API_KEY = 10;
/** CloudFormation's template size limit (a template uploaded to S3, as the CDK CLI does). */
export const MAX_TEMPLATE_BYTES = 1_000_000;
/** CloudFormation's limit of resources in one stack. */
export const MAX_RESOURCES_PER_STACK = 500;
/**
 * The largest API definition PutRestApi imports: "The maximum size of the API definition file is 6MB"
 * (PutRestApi `Body`), read as 6,000,000 bytes to stay on the safe side of either reading of MB.
 */
export const MAX_IMPORTED_DEFINITION_BYTES = 6_000_000;
export const CACHE_TTL_MAX_SECONDS = 3600;
export const INTEGRATION_TIMEOUT_MIN_MS = 50;
export const INTEGRATION_TIMEOUT_MAX_MS = 29_000;
/** Regional and private APIs, once the account's quota is raised (Service Quotas). */
export const INTEGRATION_TIMEOUT_RAISED_MAX_MS = 300_000;
/** A streamed response, on every endpoint type, with no quota to raise. */
export const INTEGRATION_TIMEOUT_STREAMED_MAX_MS = 900_000;
export const AUTHORIZER_TTL_MAX_SECONDS = 3600;

/** An IPv4 or IPv6 CIDR range, as `parseCidr` read it. */
export interface CidrRange {
  readonly version: 4 | 6;
  readonly prefixLength: number;
}

/**
 * Reads `value` as a CIDR range, `<address>/<prefix length>`: an IPv4 address with a prefix of 0-32, or
 * an IPv6 address (no zone id) with a prefix of 0-128. Anything else, e.g. ':/64', '12345::/16' or
 * '10.0.0.0/33', is undefined.
 */
export function parseCidr(value: string): CidrRange | undefined {
  const parts = value.split('/');
  if (parts.length !== 2 || !/^(0|[1-9]\d{0,2})$/.test(parts[1])) {
    return undefined;
  }
  const [address, prefix] = parts;
  const prefixLength = Number(prefix);
  if (net.isIPv4(address)) {
    return prefixLength <= 32 ? { version: 4, prefixLength } : undefined;
  }
  if (!address.includes('%') && net.isIPv6(address)) {
    return prefixLength <= 128 ? { version: 6, prefixLength } : undefined;
  }
  return undefined;
}

/** A number that is a token is resolved at deploy time and cannot be checked here. */
export function isToken(value: unknown): boolean {
  return Token.isUnresolved(value);
}

export function checkStageName(scope: IConstruct, prop: string, name: string): void {
  if (isToken(name)) {
    throw new PresetValidationError(
      scope,
      prop,
      name,
      "A stage name must be known at synth: it names the stage's construct, its URL output and its web ACL association, whose ids must not change between deploys.",
    );
  }
  if (!STAGE_NAME_PATTERN.test(name)) {
    throw new PresetValidationError(
      scope,
      prop,
      name,
      'Stage names are 1-128 characters of letters, digits, hyphens and underscores.',
    );
  }
}

export function checkStageVariables(
  scope: IConstruct,
  prop: string,
  variables: Record<string, string>,
): void {
  const names = Object.keys(variables);
  if (names.length > MAX_STAGE_VARIABLES) {
    throw new PresetValidationError(
      scope,
      prop,
      `${names.length} variables`,
      `A stage holds at most ${MAX_STAGE_VARIABLES} variables.`,
    );
  }
  for (const [name, value] of Object.entries(variables)) {
    if (!STAGE_VARIABLE_NAME_PATTERN.test(name)) {
      throw new PresetValidationError(
        scope,
        `${prop}.${name}`,
        name,
        'Stage variable names are 1-64 letters, digits and underscores.',
      );
    }
    if (!isToken(value) && !STAGE_VARIABLE_VALUE_PATTERN.test(value)) {
      throw new PresetValidationError(
        scope,
        `${prop}.${name}`,
        value,
        'Stage variable values are 1-512 characters from A-Z a-z 0-9 and - . _ ~ : / ? # & = ,',
      );
    }
  }
}

export function checkCacheTtl(scope: IConstruct, prop: string, ttl: Duration): void {
  checkWholeSeconds(
    scope,
    prop,
    ttl,
    CACHE_TTL_MAX_SECONDS,
    `Cache TTL is a whole number of seconds from 0 to ${CACHE_TTL_MAX_SECONDS} (1 hour).`,
  );
}

export function checkAuthorizerTtl(scope: IConstruct, prop: string, ttl: Duration): void {
  checkWholeSeconds(
    scope,
    prop,
    ttl,
    AUTHORIZER_TTL_MAX_SECONDS,
    `Authorizer results are cached for a whole number of seconds from 0 to ${AUTHORIZER_TTL_MAX_SECONDS}.`,
  );
}

function checkWholeSeconds(
  scope: IConstruct,
  prop: string,
  ttl: Duration,
  max: number,
  allowed: string,
): void {
  if (ttl.isUnresolved()) {
    return;
  }
  // Not integral: a fractional duration must get our message, not Duration's own conversion error.
  // Duration itself rejects negative amounts.
  const seconds = ttl.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds > max) {
    throw new PresetValidationError(scope, prop, ttl.toHumanString(), allowed);
  }
}

/** How long a route's integration may take, for one API. */
export interface IntegrationTimeoutLimit {
  /** The API's endpoint type as users know it, e.g. 'edge-optimized'. */
  readonly endpoint: string;
  /** Whether the account's quota can raise it above 29 seconds for this endpoint type. */
  readonly raisable: boolean;
  /** Whether the user said the quota is raised. */
  readonly raised: boolean;
  /** Whether the route's response is streamed, which lifts the limit to 15 minutes on every endpoint type. */
  readonly streamed?: boolean;
}

export function checkIntegrationTimeout(
  scope: IConstruct,
  prop: string,
  timeout: Duration,
  limit: IntegrationTimeoutLimit,
): void {
  if (timeout.isUnresolved()) {
    return;
  }
  const ms = timeout.toMilliseconds({ integral: false });
  const max = limit.streamed
    ? INTEGRATION_TIMEOUT_STREAMED_MAX_MS
    : limit.raised
      ? INTEGRATION_TIMEOUT_RAISED_MAX_MS
      : INTEGRATION_TIMEOUT_MAX_MS;
  if (Number.isInteger(ms) && ms >= INTEGRATION_TIMEOUT_MIN_MS && ms <= max) {
    return;
  }
  let allowed: string;
  if (limit.streamed) {
    allowed = `A streamed route allows integration timeouts of whole milliseconds from ${INTEGRATION_TIMEOUT_MIN_MS} ms to 15 minutes, the longest API Gateway streams a response.`;
  } else if (!limit.raisable) {
    allowed = `An ${limit.endpoint} API allows integration timeouts of whole milliseconds from ${INTEGRATION_TIMEOUT_MIN_MS} ms to 29 seconds; this limit cannot be raised for that endpoint type.`;
  } else if (!limit.raised) {
    allowed =
      `A ${limit.endpoint} API allows integration timeouts of whole milliseconds from ${INTEGRATION_TIMEOUT_MIN_MS} ms to 29 seconds ` +
      "unless the account's quota is raised: after raising 'Maximum integration timeout in milliseconds' in Service Quotas, " +
      'set longIntegrationTimeouts: true for up to 300 seconds.';
  } else {
    allowed = `Integration timeouts are whole milliseconds from ${INTEGRATION_TIMEOUT_MIN_MS} ms to 300 seconds, the most API Gateway's raised quota allows.`;
  }
  throw new PresetValidationError(scope, prop, timeout.toHumanString(), allowed);
}

export function checkThrottling(
  scope: IConstruct,
  prop: string,
  throttling: { rateLimit: number; burstLimit: number },
): void {
  const { rateLimit, burstLimit } = throttling;
  if (!isToken(rateLimit) && !(Number.isFinite(rateLimit) && rateLimit >= 0)) {
    throw new PresetValidationError(
      scope,
      `${prop}.rateLimit`,
      rateLimit,
      'The rate limit is a number of requests per second, 0 or more.',
    );
  }
  if (!isToken(burstLimit) && !(Number.isInteger(burstLimit) && burstLimit >= 0)) {
    throw new PresetValidationError(
      scope,
      `${prop}.burstLimit`,
      burstLimit,
      'The burst limit is a whole number of requests, 0 or more.',
    );
  }
}

/** A media type, or a range of them: `type/subtype`, `type/*` or `*\/*`. */
const MEDIA_TYPE = /^(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/i;

/** Checks media types (`image/png`, `image/*`, `*\/*`); returns them. */
export function checkMediaTypes(scope: IConstruct, prop: string, types: string[]): string[] {
  for (const type of types) {
    if (!isToken(type) && !MEDIA_TYPE.test(type)) {
      throw new PresetValidationError(
        scope,
        prop,
        type,
        "A media type is 'type/subtype', e.g. 'image/png', 'image/*' or '*/*'.",
      );
    }
  }
  return types;
}

/** Whether `pattern` (e.g. `image/*`, `*\/*`) covers the media type `type`, as API Gateway matches them. */
export function mediaTypeMatches(pattern: string, type: string): boolean {
  const [patternType, patternSubtype] = pattern.toLowerCase().split('/');
  const [typeType, typeSubtype] = type.toLowerCase().split(';')[0].trim().split('/');
  return (
    (patternType === '*' || patternType === typeType) &&
    (patternSubtype === '*' || patternSubtype === typeSubtype)
  );
}
