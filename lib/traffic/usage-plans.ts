import { Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { PresetValidationError } from '../private/errors';
import * as limits from '../private/limits';
import { ApiKeyOptions, createApiKey, CreatedApiKey, grantReadApiKey } from './api-keys';
import { ThrottlingOptions } from './throttling';

/**
 * How many requests each API key of a usage plan may make in a period.
 */
export interface UsagePlanQuota {
  /**
   * The most requests a key may make in a period: a whole number, 0 or more.
   */
  readonly limit: number;

  /**
   * The period the limit applies to: DAY, WEEK or MONTH.
   */
  readonly period: apigw.Period;

  /**
   * Requests subtracted from the limit in the first period, for a plan that starts part-way through
   * one: a whole number from 0 to the limit.
   * @default 0
   */
  readonly offset?: number;
}

/**
 * Throttling of one route for the API keys of a usage plan.
 */
export interface UsagePlanRouteThrottling {
  /**
   * The route's method, as it was added: GET, POST, ..., or ANY.
   */
  readonly method: string;

  /**
   * The route's path, as it was added, e.g. `/orders/{id}`.
   */
  readonly path: string;

  /**
   * The rate and burst each key of the plan gets on this route.
   */
  readonly throttling: ThrottlingOptions;
}

/**
 * A usage plan of the API: which stages its API keys reach, and how much and how fast each key may call.
 */
export interface UsagePlanOptions {
  /**
   * A description of the plan.
   * @default - none
   */
  readonly description?: string;

  /**
   * The rate and burst each key of the plan gets, at most the throttling of every stage the plan covers
   * (API Gateway applies the lower of the two).
   * @default - no throttling of the plan's own: the stages' throttling applies
   */
  readonly throttling?: ThrottlingOptions;

  /**
   * How many requests each key may make in a day, week or month.
   * @default - no quota
   */
  readonly quota?: UsagePlanQuota;

  /**
   * The names of the stages the plan covers.
   * @default - every stage of the API
   */
  readonly stages?: string[];

  /**
   * Throttling of single routes for the plan's keys, in every stage the plan covers. Each names a route
   * of the API (checked when the app synthesizes, once every route is added).
   * @default - none
   */
  readonly routeThrottling?: UsagePlanRouteThrottling[];

  /**
   * API keys of the plan: keys made with `addApiKey`, or any other key. More can be added with the
   * returned plan's `addApiKey`. A key belongs to at most 10 plans.
   * @default - none
   */
  readonly apiKeys?: apigw.IApiKey[];
}

/** What the usage plans need of the API. */
export interface UsagePlanContext {
  readonly restApi: apigw.IRestApi;
  /** The API's stages by name, with the throttling each applies. */
  readonly stages: () => ReadonlyArray<PlanStage>;
  /** The API's routes, as `METHOD /path`. */
  readonly routes: () => string[];
  /** The routes that require an API key, as `METHOD /path`. */
  readonly routesRequiringKey: () => string[];
}

/** A stage of the API: its name as given, the stage, and the throttling it applies. */
export interface PlanStage {
  readonly name: string;
  readonly stage: apigw.Stage; // eslint-disable-line awscdk/no-construct-in-interface -- internal
  readonly throttling: ThrottlingOptions;
}

/** How many of the library's usage plans each API key belongs to, across the app. */
const PLANS_PER_KEY = new WeakMap<IConstruct, number>();

/**
 * The usage plans and API keys of one API: it checks each plan against the API's stages and API
 * Gateway's quotas, creates the plans and keys, and checks at synth what depends on routes added later.
 */
export class ApiUsagePlans {
  private readonly plans: apigw.UsagePlan[] = [];
  private readonly routeThrottling: Array<{ readonly prop: string; readonly route: string }> = [];
  private readonly keys = new Map<apigw.IApiKey, CreatedApiKey>();

  /**
   * @param scope the preset: the parent of the plans and keys, named in errors
   */
  constructor(
    private readonly scope: Construct,
    private readonly context: UsagePlanContext,
  ) {
    scope.node.addValidation({ validate: () => this.validate() });
  }

  /** Creates the key `ApiKey.<id>` under the preset. */
  public addApiKey(id: string, options: ApiKeyOptions): apigw.ApiKey {
    const created = createApiKey(this.scope, id, options);
    this.keys.set(created.apiKey, created);
    return created.apiKey;
  }

  /** Creates the plan `UsagePlan.<id>` under the preset, after checking everything it was given. */
  public addUsagePlan(id: string, options: UsagePlanOptions): apigw.UsagePlan {
    const stages = this.planStages(options.stages);
    if (options.throttling) {
      limits.checkThrottling(this.scope, 'usagePlan.throttling', options.throttling);
      this.checkUnderStages('usagePlan.throttling', options.throttling, stages);
    }
    if (options.quota) {
      checkQuota(this.scope, options.quota);
    }
    const routeThrottles: Record<string, { rateLimit: number; burstLimit: number }> = {};
    (options.routeThrottling ?? []).forEach((entry, index) => {
      const prop = `usagePlan.routeThrottling[${index}]`;
      limits.checkThrottling(this.scope, `${prop}.throttling`, entry.throttling);
      this.checkUnderStages(`${prop}.throttling`, entry.throttling, stages);
      const method = entry.method.toUpperCase();
      this.routeThrottling.push({ prop, route: `${method} ${entry.path}` });
      // API Gateway's key for a method in a plan: its resource path and HTTP method.
      routeThrottles[`${entry.path}/${method}`] = {
        rateLimit: entry.throttling.rateLimit,
        burstLimit: entry.throttling.burstLimit,
      };
    });

    const plan = new apigw.UsagePlan(this.scope, `UsagePlan.${id}`, { description: options.description });
    const cfn = plan.node.defaultChild as apigw.CfnUsagePlan;
    // Set on the resource itself: aws-cdk-lib's UsagePlan drops a quota limit of 0 and needs Method
    // constructs for per-method throttling, which an API defined by its definition does not have.
    cfn.throttle = options.throttling && {
      rateLimit: options.throttling.rateLimit,
      burstLimit: options.throttling.burstLimit,
    };
    cfn.quota = options.quota && {
      limit: options.quota.limit,
      period: options.quota.period,
      offset: options.quota.offset,
    };
    cfn.apiStages = stages.map(({ stage }) => ({
      apiId: this.context.restApi.restApiId,
      stage: stage.stageName,
      throttle: Object.keys(routeThrottles).length > 0 ? routeThrottles : undefined,
    }));
    this.plans.push(plan);
    for (const key of options.apiKeys ?? []) {
      this.addKeyToPlan(plan, key);
    }
    return plan;
  }

  /** Adds `key` to `plan`, within API Gateway's quota of plans per key. */
  public addKeyToPlan(plan: apigw.UsagePlan, key: apigw.IApiKey): void {
    const count = (PLANS_PER_KEY.get(key) ?? 0) + 1;
    if (count > limits.MAX_USAGE_PLANS_PER_API_KEY) {
      throw new PresetValidationError(
        this.scope,
        'usagePlan.apiKeys',
        `${key.node.path} in ${count} usage plans`,
        `An API key belongs to at most ${limits.MAX_USAGE_PLANS_PER_API_KEY} usage plans (API Gateway's default quota); ` +
          'give the key fewer plans, or the caller another key.',
      );
    }
    PLANS_PER_KEY.set(key, count);
    plan.addApiKey(key);
  }

  /** Lets `grantee` read a key's value (see `grantReadApiKey`). */
  public grantRead(key: apigw.IApiKey, grantee: iam.IGrantable): iam.Grant {
    const created = this.keys.get(key);
    if (!created) {
      throw new PresetValidationError(
        this.scope,
        'apiKey',
        key.node.path,
        "Give a key this API's addApiKey returned; grant another key with its own grantRead.",
      );
    }
    return grantReadApiKey(created, grantee);
  }

  /** The stages a plan covers, each with its throttling. */
  private planStages(names: string[] | undefined) {
    const all = this.context.stages();
    if (names === undefined) {
      return all;
    }
    if (names.length === 0) {
      throw new PresetValidationError(
        this.scope,
        'usagePlan.stages',
        [],
        'Name at least one stage, or leave stages out for all.',
      );
    }
    return names.map((name) => {
      const found = all.find((s) => s.name === name);
      if (!found) {
        throw new PresetValidationError(
          this.scope,
          'usagePlan.stages',
          name,
          `A usage plan covers stages of this API: ${all.map((s) => s.name).join(', ')}.`,
        );
      }
      return found;
    });
  }

  /** Throws when `throttling` is above a stage's: API Gateway would apply the stage's, the lower one. */
  private checkUnderStages(
    prop: string,
    throttling: ThrottlingOptions,
    stages: ReadonlyArray<PlanStage>,
  ): void {
    for (const { name, throttling: stageThrottling } of stages) {
      for (const field of ['rateLimit', 'burstLimit'] as const) {
        const given = throttling[field];
        const most = stageThrottling[field];
        if (!Token.isUnresolved(given) && !Token.isUnresolved(most) && given > most) {
          throw new PresetValidationError(
            this.scope,
            `${prop}.${field}`,
            given,
            `The stage '${name}' allows ${most}, and API Gateway applies the lower of a plan's and a ` +
              "stage's throttling: give at most the stage's value, or raise the stage's throttling.",
          );
        }
      }
    }
  }

  /** What can be checked only once every route is added: returns the errors. */
  private validate(): string[] {
    const errors: string[] = [];
    const routes = new Set(this.context.routes());
    for (const { prop, route } of this.routeThrottling) {
      if (!routes.has(route)) {
        errors.push(
          new PresetValidationError(
            this.scope,
            `${prop}`,
            route,
            `Name a route of this API (method and path as added): ${[...routes].join(', ') || 'it has none'}.`,
          ).message,
        );
      }
    }
    const requiringKey = this.context.routesRequiringKey();
    if (requiringKey.length > 0 && this.plans.length === 0) {
      errors.push(
        new PresetValidationError(
          this.scope,
          'apiKeyRequired',
          requiringKey.join(', '),
          'A route that requires an API key answers 403 to every caller until a usage plan covers its stage and ' +
            'holds the key: add one with addUsagePlan, or do not require a key.',
        ).message,
      );
    }
    if (this.plans.length > 0 || this.keys.size > 0) {
      errors.push(...this.accountQuotaErrors());
    }
    return errors;
  }

  /** Usage plans and API keys in this app beyond API Gateway's quotas for one account and Region. */
  private accountQuotaErrors(): string[] {
    const env = envOf(Stack.of(this.scope));
    let plans = 0;
    let keys = 0;
    for (const construct of this.scope.node.root.node.findAll()) {
      if (construct instanceof apigw.CfnUsagePlan && envOf(Stack.of(construct)) === env) {
        plans += 1;
      } else if (construct instanceof apigw.CfnApiKey && envOf(Stack.of(construct)) === env) {
        keys += 1;
      }
    }
    const errors: string[] = [];
    if (plans > limits.MAX_USAGE_PLANS_PER_REGION) {
      errors.push(
        new PresetValidationError(
          this.scope,
          'usage plans',
          `${plans} in one account and Region`,
          `API Gateway allows ${limits.MAX_USAGE_PLANS_PER_REGION} usage plans per account and Region by default; ` +
            'share plans between APIs, or ask for a higher quota (Service Quotas L-E8693075) and split the app.',
        ).message,
      );
    }
    if (keys > limits.MAX_API_KEYS_PER_REGION) {
      errors.push(
        new PresetValidationError(
          this.scope,
          'API keys',
          `${keys} in one account and Region`,
          `API Gateway allows ${limits.MAX_API_KEYS_PER_REGION} API keys per account and Region, a quota that ` +
            'cannot be raised; give callers keys from fewer plans, or use another Region or account.',
        ).message,
      );
    }
    return errors;
  }
}

/** Throws unless the quota's period, limit and offset are ones API Gateway accepts. */
function checkQuota(scope: IConstruct, quota: UsagePlanQuota): void {
  const periods: string[] = [apigw.Period.DAY, apigw.Period.WEEK, apigw.Period.MONTH];
  if (!Token.isUnresolved(quota.period) && !periods.includes(quota.period)) {
    throw new PresetValidationError(
      scope,
      'usagePlan.quota.period',
      quota.period,
      'The period is DAY, WEEK or MONTH.',
    );
  }
  if (!Token.isUnresolved(quota.limit) && !(Number.isInteger(quota.limit) && quota.limit >= 0)) {
    throw new PresetValidationError(
      scope,
      'usagePlan.quota.limit',
      quota.limit,
      'The limit is a whole number of requests, 0 or more.',
    );
  }
  const offset = quota.offset;
  if (
    offset !== undefined &&
    !Token.isUnresolved(offset) &&
    !(Number.isInteger(offset) && offset >= 0 && (Token.isUnresolved(quota.limit) || offset <= quota.limit))
  ) {
    throw new PresetValidationError(
      scope,
      'usagePlan.quota.offset',
      offset,
      `The offset is the number of requests subtracted from the limit in the first period: a whole number from 0 to the limit (${quota.limit}).`,
    );
  }
}

/** The account and Region a stack deploys to, as the template reads them. */
function envOf(stack: Stack): string {
  return `${Token.isUnresolved(stack.account) ? '?' : stack.account}/${Token.isUnresolved(stack.region) ? '?' : stack.region}`;
}
