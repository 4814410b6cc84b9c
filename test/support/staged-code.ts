import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';

/** A function's code as staged in the cloud assembly: its folder and every file in it. */
export interface StagedCode {
  /** The staged folder. */
  readonly dir: string;
  /** The asset hash the template names the code by. */
  readonly hash: string;
  /** The packaging of the asset (`zip` for a folder). */
  readonly packaging: string;
  /** Every file of the folder, relative to it, with '/' separators, sorted. */
  readonly files: string[];
}

/** The staged code of the function of `stackName` whose logical id starts with `functionIdPrefix`. */
export function stagedCode(assembly: CloudAssembly, stackName: string, functionIdPrefix: string): StagedCode {
  const stack = assembly.getStackByName(stackName);
  const resources = (
    stack.template as { Resources: Record<string, { Type: string; Properties: { Code?: unknown } }> }
  ).Resources;
  const found = Object.entries(resources).filter(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(functionIdPrefix),
  );
  if (found.length !== 1) {
    throw new Error(`Expected one function ${functionIdPrefix}* in ${stackName}, found ${found.length}`);
  }
  const hash = (found[0][1].Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
  const manifest = JSON.parse(
    fs.readFileSync(path.join(assembly.directory, `${stack.id}.assets.json`), 'utf-8'),
  ) as { files: Record<string, { source: { path: string; packaging: string } }> };
  const source = manifest.files[hash].source;
  const dir = path.join(assembly.directory, source.path);
  const files = (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((file) => fs.statSync(path.join(dir, file)).isFile())
    .map((file) => file.split(path.sep).join('/'))
    .sort();
  return { dir, hash, packaging: source.packaging, files };
}
