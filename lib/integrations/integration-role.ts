import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeInPacks, REGULATED_PACKS } from '../private/regulated-packs';
import { INLINE_INTEGRATION_POLICY } from './s3-access';

/** Where an API's integration roles live, under the preset. */
const CONTAINER_ID = 'IntegrationRoles';

/**
 * The role API Gateway assumes to call an AWS service for an API's routes: trusted by
 * `apigateway.amazonaws.com` only, with one inline policy of exactly `statements`. The policy is part of the
 * role, so it exists before the API that references the role. Routes that ask for the same id share the
 * role (a queue sent to from several routes has one role per API).
 *
 * The trust policy has no `aws:SourceArn` or `aws:SourceAccount` condition: API Gateway does not set them
 * when it assumes an integration's credentials role, so such a condition denies every request.
 *
 * @param api the preset: the role lives with the API
 * @param id a stable id, derived from what the role may reach (it is the role's construct id)
 * @param statements what the role may do, computed once, when the role is created
 */
export function integrationRole(
  api: IConstruct,
  id: string,
  description: string,
  statements: () => iam.PolicyStatement[],
): iam.IRole {
  const container =
    (api.node.tryFindChild(CONTAINER_ID) as Construct | undefined) ??
    new Construct(api as Construct, CONTAINER_ID);
  const existing = container.node.tryFindChild(id);
  if (existing) {
    return existing as iam.Role;
  }
  const role = new iam.Role(container, id, {
    assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    description,
    inlinePolicies: { Integration: new iam.PolicyDocument({ statements: statements() }) },
  });
  acknowledgeInPacks(role, 'IAMNoInlinePolicy', REGULATED_PACKS, INLINE_INTEGRATION_POLICY);
  return role;
}
