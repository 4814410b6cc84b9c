import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** Every `.ts` file under a folder of the project, recursively, compiled output left out. */
function sources(folder: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join(ROOT, folder, file));
}

/** The README section under a `## ` heading, up to the next one. */
function section(heading: string): string {
  const start = README.indexOf(`\n## ${heading}\n`);
  expect(start).toBeGreaterThan(0);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

test('every warning the library raises is in the README’s Warnings table', () => {
  const raised = new Set(
    sources('lib').flatMap((file) =>
      [
        ...fs.readFileSync(file, 'utf8').matchAll(/addWarningV2\(\s*'(cdk-apigateway-presets:[a-z0-9-]+)'/g),
      ].map((m) => m[1]),
    ),
  );
  expect(raised.size).toBeGreaterThan(5);
  const table = section('Warnings');
  expect([...raised].filter((id) => !table.includes(`| \`${id}\``))).toEqual([]);
});

test('every example is synthesized by bin/app.ts and listed in the README', () => {
  const app = fs.readFileSync(path.join(ROOT, 'bin', 'app.ts'), 'utf8');
  const listed = section('Examples');
  const examples = fs
    .readdirSync(path.join(ROOT, 'examples'))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
  expect(examples.length).toBeGreaterThan(3);
  for (const example of examples) {
    expect({ example, inApp: app.includes(`'../examples/${example.replace(/\.ts$/, '')}'`) }).toEqual({
      example,
      inApp: true,
    });
    expect({ example, inReadme: listed.includes(`\`${example}\``) }).toEqual({ example, inReadme: true });
  }
});
