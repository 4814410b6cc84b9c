// Fails when API.md does not match what jsii-docgen generates from the current build.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const fresh = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'api-md-')), 'API.md');
execFileSync(require.resolve('jsii-docgen/bin/jsii-docgen'), ['-o', fresh], { stdio: 'inherit' });
const committed = fs.existsSync('API.md') ? fs.readFileSync('API.md', 'utf8') : '';
if (committed !== fs.readFileSync(fresh, 'utf8')) {
  console.error('API.md is stale: run `npm run build && npm run docgen` and commit the result.');
  process.exit(1);
}
console.log('API.md is up to date.');
