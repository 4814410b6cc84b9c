import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import createClient from 'openapi-fetch';
import { addExampleStacks } from '../../examples/all';
import { RestApiPreset } from '../../lib/gateway/rest-api-preset';
import {
  callsOfEveryOperation,
  EXPECTED_LINT_WARNINGS,
  generatedTypes,
  lintFindings,
  typeErrors,
} from '../support/contract-clients';
import { Json } from '../support/definition';
import { openApiErrors } from '../support/openapi';

/*
 * The contract as a client developer uses it, for every example of examples/ (as bin/app.ts builds them):
 * linted with Redocly's recommended rules, turned into TypeScript types by openapi-typescript, and called,
 * one call per operation, through openapi-fetch, compiled under --strict in one program.
 */

const app = new App();
const stacks: Stack[] = addExampleStacks(app);
/** Every preset of every example, by `<stack id><preset id>`, with its contract. */
const contracts: Array<[string, Json]> = stacks.flatMap((stack) =>
  stack.node
    .findAll()
    .filter((c): c is RestApiPreset => c instanceof RestApiPreset)
    .map((api): [string, Json] => [`${stack.node.id}${api.node.id}`, api.openApi()]),
);
const METHODS = ['get', 'put', 'post', 'delete', 'head', 'patch', 'options'];
const operations = (contract: Json): Json[] =>
  Object.values(contract.paths as Json).flatMap((item: Json) =>
    METHODS.filter((m) => item[m]).map((m) => item[m]),
  );

test('covers every example of examples/', () => {
  const examples = fs
    .readdirSync(path.join(__dirname, '..', '..', 'examples'))
    .filter((file) => file.endsWith('.ts') && file !== 'all.ts');
  expect(stacks).toHaveLength(examples.length);
  expect(contracts.length).toBeGreaterThanOrEqual(examples.length);
});

describe.each(contracts)('the contract of %s', (_name, contract) => {
  test("has no error under Redocly's recommended rules, and only the warnings docs/CONTRACT.md explains", async () => {
    const findings = await lintFindings(contract);
    expect(findings.errors).toEqual([]);
    expect(findings.warningRules.filter((rule) => !(rule in EXPECTED_LINT_WARNINGS))).toEqual([]);
  });

  test('is a valid OpenAPI 3.0 document', async () => {
    expect(await openApiErrors(contract)).toEqual([]);
  });

  test('gives every operation an id and a summary', () => {
    for (const operation of operations(contract)) {
      expect(operation.operationId).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(operation.summary).toEqual(expect.any(String));
    }
  });

  test('names no schema or security scheme after a hash', () => {
    const names = [
      ...Object.keys(contract.components?.schemas ?? {}),
      ...Object.keys(contract.components?.securitySchemes ?? {}),
      contract.info.title,
    ];
    expect(names.filter((name) => /[0-9A-Fa-f]{8}/.test(name))).toEqual([]);
  });
});

test('a generated TypeScript client makes one call per operation of every example, under --strict', async () => {
  const modules: Record<string, string> = {};
  for (const [name, contract] of contracts) {
    modules[`${name}.ts`] = await generatedTypes(contract);
    modules[`${name}-calls.ts`] = callsOfEveryOperation(contract, name);
  }
  // The upload as a client writes it: the bytes are the body its types ask for.
  modules['upload.ts'] = [
    "import createClient from 'openapi-fetch';",
    "import type { paths } from './S3UploadApiUploads';",
    'export async function upload(bytes: Uint8Array<ArrayBuffer>): Promise<void> {',
    "  const client = createClient<paths>({ baseUrl: 'https://api.example.org', bodySerializer: (body) => body });",
    "  await client.PUT('/uploads/{key}', {",
    "    params: { path: { key: 'photos/cat.png' }, header: { 'Content-Type': 'image/png' } },",
    '    body: new Blob([bytes]),',
    '  });',
    '}',
    '',
  ].join('\n');
  expect(typeErrors(modules)).toEqual([]);
});

test('the compile check fails on a call the contract does not allow', async () => {
  // GIVEN the upload's contract without its request body (a client that refuses the bytes)
  const [, upload] = contracts.find(([name]) => name === 'S3UploadApiUploads')!;
  const put = upload.paths['/uploads/{key}'].put;
  const withoutBody = {
    ...upload,
    paths: { ...upload.paths, '/uploads/{key}': { put: { ...put, requestBody: undefined } } },
  };
  const calls = callsOfEveryOperation(upload, 'Upload').replace(/^.*client\.(?!PUT).*$/gm, '');
  // THEN the call with the bytes does not compile
  const errors = typeErrors({ 'Upload.ts': await generatedTypes(withoutBody), 'Upload-calls.ts': calls });
  expect(errors.join('\n')).toMatch(/not assignable to type 'undefined'/);
});

describe('S3 upload through a generated client', () => {
  const [, upload] = contracts.find(([name]) => name === 'S3UploadApiUploads')!;

  test('sends the bytes with their media type, the key with its slashes, to a mocked transport', async () => {
    const sent: Request[] = [];
    const client = createClient<Json>({
      baseUrl: 'https://files.example.org/prod',
      // Binary bodies go as they are (openapi-fetch serializes other bodies as JSON).
      bodySerializer: (body: unknown) => body,
      // A greedy variable's '/' go as they are; each segment is percent-encoded.
      pathSerializer: (template: string, params: Record<string, unknown>) =>
        template.replace(/\{(\w+)\}/g, (_, name: string) =>
          String(params[name]).split('/').map(encodeURIComponent).join('/'),
        ),
      fetch: async (request: Request) => {
        sent.push(request);
        return new Response(null, { status: 200 });
      },
    } as Json);
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);

    await client.PUT('/uploads/{key}', {
      params: { path: { key: 'photos/2026/a b.png' }, header: { 'Content-Type': 'image/png' } },
      body: new Blob([bytes]),
    });

    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request.method).toBe('PUT');
    expect(request.url).toBe('https://files.example.org/prod/uploads/photos/2026/a%20b.png');
    expect(request.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await request.arrayBuffer())).toEqual(bytes);
  });

  test('the contract describes the upload, the object and its partial content as bytes', () => {
    const item = upload.paths['/uploads/{key}'];
    const binary = { schema: { type: 'string', format: 'binary' } };
    expect(item.put.requestBody).toEqual({ required: true, content: { '*/*': binary } });
    expect(item.get.responses['200'].content).toEqual({ '*/*': binary });
    expect(item.get.responses['206'].content).toEqual({ '*/*': binary });
    // A HEAD answer has no body.
    expect(item.head.responses['200'].content).toBeUndefined();
    expect(item.get.parameters[0]).toEqual({
      name: 'key',
      in: 'path',
      required: true,
      schema: { type: 'string' },
      description: expect.stringContaining("'/' included: send each '/' as is"),
    });
  });
});
