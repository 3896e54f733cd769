import { describe, expect, it } from 'vitest';
import * as logic from '../../console/src/logic.js';
import { REPORT_FORMATS } from '../../functions/reports/routes.js';

describe("the console's report formats", () => {
  // the console lists them in its own order (xlsx first); the other lists it imports from shared/
  it('offers the formats the reports API accepts', () => {
    expect([...logic.REPORT_FORMATS].sort()).toEqual([...REPORT_FORMATS].sort());
  });
});

describe('campaign actions', () => {
  it('offers approval only to an administrator who did not create the draft', () => {
    expect(logic.actionsFor('draft', false)).toEqual(['approve', 'start', 'cancel']);
    expect(logic.actionsFor('draft', true)).toEqual(['start', 'cancel']);
  });

  it('offers what each status allows', () => {
    expect(logic.actionsFor('approved', true)).toEqual(['start', 'cancel']);
    expect(logic.actionsFor('scheduled', false)).toEqual(['cancel']);
    expect(logic.actionsFor('running', false)).toEqual(['pause', 'cancel']);
    expect(logic.actionsFor('paused', false)).toEqual(['resume', 'cancel']);
    expect(logic.actionsFor('cancelled', false)).toEqual([]);
    expect(logic.actionsFor('done', false)).toEqual([]);
  });

  it('knows the creator by login name under any role, or by stable id', () => {
    const c = { createdBy: 'countyAdmin:pengjiang-admin', createdBySub: 'local-pengjiang-admin' };
    expect(logic.isCreator(c, { username: 'pengjiang-admin' })).toBe(true);
    expect(logic.isCreator({ createdBy: 'cityAdmin:pengjiang-admin' }, { username: 'pengjiang-admin' })).toBe(
      true,
    );
    expect(logic.isCreator(c, { username: 'pengjiang-admin2' })).toBe(false);
    expect(logic.isCreator(c, { username: 'renamed', sub: 'local-pengjiang-admin' })).toBe(true);
  });
});

describe('small parsers', () => {
  it('splits townships typed with Chinese or ASCII separators, without blanks or repeats', () => {
    expect(logic.splitTownships('台城街道、大江镇, 水步镇，台城街道；')).toEqual([
      '台城街道',
      '大江镇',
      '水步镇',
    ]);
    expect(logic.splitTownships('  ')).toEqual([]);
  });

  it('filters the loaded page by name, township or village', () => {
    const rows = [
      { name: '陈亚妹', region: { township: '杜阮镇', village: '龙榜村' } },
      { name: '李桂芳', region: { township: '潮连街道', village: '芝山村' } },
    ];
    expect(logic.filterRows(rows, '亚妹').map((r) => r.name)).toEqual(['陈亚妹']);
    expect(logic.filterRows(rows, '芝山').map((r) => r.name)).toEqual(['李桂芳']);
    expect(logic.filterRows(rows, ' ')).toHaveLength(2);
  });

  it('counts age in whole years, the birthday itself included', () => {
    expect(logic.ageOn('1945-03-01', '2025-02-28')).toBe(79);
    expect(logic.ageOn('1945-03-01', '2025-03-01')).toBe(80);
    expect(logic.ageOn('1944-02-29', '2024-02-28')).toBe(79);
  });

  it("offers the elder's township's contacts first", () => {
    const contacts = [
      { name: '乙', township: '杜阮镇' },
      { name: '甲', township: '环市街道' },
      { name: '丙', township: '环市街道' },
    ];
    expect(logic.contactsFor(contacts, '环市街道').map((c) => c.township)).toEqual([
      '环市街道',
      '环市街道',
      '杜阮镇',
    ]);
  });

  it("takes a download's Chinese file name from filename*, else the plain one", () => {
    const d = `attachment; filename="monthly-report-2025-07-440703.xlsx"; filename*=UTF-8''${encodeURIComponent('蓬江区2025年7月.xlsx')}`;
    expect(logic.fileNameOf(d, 'x')).toBe('蓬江区2025年7月.xlsx');
    expect(logic.fileNameOf('attachment; filename="a.csv"', 'x')).toBe('a.csv');
    expect(logic.fileNameOf(null, 'fallback.csv')).toBe('fallback.csv');
  });

  it("lists an import's errors one problem a line, under the header", () => {
    const rows = logic.errorReportRows(
      {
        errors: [
          { row: 4, errors: [{ path: 'gender', column: '性别', message: '无法识别' }] },
          {
            row: 10,
            errors: [
              { path: '', message: '重复' },
              { path: 'phone', column: '联系电话', message: '无效' },
            ],
          },
        ],
      },
      ['行号', '列', '问题'],
    );
    // the internal path is never written out
    expect(rows).toEqual([
      ['行号', '列', '问题'],
      [4, '性别', '无法识别'],
      [10, '', '重复'],
      [10, '联系电话', '无效'],
    ]);
  });

  it('finds the figures of an answer at its top or under a named field', () => {
    const p = { started: 3, well: 1, needsHelp: 1, notReached: 0, casesOpened: 1, casesClosed: 0 };
    expect(logic.figuresOf(p, logic.PROGRESS_FIELDS)).toEqual(p);
    expect(logic.figuresOf({ id: 'c1', progress: p }, logic.PROGRESS_FIELDS, ['progress'])).toEqual(p);
    expect(logic.figuresOf({ started: 3 }, logic.PROGRESS_FIELDS, ['progress'])).toBeUndefined();
  });
});

describe("Cognito's endpoint", () => {
  it('is amazonaws.com in a global region and amazonaws.com.cn in a China region', () => {
    expect(logic.cognitoEndpoint('ap-east-1')).toBe('https://cognito-idp.ap-east-1.amazonaws.com/');
    expect(logic.cognitoEndpoint('cn-north-1')).toBe('https://cognito-idp.cn-north-1.amazonaws.com.cn/');
    expect(() => logic.cognitoEndpoint('evil.example/')).toThrow();
  });
});
