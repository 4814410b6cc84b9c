import { Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Options for `ApiAuthorization.cognito()`.
 */
export interface CognitoAuthorizationOptions {
  /**
   * The user pools whose tokens are accepted.
   */
  readonly userPools: cognito.IUserPool[];

  /**
   * OAuth scopes a caller's access token must carry. With scopes, callers send an access
   * token; without them, an ID token.
   * @default - no scopes are required
   */
  readonly scopes?: string[];

  /**
   * The request header that carries the token, as `method.request.header.NAME`.
   * @default 'method.request.header.Authorization'
   */
  readonly identitySource?: string;

  /**
   * How long API Gateway caches the token's verification, from 0 to 3600 seconds.
   * @default Duration.minutes(5)
   */
  readonly resultsCacheTtl?: Duration;
}

/**
 * Options for `ApiAuthorization.lambdaToken()`.
 */
export interface LambdaTokenAuthorizationOptions {
  /**
   * The request header that carries the token, as `method.request.header.NAME`.
   * @default 'method.request.header.Authorization'
   */
  readonly identitySource?: string;

  /**
   * How long API Gateway caches the authorizer's policy for a token, from 0 to 3600 seconds.
   * The cached policy is reused for every route of the API, so the authorizer must return a
   * policy that covers all the routes the caller may use (or set this to zero).
   * @default Duration.minutes(5)
   */
  readonly resultsCacheTtl?: Duration;

  /**
   * A regular expression the token must match before the authorizer is invoked; API Gateway answers
   * 401 without invoking it otherwise. API Gateway evaluates it with Java's regular expressions; the
   * library checks at synth that it compiles as a JavaScript regular expression, a close proxy (Java's
   * possessive quantifiers, atomic groups and leading inline flags are accepted too).
   * @default - every token is passed to the authorizer
   */
  readonly validationRegex?: string;
}

/**
 * Options for `ApiAuthorization.lambdaRequest()`.
 */
export interface LambdaRequestAuthorizationOptions {
  /**
   * The request values the authorizer needs, e.g. `method.request.header.Authorization`,
   * `method.request.querystring.key` or `context.httpMethod`. The authorizer is not invoked,
   * and the caller gets 401, when one of them is missing. They also key the results cache.
   */
  readonly identitySources: string[];

  /**
   * How long API Gateway caches the authorizer's policy for a set of identity values, from 0 to 3600 seconds.
   * @default Duration.minutes(5)
   */
  readonly resultsCacheTtl?: Duration;
}

/** @internal */
export enum AuthorizationKind {
  IAM = 'IAM',
  NONE = 'NONE',
  COGNITO = 'COGNITO',
  LAMBDA_TOKEN = 'LAMBDA_TOKEN',
  LAMBDA_REQUEST = 'LAMBDA_REQUEST',
}

/** @internal */
export interface AuthorizationConfig {
  readonly kind: AuthorizationKind;
  readonly userPools?: cognito.IUserPool[];
  readonly scopes?: string[];
  readonly handler?: lambda.IFunction;
  readonly identitySources?: string[];
  readonly resultsCacheTtl?: Duration;
  readonly validationRegex?: string;
}

const AUTHORIZATION_HEADER = 'method.request.header.Authorization';

/**
 * Who may call a route. The API's `authorization` applies to every route that does not set its own.
 */
export class ApiAuthorization {
  /**
   * Callers sign requests with AWS Signature Version 4; IAM policies decide who may invoke what.
   */
  public static iam(): ApiAuthorization {
    return new ApiAuthorization({ kind: AuthorizationKind.IAM });
  }

  /**
   * Anyone on the network may call the route. This is explicit on purpose and leaves the
   * warning `cdk-apigateway-presets:auth-none` on every route that uses it.
   */
  public static none(): ApiAuthorization {
    return new ApiAuthorization({ kind: AuthorizationKind.NONE });
  }

  /**
   * Callers present a token from one of the given Amazon Cognito user pools.
   */
  public static cognito(options: CognitoAuthorizationOptions): ApiAuthorization {
    return new ApiAuthorization({
      kind: AuthorizationKind.COGNITO,
      userPools: options.userPools,
      scopes: options.scopes,
      identitySources: [options.identitySource ?? AUTHORIZATION_HEADER],
      resultsCacheTtl: options.resultsCacheTtl,
    });
  }

  /**
   * A Lambda function validates a bearer token from one request header and returns an IAM policy.
   */
  public static lambdaToken(
    handler: lambda.IFunction,
    options: LambdaTokenAuthorizationOptions = {},
  ): ApiAuthorization {
    return new ApiAuthorization({
      kind: AuthorizationKind.LAMBDA_TOKEN,
      handler,
      identitySources: [options.identitySource ?? AUTHORIZATION_HEADER],
      resultsCacheTtl: options.resultsCacheTtl,
      validationRegex: options.validationRegex,
    });
  }

  /**
   * A Lambda function receives the request's headers, query string, stage variables and context and
   * returns an IAM policy.
   */
  public static lambdaRequest(
    handler: lambda.IFunction,
    options: LambdaRequestAuthorizationOptions,
  ): ApiAuthorization {
    return new ApiAuthorization({
      kind: AuthorizationKind.LAMBDA_REQUEST,
      handler,
      identitySources: options.identitySources,
      resultsCacheTtl: options.resultsCacheTtl,
    });
  }

  /** @internal */
  public readonly _config: AuthorizationConfig;

  private constructor(config: AuthorizationConfig) {
    this._config = config;
  }
}
