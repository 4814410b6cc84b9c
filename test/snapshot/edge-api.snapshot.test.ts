import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EdgeApi, RouteIntegration } from '../../lib';

/**
 * Guards logical ids and the default template of EdgeApi: a changed logical id replaces users'
 * resources on their next deploy. Update only with scripts/update-snapshots.sh, on purpose.
 */
test('EdgeApi default template', () => {
  const stack = new Stack(new App(), 'Snapshot');
  new EdgeApi(stack, 'Api').addRoute('GET', '/health', RouteIntegration.mock());
  const json = JSON.stringify(Template.fromStack(stack).toJSON(), null, 2)
    // Asset hashes change with every edit of the handler code; they are not part of the contract.
    .replace(/[0-9a-f]{64}(\.zip)?/g, 'ASSET_HASH$1');
  expect(JSON.parse(json)).toMatchSnapshot();
});
