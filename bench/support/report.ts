import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** a / b, to three decimals. */
export function ratio(a: number, b: number): number {
  return Math.round((a / b) * 1000) / 1000;
}

export function cdkVersion(): string {
  const manifest = path.join(path.dirname(require.resolve('aws-cdk-lib')), 'package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export function machine(): string {
  const cpus = os.cpus();
  return `Node ${process.version}, ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}`;
}

/** Columns padded to their widest cell: the first `leftAligned` to the left, the others to the right. */
export function table(rows: string[][], leftAligned = 1): string {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, col) => (col < leftAligned ? cell.padEnd(widths[col]) : cell.padStart(widths[col])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Parses `--name=a,b,c` into positive integers (0 allowed when `allowZero`). */
export function intList(value: string, name: string, allowZero = false): number[] {
  const list = value.split(',').map((item) => Number(item.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < (allowZero ? 0 : 1))) {
    throw new Error(
      `--${name} takes a comma-separated list of ${allowZero ? 'non-negative' : 'positive'} integers, got '${value}'`,
    );
  }
  return list;
}

export function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`--${name} takes a positive integer, got '${value}'`);
  }
  return n;
}
