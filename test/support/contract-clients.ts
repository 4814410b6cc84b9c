import * as path from 'node:path';
import { BaseResolver, createConfig, lintDocument, makeDocumentFromString } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';
import * as ts from 'typescript';
import { Json } from './definition';

/*
 * What a client developer does with the contract, offline: lint it with Redocly's recommended rules, generate
 * TypeScript types with openapi-typescript, and call every operation through openapi-fetch under `--strict`.
 */

/**
 * Redocly's recommended rules that warn on the examples' contracts, with why the library leaves them
 * (docs/CONTRACT.md says the same). No rule is turned off, and no rule may find an error.
 */
export const EXPECTED_LINT_WARNINGS: Record<string, string> = {
  'info-license': "An API's license is its owner's to state in the contract, not the library's.",
  'no-server-example.com':
    'The examples give their custom domains under example.com, the domain reserved for examples (RFC 2606).',
  'operation-4xx-response':
    'A proxy route answers what its backend answers: the library documents no status the backend may not send.',
};

/** Redocly's findings in `contract` under its recommended rules, as readable lines. */
export async function lintFindings(
  contract: Json,
): Promise<{ errors: string[]; warnings: string[]; warningRules: string[] }> {
  const config = await createConfig({ extends: ['recommended'] });
  const document = makeDocumentFromString(JSON.stringify(contract), '/contract.json');
  const problems = await lintDocument({
    document,
    config: config.styleguide,
    externalRefResolver: new BaseResolver(),
  });
  const line = (p: (typeof problems)[number]): string =>
    `${p.ruleId} at ${p.location[0]?.pointer ?? '?'}: ${p.message}`;
  return {
    errors: problems.filter((p) => p.severity === 'error').map(line),
    warnings: problems.filter((p) => p.severity === 'warn').map(line),
    warningRules: [...new Set(problems.filter((p) => p.severity === 'warn').map((p) => p.ruleId))].sort(),
  };
}

/** The openapi-typescript types of `contract`, with binary bodies (`format: binary`) typed as `Blob`. */
export async function generatedTypes(contract: Json): Promise<string> {
  const ast = await openapiTS(JSON.parse(JSON.stringify(contract)), {
    transform(schema) {
      if (schema.format === 'binary') {
        return ts.factory.createTypeReferenceNode(ts.factory.createIdentifier('Blob'));
      }
      return undefined;
    },
  });
  return astToString(ast);
}

const METHODS = ['get', 'put', 'post', 'delete', 'head', 'patch', 'options'];

/**
 * A module that calls every operation of the contract through an openapi-fetch client of `types`, with
 * every required parameter and body: it compiles under `--strict` only when the types let each call be made.
 */
export function callsOfEveryOperation(contract: Json, typesModule: string): string {
  const calls: string[] = [];
  for (const [route, item] of Object.entries(contract.paths as Json)) {
    for (const method of METHODS) {
      const operation = (item as Json)[method];
      if (!operation) {
        continue;
      }
      const params: Record<string, string[]> = {};
      for (const parameter of operation.parameters ?? []) {
        if (parameter.required) {
          (params[parameter.in] ??= []).push(`${JSON.stringify(parameter.name)}: 'x'`);
        }
      }
      const init: string[] = [];
      const paramEntries = Object.entries(params).map(
        ([where, values]) => `${where}: { ${values.join(', ')} }`,
      );
      if (paramEntries.length > 0) {
        init.push(`params: { ${paramEntries.join(', ')} }`);
      }
      const content = operation.requestBody?.content ?? {};
      const mediaType = Object.keys(content)[0];
      if (mediaType !== undefined) {
        const schema = content[mediaType].schema;
        init.push(
          `body: ${schema?.format === 'binary' ? 'new Blob([new Uint8Array([1, 2, 3])])' : 'anyBody()'}`,
        );
      }
      const args = init.length > 0 ? `, { ${init.join(', ')} }` : '';
      calls.push(
        `  await client.${method.toUpperCase()}(${JSON.stringify(route)}${args}); // ${operation.operationId}`,
      );
    }
  }
  return [
    "import createClient from 'openapi-fetch';",
    `import type { paths } from './${typesModule}';`,
    '',
    '/** Any value for a JSON body: the body types are checked by the generator, not here. */',
    'declare function anyBody<T>(): NonNullable<T>;',
    '',
    'export async function callEveryOperation(): Promise<void> {',
    "  const client = createClient<paths>({ baseUrl: 'https://api.example.org' });",
    ...calls,
    '}',
    '',
  ].join('\n');
}

/**
 * Type-checks in-memory modules (name to source) in one program under `--strict`, with openapi-fetch from
 * this repository's node_modules; returns the diagnostics as readable lines.
 */
export function typeErrors(modules: Record<string, string>): string[] {
  const root = path.resolve(__dirname, '..', '..', '.contract-clients');
  const files = new Map(Object.entries(modules).map(([name, source]) => [path.join(root, name), source]));
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  host.directoryExists = (dir) => dir === root || (directoryExists?.call(host, dir) ?? true);
  host.fileExists = (file) => files.has(file) || fileExists.call(host, file);
  host.readFile = (file) => files.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, onError, create) =>
    files.has(file)
      ? ts.createSourceFile(file, files.get(file)!, language)
      : getSourceFile.call(host, file, language, onError, create);
  // Module resolution starts from the repository, where node_modules holds openapi-fetch.
  host.getCurrentDirectory = () => path.resolve(__dirname, '..', '..');
  const program = ts.createProgram(
    [...files.keys()].filter((f) => f.endsWith('.ts')),
    options,
    host,
  );
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${path.relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}
