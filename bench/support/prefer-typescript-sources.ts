// ts-node registers '.ts' after '.js', so `require('../lib')` would load the jsii build output
// (lib/**/*.js), which may be stale while the sources change. Prefer the sources, as cdk.json does
// with --prefer-ts-exts. (This is what ts-node's own preferTsExts option does.)
export function preferTypeScriptSources(): void {
  const extensions = require.extensions;
  if (!('.ts' in extensions)) {
    return;
  }
  for (const ext of Object.keys(extensions)) {
    if (ext !== '.ts') {
      const handler = extensions[ext];
      delete extensions[ext];
      extensions[ext] = handler;
    }
  }
}
