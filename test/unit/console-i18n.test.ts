import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CAMPAIGN_FLAGS,
  CAMPAIGN_KINDS,
  CAMPAIGN_STATUSES,
  CASE_STATUSES,
  CATEGORIES,
  CLOSURES,
  CONTACT_ROLES,
  DAY_STATS_FIELDS,
  ELDER_STATUSES,
  PROGRESS_FIELDS,
  REPORT_FORMATS,
  RULES,
} from '../../console/src/logic.js';
import { catalogue } from '../../console/src/messages.js';

/** The console's catalogue: both languages complete, the same placeholders, every key used exists. */
const zh = catalogue.zh as Record<string, string>;
const en = catalogue.en as Record<string, string>;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const CJK = /[\u4e00-\u9fff]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('the console catalogue', () => {
  it('has every key in both languages, none empty, with the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const key of Object.keys(zh)) {
      expect(zh[key]?.trim(), key).not.toBe('');
      expect(en[key]?.trim(), key).not.toBe('');
      expect(placeholders(en[key] ?? ''), key).toEqual(placeholders(zh[key] ?? ''));
    }
  });

  it('is Chinese in Chinese and English in English (the language switch buttons name the other language)', () => {
    for (const key of Object.keys(zh)) {
      if (key === 'lang.switch') continue;
      // codes and numbers alone (A 类 has a CJK character; "A1" would not) are allowed in both
      const text = (zh[key] ?? '').replace(/\{\w+\}/g, '');
      if (/[A-Za-z]{3,}/.test(text) && !CJK.test(text)) throw new Error(`${key} is not Chinese`);
      expect(CJK.test(en[key] ?? ''), `${key}: ${en[key]}`).toBe(false);
    }
    expect(zh['lang.switch']).toBe('English');
    expect(en['lang.switch']).toBe('中文');
  });

  it('labels every value the pages show from an enumeration, in both languages', () => {
    const groups: [string, readonly string[]][] = [
      ['category', CATEGORIES],
      ['rule', RULES],
      ['elderStatus', ELDER_STATUSES],
      ['contactRole', CONTACT_ROLES],
      ['caseStatus', CASE_STATUSES],
      ['closure', CLOSURES],
      ['kind', CAMPAIGN_KINDS],
      ['campaignStatus', CAMPAIGN_STATUSES],
      ['flag', CAMPAIGN_FLAGS],
      ['progress', PROGRESS_FIELDS.filter((f) => f !== 'casesOpened' && f !== 'casesClosed')],
      ['stats', DAY_STATS_FIELDS],
      ['reports.as', REPORT_FORMATS],
    ];
    for (const [prefix, values] of groups)
      for (const v of values) {
        expect(zh, `${prefix}.${v}`).toHaveProperty([`${prefix}.${v}`]);
        expect(en, `${prefix}.${v}`).toHaveProperty([`${prefix}.${v}`]);
      }
  });

  it('has every literal key the console source asks for (t(...), field(...), key: ...)', () => {
    const used = new Set<string>();
    for (const file of sourceFiles('console/src')) {
      if (file.endsWith('messages.ts')) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\b(?:t|field|button|heading)\('([a-zA-Z]+\.[A-Za-z0-9.]+)'/g))
        used.add(m[1] as string);
      for (const m of text.matchAll(/\bkey: '([a-zA-Z]+\.[A-Za-z0-9.]+)'/g)) used.add(m[1] as string);
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((k) => !(k in zh));
    expect(missing).toEqual([]);
  });

  it('has no text inline in the pages: every string a user reads comes from the catalogue', () => {
    expect(sourceFiles('console/src').filter((f) => f.endsWith('.tsx')).length).toBeGreaterThan(10);
    for (const file of sourceFiles('console/src')) {
      if (file.endsWith('messages.ts')) continue;
      const code = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\*|\/\*\*)/.test(line))
        .join('\n');
      // Chinese in code, outside comments, would be an inline string (the full-width punctuation
      // that joins values, such as "：" and "（", is allowed)
      const inline = code.match(/[\u4e00-\u9fff]+/g) ?? [];
      expect(inline, file).toEqual([]);
    }
  });
});
