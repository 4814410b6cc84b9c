import { createHash } from 'node:crypto';
import { Annotations, Duration, Fn, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { addFunctionNameToDeploymentHash, lambdaInvocationUri } from '../integrations/lambda';
import * as defaults from '../private/defaults';
import { PresetValidationError } from '../private/errors';
import * as limits from '../private/limits';
import { pascal, unique } from '../private/names';
import { OpenApiObject } from '../private/openapi';
import { AuthorizationConfig, AuthorizationKind } from './auth';

const HEADER_SOURCE = /^method\.request\.header\.[A-Za-z0-9_-]+$/;
const IDENTITY_SOURCE =
  /^(method\.request\.(header|querystring)\.[^.\s]+|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$/;
/** The security scheme of IAM (SigV4) authorization. */
const SIGV4_SCHEME = 'sigv4';

/** An operation's security requirement: the scheme's name and the scopes it requires. */
export type SecurityRequirement = { [scheme: string]: string[] };

/** What the registry needs from the API. */
export interface AuthorizerRegistryContext {
  /** Adds data to the deployment's id, which must change when an authorizer does. */
  readonly addToDeploymentHash: (data: unknown) => void;
  /** Lets API Gateway invoke a Lambda authorizer of this API. */
  readonly allowAuthorizerInvoke: (fn: lambda.IFunction) => void;
}

interface RegisteredAuthorizer {
  readonly name: string;
  readonly scheme: OpenApiObject;
  /** The scheme's name in the contract, from what the user gave: the user pool's or function's construct id. */
  readonly contractName: string;
}

/** The route an authorization is bound to (an `ApiRoute`): where a public route's warning is reported. */
export interface BoundRoute extends IConstruct {
  readonly method: string;
  readonly path: string;
}

/**
 * The authorizers of one API: it checks each authorization, keeps one authorizer per distinct
 * configuration (shared by every route that uses it) within API Gateway's limit of 10, gives each route
 * its security requirement, and renders the authorizers as the definition's security schemes.
 */
export class AuthorizerRegistry {
  private readonly authorizers = new Map<string, RegisteredAuthorizer>();
  private iamUsed = false;

  /**
   * @param scope the preset, named in errors and warnings
   * @param context what the registry needs from the API
   */
  constructor(
    private readonly scope: Construct,
    private readonly context: AuthorizerRegistryContext,
  ) {}

  /**
   * Throws when the authorization is invalid, or when it needs a new authorizer and the API already
   * has the most it may have. Changes nothing.
   */
  public check(auth: AuthorizationConfig): void {
    if (!needsAuthorizer(auth)) {
      return;
    }
    const { identity, ttl } = authorizerIdentity(auth);
    if (this.authorizers.has(identity)) {
      return;
    }
    this.validate(auth, ttl);
    if (this.authorizers.size >= limits.MAX_AUTHORIZERS_PER_API) {
      throw new PresetValidationError(
        this.scope,
        'authorization',
        `${this.authorizers.size + 1} authorizers`,
        `An API has at most ${limits.MAX_AUTHORIZERS_PER_API} authorizers; reuse one ApiAuthorization for routes that share a configuration.`,
      );
    }
  }

  /**
   * The security requirement of a route with this authorization (undefined for a public route, which
   * leaves a warning). Registers the authorizer on first use.
   *
   * @param route the route's construct, where the warning of a public route is reported
   */
  public bind(auth: AuthorizationConfig, route: BoundRoute): SecurityRequirement | undefined {
    switch (auth.kind) {
      case AuthorizationKind.NONE:
        Annotations.of(route).addWarningV2(
          'cdk-apigateway-presets:auth-none',
          `${route.method} ${route.path} accepts calls from anyone: it was given ApiAuthorization.none().`,
        );
        return undefined;
      case AuthorizationKind.IAM:
        this.iamUsed = true;
        return { [SIGV4_SCHEME]: [] };
      default:
        return { [this.authorizerFor(auth).name]: auth.scopes ?? [] };
    }
  }

  /** The definition's security schemes: one per authorizer, and SigV4 when a route uses IAM. */
  public securitySchemes(): OpenApiObject {
    const schemes: OpenApiObject = {};
    if (this.iamUsed) {
      schemes[SIGV4_SCHEME] = {
        type: 'apiKey',
        name: 'Authorization',
        in: 'header',
        description: 'AWS Signature Version 4: the caller signs the request with IAM credentials.',
        'x-amazon-apigateway-authtype': 'awsSigv4',
      };
    }
    for (const { name, scheme } of this.authorizers.values()) {
      schemes[name] = scheme;
    }
    return schemes;
  }

  /**
   * Readable names of the security schemes, for the contract, by their name in the definition (which
   * hashes the authorizer's configuration): `Cognito<pool id>`, `Token<function id>`, `Request<function id>`.
   */
  public contractNames(): Record<string, string> {
    const names: Record<string, string> = {};
    const taken = new Set<string>([SIGV4_SCHEME]);
    for (const { name, contractName } of this.authorizers.values()) {
      names[name] = unique(contractName, taken);
      taken.add(names[name]);
    }
    return names;
  }

  private authorizerFor(auth: AuthorizationConfig): RegisteredAuthorizer {
    const { identity, ttl } = authorizerIdentity(auth);
    const existing = this.authorizers.get(identity);
    if (existing) {
      return existing;
    }
    const name = `Authorizer${createHash('sha256').update(identity).digest('hex').slice(0, 8).toUpperCase()}`;
    const registered = {
      name,
      scheme: this.securityScheme(auth, ttl),
      contractName: contractSchemeName(auth),
    };
    this.authorizers.set(identity, registered);
    return registered;
  }

  private securityScheme(auth: AuthorizationConfig, ttl: Duration): OpenApiObject {
    const sources = auth.identitySources!;
    const authorizerResultTtlInSeconds = ttl.toSeconds();
    if (auth.kind === AuthorizationKind.COGNITO) {
      return {
        type: 'apiKey',
        name: headerName(sources[0]),
        in: 'header',
        description:
          'A token of an Amazon Cognito user pool: an access token when scopes are required, otherwise an ID token.',
        'x-amazon-apigateway-authtype': 'cognito_user_pools',
        'x-amazon-apigateway-authorizer': {
          type: 'cognito_user_pools',
          providerARNs: auth.userPools!.map((pool) => pool.userPoolArn),
          identitySource: sources[0],
          authorizerResultTtlInSeconds,
        },
      };
    }
    const handler = auth.handler!;
    this.context.allowAuthorizerInvoke(handler);
    // The definition holds the function's ARN as a reference; a replaced function needs a new deployment.
    addFunctionNameToDeploymentHash(handler, this.context.addToDeploymentHash);
    if (auth.kind === AuthorizationKind.LAMBDA_TOKEN) {
      return {
        type: 'apiKey',
        name: headerName(sources[0]),
        in: 'header',
        description: 'A bearer token, checked by a Lambda authorizer.',
        'x-amazon-apigateway-authtype': 'custom',
        'x-amazon-apigateway-authorizer': {
          type: 'token',
          authorizerUri: lambdaInvocationUri(handler, this.scope),
          identitySource: sources[0],
          authorizerResultTtlInSeconds,
          ...(auth.validationRegex ? { identityValidationExpression: auth.validationRegex } : {}),
        },
      };
    }
    // API Gateway's convention: a scheme whose identity is not one header is named "Unused".
    const oneHeader = sources.length === 1 && HEADER_SOURCE.test(sources[0]);
    return {
      type: 'apiKey',
      name: oneHeader ? headerName(sources[0]) : 'Unused',
      in: 'header',
      description: 'Request values checked by a Lambda authorizer.',
      'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': {
        type: 'request',
        authorizerUri: lambdaInvocationUri(handler, this.scope),
        identitySource: sources.join(', '),
        authorizerResultTtlInSeconds,
      },
    };
  }

  private validate(auth: AuthorizationConfig, ttl: Duration): void {
    limits.checkAuthorizerTtl(this.scope, 'authorization.resultsCacheTtl', ttl);
    if (auth.kind === AuthorizationKind.COGNITO && (auth.userPools ?? []).length === 0) {
      throw new PresetValidationError(
        this.scope,
        'authorization.userPools',
        [],
        'Give at least one user pool.',
      );
    }
    const sources = auth.identitySources ?? [];
    if (auth.kind === AuthorizationKind.LAMBDA_REQUEST) {
      if (sources.length === 0) {
        throw new PresetValidationError(
          this.scope,
          'authorization.identitySources',
          sources,
          "Give at least one identity source, e.g. 'method.request.header.Authorization'.",
        );
      }
      for (const source of sources) {
        if (!Token.isUnresolved(source) && !IDENTITY_SOURCE.test(source)) {
          throw new PresetValidationError(
            this.scope,
            'authorization.identitySources',
            source,
            "Identity sources are 'method.request.header.NAME', 'method.request.querystring.NAME', 'context.NAME' or 'stageVariables.NAME'.",
          );
        }
      }
    } else if (auth.validationRegex !== undefined && !compiles(auth.validationRegex)) {
      throw new PresetValidationError(
        this.scope,
        'authorization.validationRegex',
        auth.validationRegex,
        'The token validation expression must be a valid regular expression (checked by compiling it; ' +
          "API Gateway rejects one that does not compile), e.g. '^Bearer [-0-9A-Za-z._~+/]+=*$'.",
      );
    } else if (!Token.isUnresolved(sources[0]) && !HEADER_SOURCE.test(sources[0])) {
      throw new PresetValidationError(
        this.scope,
        'authorization.identitySource',
        sources[0],
        "The token comes from one request header, given as 'method.request.header.NAME'.",
      );
    }
  }
}

/**
 * Whether a token authorizer's validation expression compiles. API Gateway evaluates it with its own
 * (Java) regular expressions, not JavaScript's: compiling it as a JavaScript RegExp is a close proxy
 * that catches what both reject (unbalanced parentheses or brackets, a quantifier with nothing to
 * repeat). Java's possessive quantifiers (`a++`), atomic groups (`(?>...)`) and leading inline flags
 * (`(?i)`), which JavaScript lacks, are read as their plain forms first so they are not refused. A
 * token is left to API Gateway.
 */
function compiles(expression: string): boolean {
  if (Token.isUnresolved(expression)) {
    return true;
  }
  const plain = expression
    .replace(/^\(\?[idmsuxU]+\)/, '')
    .replace(/\(\?>/g, '(?:')
    .replace(/([*+?}])\+/g, '$1');
  try {
    new RegExp(plain);
    return true;
  } catch {
    return false;
  }
}

function needsAuthorizer(auth: AuthorizationConfig): boolean {
  return auth.kind !== AuthorizationKind.IAM && auth.kind !== AuthorizationKind.NONE;
}

/** The header of a `method.request.header.NAME` identity source. */
function headerName(source: string): string {
  return Token.isUnresolved(source)
    ? Fn.select(3, Fn.split('.', source))
    : source.slice('method.request.header.'.length);
}

/** The key that makes routes with the same authorizer configuration share one authorizer. */
function contractSchemeName(auth: AuthorizationConfig): string {
  if (auth.kind === AuthorizationKind.COGNITO) {
    return `Cognito${pascal(auth.userPools![0].node.id)}`;
  }
  return `${auth.kind === AuthorizationKind.LAMBDA_TOKEN ? 'Token' : 'Request'}${pascal(auth.handler!.node.id)}`;
}

function authorizerIdentity(auth: AuthorizationConfig): { identity: string; ttl: Duration } {
  const ttl = auth.resultsCacheTtl ?? defaults.defaultAuthorizerResultsCacheTtl();
  const identity = [
    auth.kind,
    ...(auth.userPools ?? []).map((p) => p.node.path),
    auth.handler?.node.path ?? '',
    ...(auth.identitySources ?? []),
    ttl.isUnresolved() ? 'token' : `${ttl.toSeconds({ integral: false })}`,
    auth.validationRegex ?? '',
  ].join('|');
  return { identity, ttl };
}
