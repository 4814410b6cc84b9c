import * as wafv2 from 'aws-cdk-lib/aws-wafv2';

/** The header CloudFront adds to every request it forwards, holding the origin secret. */
export const ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';

/** The header the viewer-request function sets to the viewer's IP address. */
export const VIEWER_IP_HEADER = 'X-Viewer-Ip';

/** CloudFront's header with the protocol, cipher and handshake of the viewer's connection. */
export const VIEWER_TLS_HEADER = 'CloudFront-Viewer-TLS';

/** The names of the rules the front adds to the API's web ACL, first, in this order. */
export const ORIGIN_VERIFY_RULE = 'CloudFrontOriginVerify';
export const VIEWER_TLS_RULE = 'CloudFrontViewerTls';

/**
 * Blocks every request that does not carry the origin secret in the origin-verify header: requests
 * sent to the execute-api endpoint directly, around the distribution. `secretValue` is a dynamic
 * reference to the secret, resolved by CloudFormation at deploy time.
 */
export function originVerifyRule(secretValue: string): wafv2.CfnWebACL.RuleProperty {
  return {
    name: ORIGIN_VERIFY_RULE,
    priority: 0, // the web ACL numbers its rules in order
    action: { block: {} },
    statement: {
      notStatement: {
        statement: {
          byteMatchStatement: {
            // WAF matches header names case-insensitively; the L1 passes this object through as is.
            fieldToMatch: { singleHeader: { Name: ORIGIN_VERIFY_HEADER.toLowerCase() } },
            positionalConstraint: 'EXACTLY',
            searchString: secretValue,
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
      },
    },
    visibilityConfig: visibility(ORIGIN_VERIFY_RULE),
  };
}

/**
 * Blocks requests CloudFront received over SSLv3, TLS 1.0 or TLS 1.1, as its CloudFront-Viewer-TLS
 * header (`TLSv1.2:ECDHE-RSA-AES128-GCM-SHA256:fullHandshake`) says. For the default *.cloudfront.net
 * certificate, whose security policy CloudFront fixes at TLSv1. Without the header it matches nothing.
 */
export function viewerTlsRule(): wafv2.CfnWebACL.RuleProperty {
  return {
    name: VIEWER_TLS_RULE,
    priority: 0,
    action: { block: {} },
    statement: {
      regexMatchStatement: {
        fieldToMatch: { singleHeader: { Name: VIEWER_TLS_HEADER.toLowerCase() } },
        regexString: '^(SSLv3|TLSv1|TLSv1\\.0|TLSv1\\.1):',
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    },
    visibilityConfig: visibility(VIEWER_TLS_RULE),
  };
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName };
}
