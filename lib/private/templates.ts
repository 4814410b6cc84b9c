import * as path from 'node:path';
import { IConstruct } from 'constructs';
import { parse } from 'velocityjs';
import { PresetValidationError } from './errors';

/** A directive of the flat token list velocityjs's parser produces (strings are text). */
type Token = string | { readonly type: string; readonly pos?: { readonly first_line: number } };

/** Directives that open a block closed by `#end`, as Velocity reads them. */
const BLOCKS = new Set(['if', 'foreach', 'macro', 'define', 'noescape', 'macro_body']);

/**
 * velocityjs's parser before it nests blocks: its public `parse` drops an `#end` it cannot match and
 * closes an unclosed block at the end of the text, so only the flat list shows an unbalanced template.
 * The copy bundled with the library is the one read; without that file only syntax is checked.
 */
const flatParse: ((text: string) => Token[]) | undefined = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(path.join(path.dirname(require.resolve('velocityjs')), 'parse', 'index.cjs')) as {
      parse_1?: (text: string) => Token[];
    };
    return module.parse_1;
  } catch {
    return undefined;
  }
})();

/** Templates already found valid: many routes share the same few. */
const VALID = new Set<string>();

/**
 * Why `template` is not valid Velocity (a syntax error, or an `#if`, `#foreach`, `#macro` or `#define`
 * without its `#end`, an `#end` with no block, an `#else` or `#elseif` outside an `#if`), or undefined
 * when it is.
 */
export function velocityError(template: string): string | undefined {
  if (VALID.has(template)) {
    return undefined;
  }
  // A CDK token (`${Token[NAME.1]}`) stands for a value such as an ARN: text to Velocity.
  const text = template.replace(/\$\{Token\[[^\]]*\]\}/g, 'token');
  let tokens: Token[];
  try {
    tokens = flatParse ? flatParse(text) : (parse(text) as Token[]);
  } catch (error) {
    // velocityjs's message: "Parse error on line N:", the text, a caret, "Expecting ..., got ...".
    const lines = String((error as Error).message).split('\n');
    return [lines[0], lines[lines.length - 1]].join(' ');
  }
  if (flatParse) {
    const open: { type: string; line?: number }[] = [];
    for (const token of tokens) {
      if (typeof token === 'string') {
        continue;
      }
      const line = token.pos?.first_line;
      if (BLOCKS.has(token.type)) {
        open.push({ type: token.type, line });
      } else if (token.type === 'end') {
        if (open.pop() === undefined) {
          return `#end on line ${line} closes no block.`;
        }
      } else if ((token.type === 'else' || token.type === 'elseif') && open[open.length - 1]?.type !== 'if') {
        return `#${token.type} on line ${line} is not inside an #if.`;
      }
    }
    const unclosed = open.pop();
    if (unclosed) {
      return `#${unclosed.type} on line ${unclosed.line} has no #end.`;
    }
  }
  VALID.add(template);
  return undefined;
}

/** The longest part of a template an error quotes. */
const QUOTED_LENGTH = 200;

/**
 * Checks every mapping template of an integration (request templates, and the response templates of
 * each integration response) with a Velocity parser, so a template API Gateway cannot parse fails at
 * synth, naming its content type. API Gateway itself takes such a template at deploy and answers every
 * request to the route with a 500.
 */
export function checkMappingTemplates(scope: IConstruct, integration: Record<string, unknown>): void {
  const templates: [string, Record<string, unknown> | undefined][] = [
    ['integration.requestTemplates', integration.requestTemplates as Record<string, unknown> | undefined],
  ];
  const responses = (integration.responses ?? {}) as Record<string, Record<string, unknown>>;
  for (const [selection, response] of Object.entries(responses)) {
    templates.push([
      `integration.responses[${JSON.stringify(selection)}].responseTemplates`,
      response.responseTemplates as Record<string, unknown> | undefined,
    ]);
  }
  for (const [prop, byContentType] of templates) {
    for (const [contentType, template] of Object.entries(byContentType ?? {})) {
      if (typeof template !== 'string') {
        continue;
      }
      const error = velocityError(template);
      if (error !== undefined) {
        throw new PresetValidationError(
          scope,
          `${prop}[${JSON.stringify(contentType)}]`,
          template.length > QUOTED_LENGTH ? `${template.slice(0, QUOTED_LENGTH)}…` : template,
          `A mapping template (a mock body, a requestTemplate or a responseTemplate) must be valid Velocity (VTL): ${error} ` +
            'Close each #if, #foreach, #macro and #define with #end (#{end} when letters follow), and ' +
            "quote literal text that looks like a directive or reference (e.g. #set($hash = '#')).",
        );
      }
    }
  }
}
