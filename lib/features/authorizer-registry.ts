import { createHash } from 'node:crypto';
import { Annotations, Duration, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct, IConstruct } from 'constructs';
import * as defaults from '../private/defaults';
import { PresetValidationError } from '../private/errors';
import * as limits from '../private/limits';
import { AuthorizationConfig, AuthorizationKind } from './auth';

const HEADER_SOURCE = /^method\.request\.header\.[A-Za-z0-9_-]+$/;
const IDENTITY_SOURCE =
  /^(method\.request\.(header|querystring)\.[^.\s]+|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$/;

/** The authorization part of a method's options. */
export type MethodAuthorization = Pick<
  apigw.MethodOptions,
  'authorizationType' | 'authorizer' | 'authorizationScopes'
>;

/**
 * The authorizers of one API: it checks each authorization, creates one authorizer per distinct
 * configuration (shared by every route that uses it), keeps the API within API Gateway's limit of 10,
 * binds authorizations to routes, and records what a route's authorization means for compliance.
 */
export class AuthorizerRegistry {
  private readonly authorizers = new Map<string, apigw.IAuthorizer>();

  /**
   * @param scope the preset: authorizers are created under it
   * @param addToDeploymentHash adds data to the deployment's id, which must change when an authorizer does
   */
  constructor(
    private readonly scope: Construct,
    private readonly addToDeploymentHash: (data: unknown) => void,
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

  /** The method options of a route with this authorization; creates its authorizer on first use. */
  public bind(auth: AuthorizationConfig): MethodAuthorization {
    switch (auth.kind) {
      case AuthorizationKind.NONE:
        return { authorizationType: apigw.AuthorizationType.NONE };
      case AuthorizationKind.IAM:
        return { authorizationType: apigw.AuthorizationType.IAM };
      case AuthorizationKind.COGNITO:
        return {
          authorizationType: apigw.AuthorizationType.COGNITO,
          authorizer: this.authorizerFor(auth),
          authorizationScopes: auth.scopes && auth.scopes.length > 0 ? auth.scopes : undefined,
        };
      default:
        return { authorizationType: apigw.AuthorizationType.CUSTOM, authorizer: this.authorizerFor(auth) };
    }
  }

  /**
   * The warning of a public route, and the cdk-nag findings a route's authorization answers: a public
   * route was declared so on purpose, and only Cognito routes can satisfy the Cognito rule.
   */
  public acknowledge(method: IConstruct, route: string, auth: AuthorizationConfig): void {
    if (auth.kind === AuthorizationKind.NONE) {
      Annotations.of(method).addWarningV2(
        'cdk-apigateway-presets:auth-none',
        `${route} accepts calls from anyone: it was given ApiAuthorization.none().`,
      );
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The route was declared public with ApiAuthorization.none(); the preset warns about it at synth.',
      });
    }
    if (auth.kind !== AuthorizationKind.COGNITO) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: `The route is authorized by ${describeKind(auth.kind)}, not a Cognito user pool.`,
      });
    }
  }

  private authorizerFor(auth: AuthorizationConfig): apigw.IAuthorizer {
    const { identity, ttl } = authorizerIdentity(auth);
    const existing = this.authorizers.get(identity);
    if (existing) {
      return existing;
    }
    const id = `Authorizer${createHash('sha256').update(identity).digest('hex').slice(0, 8).toUpperCase()}`;
    let authorizer: apigw.IAuthorizer;
    switch (auth.kind) {
      case AuthorizationKind.COGNITO:
        authorizer = new apigw.CognitoUserPoolsAuthorizer(this.scope, id, {
          cognitoUserPools: auth.userPools!,
          identitySource: auth.identitySources![0],
          resultsCacheTtl: ttl,
        });
        break;
      case AuthorizationKind.LAMBDA_TOKEN:
        authorizer = new apigw.TokenAuthorizer(this.scope, id, {
          handler: auth.handler!,
          identitySource: auth.identitySources![0],
          resultsCacheTtl: ttl,
          validationRegex: auth.validationRegex,
        });
        break;
      default:
        authorizer = new apigw.RequestAuthorizer(this.scope, id, {
          handler: auth.handler!,
          identitySources: auth.identitySources!,
          resultsCacheTtl: ttl,
        });
    }
    // API Gateway applies authorizer changes only through a new deployment; the ARNs (resolved at
    // synth) catch a swapped user pool or function behind an unchanged construct path.
    this.addToDeploymentHash({
      authorizer: identity,
      providers: (auth.userPools ?? []).map((p) => p.userPoolArn),
      handler: auth.handler?.functionArn,
    });
    this.authorizers.set(identity, authorizer);
    return authorizer;
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

function needsAuthorizer(auth: AuthorizationConfig): boolean {
  return auth.kind !== AuthorizationKind.IAM && auth.kind !== AuthorizationKind.NONE;
}

/** The key that makes routes with the same authorizer configuration share one authorizer. */
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

function describeKind(kind: AuthorizationKind): string {
  switch (kind) {
    case AuthorizationKind.NONE:
      return 'nobody, by explicit choice';
    case AuthorizationKind.IAM:
      return 'IAM (SigV4)';
    default:
      return 'a Lambda authorizer';
  }
}
