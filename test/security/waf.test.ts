import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { COMMON_RULE_SET_RULES, createWebAcl } from '../../lib/security/waf';
import { build, Fixture } from '../support/waf-fixture';
import { defaultWafManagedRuleGroups, defaultWafRateLimit } from '../../lib/private/defaults';
import { PresetValidationError } from '../../lib/private/errors';

const METRIC_NAME = /^[A-Za-z0-9_-]{1,128}$/;

interface RuleJson {
  readonly Name: string;
  readonly Priority: number;
  readonly Statement: {
    readonly RateBasedStatement?: { readonly AggregateKeyType: string; readonly Limit: unknown };
    readonly ManagedRuleGroupStatement?: { readonly VendorName: string; readonly Name: string };
  };
  readonly Action?: Record<string, unknown>;
  readonly OverrideAction?: Record<string, unknown>;
  readonly VisibilityConfig: {
    readonly CloudWatchMetricsEnabled: boolean;
    readonly SampledRequestsEnabled: boolean;
    readonly MetricName: string;
  };
}

interface WebAclJson {
  readonly Properties: {
    readonly Name?: string;
    readonly Rules: RuleJson[];
    readonly VisibilityConfig: RuleJson['VisibilityConfig'];
  };
}

function onlyWebAcl(template: Template): WebAclJson {
  const acls = Object.values(template.findResources('AWS::WAFv2::WebACL')) as WebAclJson[];
  expect(acls).toHaveLength(1);
  return acls[0];
}

function rateRule(template: Template): RuleJson {
  const rule = onlyWebAcl(template).Properties.Rules.find((r) => r.Statement.RateBasedStatement);
  expect(rule).toBeDefined();
  return rule as RuleJson;
}

function stageLogicalId(fixture: Fixture): string {
  const cfnStage = fixture.api.deploymentStage.node.defaultChild as apigw.CfnStage;
  return fixture.stack.getLogicalId(cfnStage);
}

describe('createWebAcl', () => {
  test('creates a REGIONAL web ACL that allows by default, with metrics and sampling on', () => {
    // GIVEN / WHEN
    const template = Template.fromStack(build().stack);

    // THEN
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      VisibilityConfig: {
        CloudWatchMetricsEnabled: true,
        SampledRequestsEnabled: true,
        MetricName: Match.stringLikeRegexp('WebAcl'),
      },
    });
    const acl = onlyWebAcl(template);
    expect(acl.Properties.VisibilityConfig.MetricName).toMatch(METRIC_NAME);
    // A physical name would collide when the same preset is deployed twice in one account.
    expect(acl.Properties.Name).toBeUndefined();
  });

  test('uses the id WebAcl under the given scope', () => {
    const { stack, webAcl } = build();
    expect(webAcl).toBeInstanceOf(wafv2.CfnWebACL);
    expect(stack.node.tryFindChild('WebAcl')).toBe(webAcl);
  });

  test('adds every default AWS managed rule group with override action none', () => {
    const template = Template.fromStack(build().stack);
    const rules = onlyWebAcl(template).Properties.Rules;
    const groups = defaultWafManagedRuleGroups();
    expect(groups.length).toBeGreaterThan(0);

    for (const group of groups) {
      const rule = rules.find((r) => r.Statement.ManagedRuleGroupStatement?.Name === group);
      expect(rule).toBeDefined();
      expect(rule?.Statement.ManagedRuleGroupStatement?.VendorName).toBe('AWS');
      expect(rule?.OverrideAction).toEqual({ None: {} });
      expect(rule?.Action).toBeUndefined();
    }
    // The managed groups plus the rate-based rule, nothing else.
    expect(rules).toHaveLength(groups.length + 1);
  });

  test('adds a blocking rate-based rule that aggregates on the client IP', () => {
    const rule = rateRule(Template.fromStack(build().stack));
    expect(rule.Statement.RateBasedStatement?.AggregateKeyType).toBe('IP');
    expect(rule.Action).toEqual({ Block: {} });
    expect(rule.OverrideAction).toBeUndefined();
  });

  test('gives every rule a unique priority and a unique, valid metric name with metrics and sampling on', () => {
    const acl = onlyWebAcl(Template.fromStack(build().stack));
    const rules = acl.Properties.Rules;

    const priorities = rules.map((r) => r.Priority);
    expect(new Set(priorities).size).toBe(rules.length);

    const metricNames = [
      acl.Properties.VisibilityConfig.MetricName,
      ...rules.map((r) => r.VisibilityConfig.MetricName),
    ];
    expect(new Set(metricNames).size).toBe(metricNames.length);
    for (const rule of rules) {
      expect(rule.VisibilityConfig).toEqual({
        CloudWatchMetricsEnabled: true,
        SampledRequestsEnabled: true,
        MetricName: expect.stringMatching(METRIC_NAME),
      });
    }
  });

  test('gives two web ACLs in one stack different metric names', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Test');

    // WHEN
    createWebAcl(new Construct(stack, 'Orders'));
    createWebAcl(new Construct(stack, 'Billing'));

    // THEN
    const acls = Object.values(Template.fromStack(stack).findResources('AWS::WAFv2::WebACL')) as WebAclJson[];
    expect(acls).toHaveLength(2);
    const [a, b] = acls.map((acl) => acl.Properties.VisibilityConfig.MetricName);
    expect(a).toMatch(METRIC_NAME);
    expect(b).toMatch(METRIC_NAME);
    expect(a).not.toBe(b);
  });

  test('keeps the metric name valid when the construct path is very long', () => {
    const stack = new Stack(new App(), 'Test');
    createWebAcl(new Construct(stack, 'VeryLongConstructName'.repeat(10)));
    const acl = onlyWebAcl(Template.fromStack(stack));
    expect(acl.Properties.VisibilityConfig.MetricName).toMatch(METRIC_NAME);
  });

  describe('rate limit', () => {
    test('defaults to defaultWafRateLimit() requests per IP', () => {
      const rule = rateRule(Template.fromStack(build().stack));
      expect(rule.Statement.RateBasedStatement?.Limit).toBe(defaultWafRateLimit());
      expect(defaultWafRateLimit()).toBe(2000);
    });

    test('uses the rateLimit given', () => {
      const rule = rateRule(Template.fromStack(build({ rateLimit: 500 }).stack));
      expect(rule.Statement.RateBasedStatement?.Limit).toBe(500);
    });

    test.each([10, 2_000_000_000])('accepts the bound %d', (rateLimit) => {
      const rule = rateRule(Template.fromStack(build({ rateLimit }).stack));
      expect(rule.Statement.RateBasedStatement?.Limit).toBe(rateLimit);
    });

    test.each([
      ['is below the minimum', 9],
      ['is zero', 0],
      ['is above the maximum', 2_000_000_001],
      ['is not an integer', 100.5],
      ['is NaN', Number.NaN],
    ])('fails when rateLimit %s (%d)', (_case, rateLimit) => {
      const act = () => build({ rateLimit });
      expect(act).toThrow(PresetValidationError);
      expect(act).toThrow(
        'Invalid waf.rateLimit: ' +
          String(rateLimit) +
          '. Must be a whole number from 10 to 2,000,000,000 requests per 5 minutes per IP.',
      );
      expect(act).toThrow(/^\[Test\]/);
    });

    test('skips the range check for a token and renders it unchanged', () => {
      // GIVEN
      const app = new App();
      const stack = new Stack(app, 'Test');
      const param = new CfnParameter(stack, 'RateLimit', { type: 'Number' });

      // WHEN
      createWebAcl(stack, { rateLimit: param.valueAsNumber });

      // THEN
      const rule = rateRule(Template.fromStack(stack));
      expect(rule.Statement.RateBasedStatement?.Limit).toEqual({ Ref: 'RateLimit' });
    });
  });

  describe('countOnlyCommonRules', () => {
    /*
     * The rule table of AWSManagedRulesCommonRuleSet in the AWS WAF Developer Guide, "Core rule set (CRS)
     * managed rule group", typed out here on purpose: the library's constant must match it name for name.
     */
    const GUIDE_RULES = [
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
    const NOT_A_RULE =
      'Not a rule of AWSManagedRulesCommonRuleSet, and AWS WAF silently ignores an override it cannot match, ' +
      'so the rule would keep blocking.';
    const THE_RULES = `The rules are: ${GUIDE_RULES.join(', ')}.`;

    const commonRuleSet = (template: Template): RuleJson =>
      onlyWebAcl(template).Properties.Rules.find(
        (r) => r.Statement.ManagedRuleGroupStatement?.Name === 'AWSManagedRulesCommonRuleSet',
      ) as RuleJson;
    const overrides = (template: Template): unknown =>
      (commonRuleSet(template).Statement.ManagedRuleGroupStatement as { RuleActionOverrides?: unknown })
        .RuleActionOverrides;

    test('by default no rule of the core rule set is overridden', () => {
      expect(overrides(Template.fromStack(build().stack))).toBeUndefined();
    });

    test('overrides the listed rules to count, only in the core rule set, and warns', () => {
      const fixture = build({ countOnlyCommonRules: ['SizeRestrictions_BODY', 'NoUserAgent_HEADER'] });
      const template = Template.fromStack(fixture.stack);
      expect(commonRuleSet(template).Statement.ManagedRuleGroupStatement).toMatchObject({
        RuleActionOverrides: [
          { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
          { Name: 'NoUserAgent_HEADER', ActionToUse: { Count: {} } },
        ],
      });
      const others = onlyWebAcl(template).Properties.Rules.filter(
        (r) =>
          r.Statement.ManagedRuleGroupStatement &&
          r.Statement.ManagedRuleGroupStatement.Name !== 'AWSManagedRulesCommonRuleSet',
      );
      for (const rule of others) {
        expect(
          (rule.Statement.ManagedRuleGroupStatement as { RuleActionOverrides?: unknown }).RuleActionOverrides,
        ).toBeUndefined();
      }
      Annotations.fromStack(fixture.stack).hasWarning(
        '/Test',
        Match.stringLikeRegexp(
          'only counts, and no longer blocks, requests matching SizeRestrictions_BODY, NoUserAgent_HEADER',
        ),
      );
    });

    test('renders exactly the names given, in their order, each as one count override', () => {
      // GIVEN
      const names = ['GenericLFI_BODY', 'SizeRestrictions_BODY', 'CrossSiteScripting_BODY'];

      // WHEN
      const template = Template.fromStack(build({ countOnlyCommonRules: names }).stack);

      // THEN
      expect(overrides(template)).toEqual([
        { Name: 'GenericLFI_BODY', ActionToUse: { Count: {} } },
        { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
        { Name: 'CrossSiteScripting_BODY', ActionToUse: { Count: {} } },
      ]);
    });

    test('knows exactly the rules of the guide, in its order', () => {
      expect(COMMON_RULE_SET_RULES).toEqual(GUIDE_RULES);
      expect(new Set(COMMON_RULE_SET_RULES).size).toBe(22);
    });

    test.each(GUIDE_RULES)('accepts the core rule set rule %s and overrides it to count', (name) => {
      const template = Template.fromStack(build({ countOnlyCommonRules: [name] }).stack);
      expect(overrides(template)).toEqual([{ Name: name, ActionToUse: { Count: {} } }]);
    });

    test('accepts every rule of the core rule set at once', () => {
      const template = Template.fromStack(build({ countOnlyCommonRules: [...GUIDE_RULES] }).stack);
      expect(overrides(template)).toEqual(GUIDE_RULES.map((Name) => ({ Name, ActionToUse: { Count: {} } })));
    });

    test.each([
      ['an unknown name', ['NotARule'], 'NotARule', ''],
      ['a malformed name', ['Size Restrictions'], 'Size Restrictions', ''],
      ['a rule of another managed group', ['Log4JRCE_BODY'], 'Log4JRCE_BODY', ''],
      [
        'a name that differs from a rule only in case',
        ['SizeRestrictions_Body'],
        'SizeRestrictions_Body',
        ' Rule names are case-sensitive: did you mean SizeRestrictions_BODY?',
      ],
      [
        'a lower-case name',
        ['noUserAgent_header'],
        'noUserAgent_header',
        ' Rule names are case-sensitive: did you mean NoUserAgent_HEADER?',
      ],
      [
        'a misspelled name',
        ['SizeRestriction_BODY'],
        'SizeRestriction_BODY',
        ' Did you mean SizeRestrictions_BODY?',
      ],
      [
        'a misspelled name close to two rules',
        ['GenericXFI_URIPATH'],
        'GenericXFI_URIPATH',
        ' Did you mean GenericLFI_URIPATH or GenericRFI_URIPATH?',
      ],
      [
        'a good name followed by an unknown one',
        ['SizeRestrictions_BODY', 'SizeRestrictions_BODYY'],
        'SizeRestrictions_BODYY',
        ' Did you mean SizeRestrictions_BODY?',
      ],
    ])('fails when it has %s', (_case, names, bad, hint) => {
      const act = () => build({ countOnlyCommonRules: names });
      expect(act).toThrow(PresetValidationError);
      expect(act).toThrow(
        `[Test] Invalid waf.countOnlyCommonRules: "${bad}". ${NOT_A_RULE}${hint} ${THE_RULES}`,
      );
    });

    test('fails when it has a name listed twice', () => {
      const act = () =>
        build({
          countOnlyCommonRules: ['SizeRestrictions_BODY', 'NoUserAgent_HEADER', 'SizeRestrictions_BODY'],
        });
      expect(act).toThrow(PresetValidationError);
      expect(act).toThrow(
        '[Test] Invalid waf.countOnlyCommonRules: "SizeRestrictions_BODY". List each rule of the core rule set once, by its name, e.g. SizeRestrictions_BODY.',
      );
    });

    test('fails when a name is a token', () => {
      // GIVEN
      const stack = new Stack(new App(), 'Test');
      const param = new CfnParameter(stack, 'Rule', { type: 'String' });

      // WHEN
      const act = () => createWebAcl(stack, { countOnlyCommonRules: [param.valueAsString] });

      // THEN
      expect(act).toThrow(PresetValidationError);
      expect(act).toThrow(
        /^\[Test\] Invalid waf\.countOnlyCommonRules: "\$\{Token\[[^\]]+\]\}"\. Must be a literal rule name: AWS WAF ignores an override whose name is not a rule of AWSManagedRulesCommonRuleSet, so every name is checked at synth and cannot be a value known only at deploy time\.$/,
      );
    });
  });

  describe('enabled: false', () => {
    test('creates no web ACL and leaves the waf-disabled warning', () => {
      // GIVEN / WHEN
      const { stack, webAcl } = build({ enabled: false });

      // THEN
      expect(webAcl).toBeUndefined();
      Template.fromStack(stack).resourceCountIs('AWS::WAFv2::WebACL', 0);
      Template.fromStack(stack).resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
      Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('waf-disabled'));
      Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('no web ACL'));
    });

    test('does not validate rateLimit when nothing is created', () => {
      expect(() => build({ enabled: false, rateLimit: 1 })).not.toThrow();
    });

    test('leaves no warning when WAF is on', () => {
      const { stack } = build({ enabled: true });
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('waf-disabled'));
    });
  });
});

describe('associateWebAcl', () => {
  test('associates the web ACL with the stage ARN built from the API and the stage', () => {
    // GIVEN / WHEN
    const fixture = build();
    const template = Template.fromStack(fixture.stack);
    const webAclId = fixture.stack.getLogicalId(fixture.webAcl as wafv2.CfnWebACL);
    const apiId = fixture.stack.getLogicalId(fixture.api.node.defaultChild as apigw.CfnRestApi);

    // THEN
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: { 'Fn::GetAtt': [webAclId, 'Arn'] },
    });
    const association = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'))[0];
    const arn = JSON.stringify(association.Properties.ResourceArn);
    expect(arn).toContain(`{"Ref":"${apiId}"}`);
    expect(arn).toContain(`{"Ref":"${stageLogicalId(fixture)}"}`);
    expect(arn).toContain('/restapis/');
    expect(arn).toContain('/stages/');
  });

  test('creates scope/<id> and depends on the stage', () => {
    const fixture = build();
    const association = fixture.stack.node.tryFindChild('WebAclAssociation');
    expect(association).toBeInstanceOf(wafv2.CfnWebACLAssociation);

    Template.fromStack(fixture.stack).hasResource('AWS::WAFv2::WebACLAssociation', {
      DependsOn: Match.arrayWith([stageLogicalId(fixture)]),
    });
  });
});
