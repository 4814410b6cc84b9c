/* Names made from what the user gave, for the contract's operations, schemas and security schemes. */

/** Letters and digits of `text` as one PascalCase word: `user-pool` is `UserPool`. */
export function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** `name`, or `name2`, `name3`, ... : the first not in `taken`. */
export function unique(name: string, taken: ReadonlySet<unknown>): string {
  if (!taken.has(name)) {
    return name;
  }
  let n = 2;
  while (taken.has(`${name}${n}`)) {
    n++;
  }
  return `${name}${n}`;
}
