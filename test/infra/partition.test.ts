import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The China regions' ARNs start `arn:aws-cn:` (FIELD-NOTES): every ARN in infra/ is built from the stack's
 * partition (`Stack.of(this).formatArn`, `Aws.PARTITION`), never written out for one partition.
 */
const infraFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? infraFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });

describe('no hard-coded partition', () => {
  it('has no arn:aws: literal anywhere in infra/, comments included', () => {
    const root = new URL('../../infra/', import.meta.url).pathname;
    const found = infraFiles(root).flatMap((file) =>
      readFileSync(file, 'utf-8')
        .split('\n')
        .map((line, i) => ({ line, at: `${path.relative(root, file)}:${i + 1}` }))
        .filter(({ line }) => /arn:aws(-cn|-us-gov)?:/.test(line))
        .map(({ at }) => at),
    );
    expect(found).toEqual([]);
  });
});
