import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const LIB = path.join(__dirname, '..', 'lib');

/**
 * The folders of lib/, lowest layer first. A file imports from its own folder or from a lower layer,
 * never from a folder of its own layer or of a higher one. `.` is lib/ itself (the entry point and
 * `PresetErrors`).
 */
const LAYERS: string[][] = [
  ['private'], // not exported: defaults, limits, errors, OpenAPI helpers
  ['compliance'], // ComplianceProfile and what REGULATED adds: the key, encrypted log groups, the client certificate
  ['cors'], // cross-origin headers, which integrations and gateway responses carry
  ['integrations'], // RouteIntegration factories
  ['security'], // authorizers, WAF, resource policies, request validation
  ['observability', 'traffic', 'release'], // access logs and the account role; caching and throttling; canaries and pinned deployments
  ['domains'], // custom domains, public and private
  ['gateway'], // the engine: props, route table, definition, stages, RestApiPreset
  ['cloudfront', 'private-network', 'storage'], // what presets add around the engine
  ['presets', 'nag'], // the constructs an app builds: the presets and ApiDomain; the rule pack that audits any API
  ['.'],
];

/** A relative import from one file of lib/ to another, both relative to lib/, without extension. */
interface Import {
  readonly from: string;
  readonly to: string;
}

/** The folder of lib/ a module is in (`.` for lib/ itself). */
function folderOf(module: string): string {
  const parts = module.split('/');
  return parts.length === 1 ? '.' : parts[0];
}

/** Every import (static, type-only, re-export, require, dynamic) of the TypeScript sources under a folder. */
function importsUnder(root: string): Import[] {
  const files = fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
  return files.flatMap((file) => {
    const info = ts.preProcessFile(fs.readFileSync(path.join(root, file), 'utf8'), true, true);
    return info.importedFiles
      .map((ref) => ref.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => ({
        from: file.replace(/\.ts$/, ''),
        to: path.posix
          .normalize(path.posix.join(path.posix.dirname(file), spec))
          .replace(/\/index$|\.js$/, ''),
      }));
  });
}

/** The imports that point at a folder not below the importing file's (same folder excepted). */
function importsUpOrAcross(imports: Import[], layers: string[][]): string[] {
  const layerOf = new Map(layers.flatMap((folders, i) => folders.map((f): [string, number] => [f, i])));
  return imports
    .filter(({ from, to }) => {
      const [a, b] = [folderOf(from), folderOf(to)];
      return a !== b && !((layerOf.get(b) ?? Infinity) < (layerOf.get(a) ?? -Infinity));
    })
    .map(({ from, to }) => `${from} -> ${to}`);
}

/** The import cycles among modules: each strongly connected component of more than one module. */
function cycles(imports: Import[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const { from, to } of imports) {
    edges.set(from, [...(edges.get(from) ?? []), to]);
  }
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (edges.get(node) ?? []).includes(node)) {
        found.push(component.sort());
      }
    }
  };
  for (const node of edges.keys()) {
    if (!index.has(node)) {
      visit(node);
    }
  }
  return found;
}

describe('lib/ layout', () => {
  const imports = importsUnder(LIB);

  test('reads the imports of lib/', () => {
    expect(imports.length).toBeGreaterThan(100);
    expect(imports).toContainEqual({ from: 'gateway/options', to: 'security/waf' });
    expect(imports).toContainEqual({ from: 'index', to: 'presets/edge-api' });
  });

  test('every folder of lib/ has its place in the layers', () => {
    const folders = fs
      .readdirSync(LIB, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.filter((folder) => !LAYERS.flat().includes(folder))).toEqual([]);
    expect(LAYERS.flat().filter((folder) => folder !== '.' && !folders.includes(folder))).toEqual([]);
  });

  test('no file imports from a folder of its own layer or a higher one', () => {
    expect(importsUpOrAcross(imports, LAYERS)).toEqual([]);
  });

  test('no import cycle, type-only imports included', () => {
    expect(cycles(imports)).toEqual([]);
  });

  test("the README's folder table lists the folders from the top layer down", () => {
    const readme = fs.readFileSync(path.join(LIB, '..', 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `lib\/([a-z-]+)\/` +\|/gm)].map((m) => m[1]);
    expect(listed).toEqual([...LAYERS].reverse().flatMap((folders) => folders.filter((f) => f !== '.')));
  });
});

describe('the layout checks', () => {
  const layers = [['private'], ['security', 'traffic'], ['gateway'], ['.']];

  test('report an import back up a layer, and one across to another folder of the same layer', () => {
    const imports: Import[] = [
      { from: 'security/waf', to: 'private/errors' },
      { from: 'security/waf', to: 'security/auth' },
      { from: 'index', to: 'gateway/options' },
      { from: 'security/cloudfront', to: 'gateway/options' },
      { from: 'traffic/caching', to: 'security/auth' },
      { from: 'unknown/file', to: 'private/errors' },
    ];
    expect(importsUpOrAcross(imports, layers)).toEqual([
      'security/cloudfront -> gateway/options',
      'traffic/caching -> security/auth',
      'unknown/file -> private/errors',
    ]);
  });

  test('report a cycle, within a folder or across folders, and nothing else', () => {
    const imports: Import[] = [
      { from: 'gateway/options', to: 'security/waf' },
      { from: 'security/waf', to: 'security/checks' },
      { from: 'security/checks', to: 'gateway/options' },
      { from: 'gateway/stages', to: 'gateway/options' },
      { from: 'private/a', to: 'private/b' },
      { from: 'private/b', to: 'private/a' },
    ];
    expect(cycles(imports)).toEqual([
      ['gateway/options', 'security/checks', 'security/waf'],
      ['private/a', 'private/b'],
    ]);
  });

  test('read type-only imports, re-exports and require calls', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layout-'));
    fs.mkdirSync(path.join(dir, 'security'));
    fs.writeFileSync(
      path.join(dir, 'security', 'waf.ts'),
      [
        "import type { A } from '../gateway/options';",
        "export { B } from './auth';",
        "const c = require('../private/errors');",
        "import * as cdk from 'aws-cdk-lib';",
      ].join('\n'),
    );
    expect(importsUnder(dir)).toEqual([
      { from: 'security/waf', to: 'gateway/options' },
      { from: 'security/waf', to: 'security/auth' },
      { from: 'security/waf', to: 'private/errors' },
    ]);
    fs.rmSync(dir, { recursive: true });
  });
});
