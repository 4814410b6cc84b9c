import { Annotations, ArnFormat, Lazy, Names, Stack, Token, Tokenization, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { defaultAccessLogGroup, defaultWafManagedRuleGroups, defaultWafRateLimit } from '../private/defaults';
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

/**
 * Every rule of the AWS managed core rule set (AWSManagedRulesCommonRuleSet), spelled as AWS WAF
 * matches them: case-sensitively. WAF silently ignores a rule action override whose name is not a
 * rule of the group, so a name that is not here would leave that rule blocking while our warning
 * says it only counts: waf.countOnlyCommonRules accepts these names and nothing else.
 *
 * Source: AWS WAF Developer Guide, "Core rule set (CRS) managed rule group"
 * (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html#aws-managed-rule-groups-baseline-crs),
 * whose table describes the group's latest static version. The newest entry for the group in the
 * guide's changelog (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-changelog.html)
 * when this list was taken is static Version_1.19 (2025-08-14), which changed XSS signatures, not rule
 * names. Cross-checked against the DescribeManagedRuleGroup output in the AWS CLI's example
 * (https://github.com/aws/aws-cli/blob/develop/awscli/examples/wafv2/describe-managed-rule-group.rst):
 * the same 22 names.
 *
 * The web ACL does not pin a version, so WAF uses the group's default version, and AWS can add rules
 * in a new version. A rule missing here then fails synth; add it from the guide or from
 * `aws wafv2 describe-managed-rule-group --vendor-name AWS --name AWSManagedRulesCommonRuleSet --scope REGIONAL`.
 */
export const COMMON_RULE_SET_RULES: readonly string[] = [
  'NoUserAgent_HEADER',
  'UserAgent_BadBots_HEADER',
  'SizeRestrictions_QUERYSTRING',
  'SizeRestrictions_Cookie_HEADER',
  'SizeRestrictions_BODY',
  'SizeRestrictions_URIPATH',
  'EC2MetaDataSSRF_BODY',
  'EC2MetaDataSSRF_COOKIE',
  'EC2MetaDataSSRF_URIPATH',
  'EC2MetaDataSSRF_QUERYARGUMENTS',
  'GenericLFI_QUERYARGUMENTS',
  'GenericLFI_URIPATH',
  'GenericLFI_BODY',
  'RestrictedExtensions_URIPATH',
  'RestrictedExtensions_QUERYARGUMENTS',
  'GenericRFI_QUERYARGUMENTS',
  'GenericRFI_BODY',
  'GenericRFI_URIPATH',
  'CrossSiteScripting_COOKIE',
  'CrossSiteScripting_QUERYARGUMENTS',
  'CrossSiteScripting_BODY',
  'CrossSiteScripting_URIPATH',
];

/**
 * Creates scope/WebAcl (a wafv2.CfnWebACL) or, when options.enabled === false, adds the warning and
 * returns undefined. `firstRules` are evaluated before the library's rules, in their order.
 * `clientIpHeader` names the header holding the client's address when every request comes through a
 * proxy of the preset's (CloudFront): the rate limit then counts that address, and a request without the
 * header (which did not come through the proxy) counts as matching.
 */
export function createWebAcl(
  scope: Construct,
  options: WafOptions = {},
  firstRules: wafv2.CfnWebACL.RuleProperty[] = [],
  clientIpHeader?: string,
): wafv2.CfnWebACL | undefined {
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
  const ownRules: wafv2.CfnWebACL.RuleProperty[] = [
    {
      name: RATE_LIMIT_RULE_NAME,
      priority: 0,
      action: { block: {} },
      statement: {
        rateBasedStatement: clientIpHeader
          ? {
              aggregateKeyType: 'FORWARDED_IP',
              forwardedIpConfig: { headerName: clientIpHeader, fallbackBehavior: 'MATCH' },
              limit: rateLimit,
            }
          : { aggregateKeyType: 'IP', limit: rateLimit },
      },
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
  // A preset's own rules (e.g. the origin check of an API behind CloudFront) come before the library's.
  const rules = [...firstRules, ...ownRules].map((rule, priority) => ({ ...rule, priority }));

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
  const prop = 'waf.countOnlyCommonRules';
  const seen = new Set<string>();
  for (const name of names) {
    if (Token.isUnresolved(name)) {
      throw new PresetValidationError(
        scope,
        prop,
        name,
        `Must be a literal rule name: AWS WAF ignores an override whose name is not a rule of ${COMMON_RULE_SET}, ` +
          'so every name is checked at synth and cannot be a value known only at deploy time.',
      );
    }
    if (!COMMON_RULE_SET_RULES.includes(name)) {
      throw new PresetValidationError(scope, prop, name, unknownRuleMessage(name));
    }
    if (seen.has(name)) {
      throw new PresetValidationError(
        scope,
        prop,
        name,
        'List each rule of the core rule set once, by its name, e.g. SizeRestrictions_BODY.',
      );
    }
    seen.add(name);
  }
}

/** What to say about a name that is not a rule of the core rule set, with a suggestion when one is close. */
function unknownRuleMessage(name: string): string {
  const sameButCase = COMMON_RULE_SET_RULES.find((rule) => rule.toLowerCase() === name.toLowerCase());
  const hint = sameButCase
    ? ` Rule names are case-sensitive: did you mean ${sameButCase}?`
    : didYouMean(closestRules(name));
  return (
    `Not a rule of ${COMMON_RULE_SET}, and AWS WAF silently ignores an override it cannot match, so the rule ` +
    `would keep blocking.${hint} The rules are: ${COMMON_RULE_SET_RULES.join(', ')}.`
  );
}

function didYouMean(candidates: string[]): string {
  return candidates.length > 0 ? ` Did you mean ${candidates.join(' or ')}?` : '';
}

/**
 * The rules nearest to `name` by edit distance (ignoring case), if the nearest is close enough to be a
 * typo: at most 2 edits, or a third of the name's length for longer names.
 */
function closestRules(name: string): string[] {
  const maxDistance = Math.max(2, Math.floor(name.length / 3));
  const distances = COMMON_RULE_SET_RULES.map((rule) => ({
    rule,
    distance: editDistance(name.toLowerCase(), rule.toLowerCase()),
  }));
  const nearest = Math.min(...distances.map((d) => d.distance));
  return nearest > maxDistance ? [] : distances.filter((d) => d.distance === nearest).map((d) => d.rule);
}

/** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * A stage without a web ACL because its preset has none by default (a private API, reached only
 * through its VPC endpoints): cdk-nag's WAF rule is answered on the stage with that reason.
 */
export function acknowledgeNoWebAclByDefault(stage: apigw.Stage): void {
  Validations.of(stage.node.defaultChild as apigw.CfnStage).acknowledge({
    id: 'AwsSolutions-APIG3',
    reason:
      "A private API is reached only through its VPC endpoints, from inside the caller's network, and its resource " +
      'policy denies every other request; the internet-facing threats the web ACL blocks (bots, IP reputation, floods ' +
      'from anywhere) do not reach it. A web ACL is created when the preset is given `waf`.',
  });
}

/**
 * The web ACL's CloudWatch metric name (`VisibilityConfig.MetricName`), the value of the `WebACL`
 * dimension of its AWS/WAFV2 metrics (AWS::WAFv2::WebACL VisibilityConfig: "A name of the Amazon
 * CloudWatch metric dimension").
 */
export function webAclMetricName(webAcl: wafv2.CfnWebACL): string | undefined {
  const config = webAcl.visibilityConfig;
  return Tokenization.isResolvable(config) ? undefined : config.metricName;
}

/** What WAF requires the name of a CloudWatch Logs destination to start with. */
export const WAF_LOG_GROUP_PREFIX = 'aws-waf-logs-';

/**
 * Sends the web ACL's logs to scope/WebAclLogs, a log group named `aws-waf-logs-<unique>` (WAF logs only to
 * a log group whose name starts with that prefix: "Sending web ACL traffic logs to an Amazon CloudWatch
 * Logs log group", AWS WAF developer guide), retained for a year like the access logs, through
 * scope/WebAclLogging. The `Authorization` header is redacted, as are `secretHeaders`: they hold the
 * caller's credentials or a secret of the preset's (WAF matches header names case-insensitively).
 *
 * WAF's log delivery adds itself to the account's CloudWatch Logs resource policy when the deploying role
 * may call `logs:PutResourcePolicy` ("Logs sent to CloudWatch Logs", CloudWatch Logs user guide).
 */
export function logWebAcl(
  scope: Construct,
  webAcl: wafv2.CfnWebACL,
  secretHeaders: string[] = [],
): logs.LogGroup {
  const defaults = defaultAccessLogGroup();
  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
  const logGroup = new logs.LogGroup(scope, 'WebAclLogs', {
    logGroupName: `${WAF_LOG_GROUP_PREFIX}${Names.uniqueResourceName(scope, { maxLength: 200, separator: '-' })}`,
    retention: defaults.retention,
    removalPolicy: defaults.removalPolicy,
  });
  // The log group's `Arn` attribute ends in `:*`, which WAF refuses: the ARN is built from the name.
  const logGroupArn = Stack.of(scope).formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: logGroup.logGroupName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
  new wafv2.CfnLoggingConfiguration(scope, 'WebAclLogging', {
    resourceArn: webAcl.attrArn,
    logDestinationConfigs: [logGroupArn],
    redactedFields: ['authorization', ...secretHeaders].map((name) => ({
      singleHeader: { Name: name.toLowerCase() },
    })),
  });
  return logGroup;
}
