import { Json } from './definition';

/**
 * A template string of the synthesized template as text, for values that hold references (a state
 * machine's ARN in a mapping template is an `Fn::Join` of text and a `Ref`): each `Ref` or `Fn::GetAtt`
 * becomes `names[logicalId]`, or `<logicalId>` when `names` has none.
 */
export function joinedText(value: unknown, names: Record<string, string> = {}): string {
  if (typeof value === 'string') {
    return value;
  }
  const json = value as Json;
  if (json['Fn::Join']) {
    const [separator, parts] = json['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => joinedText(part, names)).join(separator);
  }
  const id = json.Ref ?? json['Fn::GetAtt']?.[0];
  if (typeof id === 'string') {
    return names[id] ?? `<${id}>`;
  }
  throw new Error(`not a string, a join or a reference: ${JSON.stringify(value)}`);
}
