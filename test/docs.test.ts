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

/**
 * Every warning id in lib/: the `'cdk-apigateway-presets:<id>'` literals, whether passed to `addWarningV2`
 * directly or through a route's `warn`, a tuple or a constant (a tag key, `Tags.of(...).add(`, is not one).
 */
function warningIds(): Set<string> {
  const ids = new Set<string>();
  for (const file of sources('lib')) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(\.add\(\s*)?'(cdk-apigateway-presets:[a-z0-9-]+)'/g)) {
      if (m[1] === undefined) {
        ids.add(m[2]);
      }
    }
  }
  return ids;
}

/** The ids in the first column of the README's Warnings table. */
function warningTableIds(): string[] {
  return [...section('Warnings').matchAll(/^\| `(cdk-apigateway-presets:[a-z0-9-]+)` +\|/gm)].map(
    (m) => m[1],
  );
}

test('the README’s Warnings table lists every warning the library raises, and nothing else', () => {
  const raised = warningIds();
  // The direct calls are a part of what the wider search finds.
  const direct = sources('lib').flatMap((file) =>
    [
      ...fs.readFileSync(file, 'utf8').matchAll(/addWarningV2\(\s*'(cdk-apigateway-presets:[a-z0-9-]+)'/g),
    ].map((m) => m[1]),
  );
  expect(direct.length).toBeGreaterThan(5);
  expect(direct.filter((id) => !raised.has(id))).toEqual([]);

  const listed = warningTableIds();
  expect([...raised].filter((id) => !listed.includes(id)).sort()).toEqual([]);
  expect(listed.filter((id) => !raised.has(id))).toEqual([]);
  expect(listed.filter((id, i) => listed.indexOf(id) !== i)).toEqual([]);
});

test('every example is synthesized by bin/app.ts (through examples/all.ts) and listed in the README', () => {
  const app = fs.readFileSync(path.join(ROOT, 'bin', 'app.ts'), 'utf8');
  const all = fs.readFileSync(path.join(ROOT, 'examples', 'all.ts'), 'utf8');
  expect(app).toContain('addExampleStacks(app);');
  const listed = section('Examples');
  const examples = fs
    .readdirSync(path.join(ROOT, 'examples'))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && file !== 'all.ts');
  expect(examples.length).toBeGreaterThan(3);
  for (const example of examples) {
    expect({ example, inApp: all.includes(`'./${example.replace(/\.ts$/, '')}'`) }).toEqual({
      example,
      inApp: true,
    });
    expect({ example, inReadme: listed.includes(`\`${example}\``) }).toEqual({ example, inReadme: true });
  }
});
