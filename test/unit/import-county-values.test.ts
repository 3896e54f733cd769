import { describe, expect, it } from 'vitest';
import { columnForHeader, isFooterRow, matchHeaders } from '../../shared/import/headers.js';
import { mapRow } from '../../shared/import/rows.js';
import { readCell } from '../../shared/import/values.js';
import { formLabel, labelForm } from '../../shared/register/labels.js';
import { makeIdNumber, readIdNumber, upgradeIdNumber } from '../../shared/registration/id-number.js';
import { makeRegistrationSchema } from '../../shared/registration/schema.js';
import { parseOrErrors } from '../../shared/validation.js';
import { policy } from '../support/builders.js';

/** Values as county staff write them (issue 13, part 1). */
const read = (kind: Parameters<typeof readCell>[0], cell: Parameters<typeof readCell>[1]) =>
  readCell(kind, cell, '表头', policy);

describe('values as written in county sheets', () => {
  it.each([
    ['独居', 'alone', undefined],
    ['空巢', 'couple', { emptyNest: true }],
    ['留守', 'other', { leftBehind: true }],
    ['与子女同住', 'withFamily', undefined],
    ['与配偶同住', 'couple', undefined],
  ])('reads 居住情况 %s', (cell, value, also) => {
    expect(read('living', cell)).toEqual({ ok: true, value, ...(also ? { also } : {}) });
  });

  it('reads a county written with the city in front', () => {
    expect(read('county', '江门市蓬江区')).toEqual({ ok: true, value: '440703' });
    expect(read('county', '广东省江门市台山市')).toEqual({ ok: true, value: '440781' });
    expect(read('county', '蓬江区')).toEqual({ ok: true, value: '440703' });
  });

  it('reads phones with spaces or an extension', () => {
    expect(read('phone', '138 0013 8000')).toEqual({ ok: true, value: '13800138000' });
    expect(read('phone', '0750-3123456转123')).toEqual({ ok: true, value: '0750-3123456' });
    expect(read('phone', '0750-3123456-8021')).toEqual({ ok: true, value: '0750-3123456' });
    expect(read('phone', '(0750) 312 3456 分机 12')).toEqual({ ok: true, value: '07503123456' });
  });

  it('reads dates as 1945.03.02, 1945年3月2日 and Excel dates', () => {
    expect(read('date', '1945.03.02')).toEqual({ ok: true, value: '1945-03-02' });
    expect(read('date', '1945年3月2日')).toEqual({ ok: true, value: '1945-03-02' });
    expect(read('date', new Date(Date.UTC(1945, 2, 2)))).toEqual({ ok: true, value: '1945-03-02' });
    expect(read('date', 16498)).toEqual({ ok: true, value: '1945-03-02' });
  });

  it('converts a 15-digit ID number by the GB 11643 rule', () => {
    const eighteen = makeIdNumber('440703', '1945-03-02', 123);
    const fifteen = `${eighteen.slice(0, 6)}${eighteen.slice(8, 17)}`;
    expect(upgradeIdNumber(fifteen)).toBe(eighteen);
    expect(read('idNumber', fifteen)).toEqual({ ok: true, value: eighteen });
    expect(read('idNumber', Number(fifteen))).toEqual({ ok: true, value: eighteen });
    expect(readIdNumber(upgradeIdNumber(fifteen)).ok).toBe(true);
  });

  it.each([
    ['是', 'severe'],
    ['否', 'intact'],
    ['半失能', 'moderate'],
    ['自理', 'intact'],
    ['中度失能', 'moderate'],
  ])('reads 失能 %s', (cell, value) => {
    expect(read('ability', cell)).toEqual({ ok: true, value });
  });

  it.each([
    ['肢体二级', 2],
    ['视力残疾一级', 1],
    ['二级肢体', 2],
    ['3级', 3],
    ['无', null],
  ])('reads 残疾 %s as on the certificate', (cell, value) => {
    expect(read('disabilityGrade', cell)).toEqual({ ok: true, value });
  });

  it('reads several types in one 老年人类型 cell, and refuses a word it does not know', () => {
    expect(read('personTypes', '独居、失能，低保')).toEqual({
      ok: true,
      value: undefined,
      also: { living: 'alone', ability: 'severe', lowIncome: true },
    });
    const bad = read('personTypes', '独居、五保');
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/^无法识别的取值：表头/) });
  });

  it('reads 探访方式 as the visit plan, not the check-in channel', () => {
    expect(columnForHeader('探访方式')?.path).toBe('visitMode');
    expect(read('visitMode', '上门')).toEqual({ ok: true, value: 'home' });
    expect(read('visitMode', '视频')).toEqual({ ok: true, value: 'video' });
    expect(read('visitMode', '短信')).toMatchObject({ ok: false });
  });

  it('knows the header variants of county sheets', () => {
    for (const [header, path] of [
      ['序号', 'rowNumber'],
      ['身份证号码', 'idNumber'],
      ['出生年月', 'birthDate'],
      ['家庭住址', 'address'],
      ['镇（街道）', 'region.township'],
      ['村（居）', 'region.village'],
      ['紧急联系人', 'emergencyContacts.0.name'],
      ['与老人关系', 'emergencyContacts.0.relation'],
      ['老年人类型', 'personTypes'],
    ] as const)
      expect(columnForHeader(header)?.path, header).toBe(path);
  });

  it('lets a 老年人类型 cell fill what its own column left blank, never overrule it', () => {
    const { columns } = matchHeaders(['姓名', '居住情况', '老年人类型', '空巢']);
    const filled = mapRow(columns, ['测试老人', undefined, '独居、空巢', '否'], policy, 'register');
    expect(filled.values.get('living')).toBe('alone');
    expect(filled.values.get('emptyNest')).toBe(false);
    expect(filled.errors.filter((e) => e.path === 'living')).toEqual([]);
  });

  it('tells footer rows from data rows', () => {
    expect(isFooterRow(['填表人：测试', undefined, '审核人：'])).toBe(true);
    expect(isFooterRow([undefined, '填表日期：2025年7月1日'])).toBe(true);
    expect(isFooterRow(['合计', 120])).toBe(true);
    expect(isFooterRow(['联系电话：0750-3100000'])).toBe(true);
    expect(isFooterRow(['联系电话', '电话'])).toBe(false);
    expect(isFooterRow([1, '测试老人'])).toBe(false);
    expect(isFooterRow(['测试老人', '女'])).toBe(false);
  });
});

describe('validation messages a person reads', () => {
  it('names the field by its label in a plain sentence, never a type, an enum or a path', () => {
    const result = parseOrErrors(makeRegistrationSchema(), { name: '', gender: 'x', living: 'alone' });
    if (result.ok) throw new Error('should fail');
    const messages = labelForm(result.errors).map((e) => e.message);
    expect(messages).toContain('姓名：不能为空 / Name: Must not be empty');
    expect(messages).toContain('性别：请从给定的选项中选择 / Gender: Choose one of the options given');
    expect(messages).toContain('出生日期：请填写 / Date of birth: Please fill this in');
    for (const m of messages) {
      expect(m).not.toMatch(/string|expected|期望|male|undefined|region\.|>=|<=/);
      expect(m).toMatch(/^[\u4e00-\u9fff（）、]+：/);
    }
    expect(formLabel('emergencyContacts.2.phone')).toEqual(['紧急联系人电话', 'Emergency contact phone']);
  });
});
