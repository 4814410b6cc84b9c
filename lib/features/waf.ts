import { Annotations, Lazy, Names, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { defaultWafManagedRuleGroups, defaultWafRateLimit } from '../private/defaults';
import { PresetValidationError } from '../private/errors';

/** Web ACL settings for a preset. */
export interface WafOptions {
  /**
   * Whether the preset creates and associates a web ACL. Turning it off is explicit and leaves a warning.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Requests one client IP may make in a 5-minute window before it is blocked.
   *
   * Must be a whole number from 10 to 2,000,000,000.
   *
   * @default 2000
   */
  readonly rateLimit?: number;

  /**
   * Rules of the AWS managed core rule set (`AWSManagedRulesCommonRuleSet`) that only count the
   * requests they match instead of blocking them, e.g. `['SizeRestrictions_BODY']` for an API that
   * accepts request bodies over 8 KB. Rule names are listed in the AWS WAF Developer Guide
   * ("Core rule set (CRS) managed rule group"). Relaxing a rule leaves the warning
   * `cdk-apigateway-presets:waf-rules-count-only`.
   *
   * @default - every rule blocks what it matches
   */
  readonly countOnlyCommonRules?: string[];
}

/*
 * Bounds of RateBasedStatement.Limit, from the AWS WAF API Reference
 * (https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html:
 * "Valid Range: Minimum value of 10. Maximum value of 2000000000."). The minimum was lowered
 * from 100 to 10 on 2024-08-30 (AWS What's New, "AWS WAF enhances rate-based rules to support
 * lower rate limits").
 */
const RATE_LIMIT_MIN = 10;
const RATE_LIMIT_MAX = 2_000_000_000;

const RATE_LIMIT_RULE_NAME = 'RateLimitPerIp';
const COMMON_RULE_SET = 'AWSManagedRulesCommonRuleSet';
// WAF rule names: 1-128 letters, digits, hyphens and underscores.
const RULE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Creates scope/WebAcl (a wafv2.CfnWebACL) or, when options.enabled === false, adds the warning and
 * returns undefined.
 */
export function createWebAcl(scope: Construct, options: WafOptions = {}): wafv2.CfnWebACL | undefined {
  if (options.enabled === false) {
    Annotations.of(scope).addWarningV2(
      'cdk-apigateway-presets:waf-disabled',
      'WAF is disabled (waf.enabled: false): this API has no web ACL, so no AWS managed rules and no ' +
        'per-IP rate limit protect it. Remove `enabled: false` from the waf options to create and associate ' +
        'the web ACL again.',
    );
    return undefined;
  }

  const rateLimit = options.rateLimit ?? defaultWafRateLimit();
  validateRateLimit(scope, rateLimit);
  const countOnly = options.countOnlyCommonRules ?? [];
  validateCountOnlyRules(scope, countOnly);
  if (countOnly.length > 0) {
    Annotations.of(scope).addWarningV2(
      'cdk-apigateway-presets:waf-rules-count-only',
      `The core rule set only counts, and no longer blocks, requests matching ${countOnly.join(', ')}.`,
    );
  }

  // Rate-based rule first: WAF only counts requests that reach a rule, so a flood is counted and
  // blocked before the (more expensive) managed groups inspect it.
  const rules: wafv2.CfnWebACL.RuleProperty[] = [
    {
      name: RATE_LIMIT_RULE_NAME,
      priority: 0,
      action: { block: {} },
      statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: rateLimit } },
      visibilityConfig: visibility(RATE_LIMIT_RULE_NAME),
    },
    ...defaultWafManagedRuleGroups().map((groupName, index): wafv2.CfnWebACL.RuleProperty => ({
      name: groupName,
      priority: index + 1,
      // none = use the actions the rule group defines (block), rather than overriding them to count.
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name: groupName,
          ruleActionOverrides:
            groupName === COMMON_RULE_SET && countOnly.length > 0
              ? countOnly.map((name) => ({ name, actionToUse: { count: {} } }))
              : undefined,
        },
      },
      visibilityConfig: visibility(groupName),
    })),
  ];

  // No physical name: CloudFormation generates one, so two stacks in one account cannot collide.
  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
  const webAcl: wafv2.CfnWebACL = new wafv2.CfnWebACL(scope, 'WebAcl', {
    // REGIONAL even for edge-optimized APIs: the ACL is associated with the stage, not a distribution.
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    // Derived from the ACL's own path (stack name + construct path + hash), so two presets in one
    // stack or in two stacks never share a CloudWatch metric. WAF allows 1-128 characters of
    // A-Z a-z 0-9 - _ (API_VisibilityConfig).
    visibilityConfig: visibility(
      Lazy.string({
        produce: (): string =>
          Names.uniqueResourceName(webAcl, { maxLength: 128, allowedSpecialCharacters: '-_' }),
      }),
    ),
    rules,
  });
  return webAcl;
}

/**
 * Associates the web ACL with a REST API stage: creates scope/<id> (a wafv2.CfnWebACLAssociation)
 * with an explicit dependency on the stage.
 */
export function associateWebAcl(
  scope: Construct,
  id: string,
  webAcl: wafv2.CfnWebACL,
  stage: apigw.Stage,
): wafv2.CfnWebACLAssociation {
  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
  const association = new wafv2.CfnWebACLAssociation(scope, id, {
    // Built from the API id and the stage's Ref, which is also what cdk-nag's APIG3 rule matches.
    resourceArn: stage.stageArn,
    webAclArn: webAcl.attrArn,
  });
  // CloudFormation has no stage-ARN attribute to order by: the ARN only reaches the stage through
  // its name (a Ref today, but a literal name would drop the implicit dependency), so order explicitly.
  association.node.addDependency(stage);
  return association;
}

function validateRateLimit(scope: Construct, rateLimit: number): void {
  if (Token.isUnresolved(rateLimit)) {
    return;
  }
  if (!Number.isInteger(rateLimit) || rateLimit < RATE_LIMIT_MIN || rateLimit > RATE_LIMIT_MAX) {
    throw new PresetValidationError(
      scope,
      'waf.rateLimit',
      rateLimit,
      'Must be a whole number from 10 to 2,000,000,000 requests per 5 minutes per IP.',
    );
  }
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName };
}

function validateCountOnlyRules(scope: Construct, names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (!RULE_NAME.test(name) || seen.has(name)) {
      throw new PresetValidationError(
        scope,
        'waf.countOnlyCommonRules',
        name,
        'List each rule of the core rule set once, by its name, e.g. SizeRestrictions_BODY.',
      );
    }
    seen.add(name);
  }
}
