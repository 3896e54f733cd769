import { describe, expect, it } from 'vitest';
import { matchHeaders } from '../../shared/import/headers.js';
import { prepareRegisterRow } from '../../shared/import/rows.js';
import { makeIdNumber } from '../../shared/registration/id-number.js';
import { policy } from '../support/builders.js';

// a county sheet with the reference's columns: assessment, household, 户籍, certificate, 特困
const HEADERS = [
  '姓名',
  '性别',
  '出生日期',
  '身份证号',
  '联系电话',
  '住址',
  '县（市、区）',
  '镇（街道）',
  '村（居）',
  '居住情况',
  '能力评估得分',
  '能力评估日期',
  '能力评估机构',
  '配偶居住地',
  '子女数',
  '同区县居住子女数',
  '子女外出务工起始日期',
  '户籍类型',
  '残疾类别',
  '残疾证等级',
  '残疾人证号',
  '特困',
];
const { columns, unknown } = matchHeaders(HEADERS);
const id = makeIdNumber('440781', '1944-03-02', 12);

const row = (over: Partial<Record<(typeof HEADERS)[number], string>> = {}) =>
  HEADERS.map(
    (h) =>
      ({
        姓名: '测试老人',
        性别: '女',
        出生日期: '1944年3月2日',
        身份证号: id,
        联系电话: '13800138011',
        住址: '台山市台城街道测试路2号',
        '县（市、区）': '台山市',
        '镇（街道）': '台城街道',
        '村（居）': '城东村',
        居住情况: '独居',
        能力评估得分: '65分',
        能力评估日期: '2025/3/1',
        能力评估机构: '台山市评估机构',
        配偶居住地: '丧偶',
        子女数: '2人',
        同区县居住子女数: '0',
        子女外出务工起始日期: '2024-12-01',
        户籍类型: '农村',
        残疾类别: '肢体',
        残疾证等级: '二级',
        残疾人证号: `${id}42`,
        特困: '是',
        ...over,
      })[h],
  );

describe('import: the columns of the reference definitions', () => {
  it('every column is recognised', () => {
    expect(unknown).toEqual([]);
  });

  it('reads assessment, household, registered home, certificate and 特困 into the form', () => {
    const result = prepareRegisterRow(columns, row(), policy);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.registration).toMatchObject({
      assessment: { score: 65, date: '2025-03-01', organisation: '台山市评估机构' },
      ability: 'moderate',
      household: { partner: 'none', children: 2, childrenNearby: 0, childrenAwaySince: '2024-12-01' },
      registeredHome: 'rural',
      disabilityCertificate: { type: 'physical', grade: 2, number: `${id}42` },
      disabilityGrade: 2,
      extremePoverty: true,
    });
  });

  it('a score over 100 or a word for a count is refused naming the column', () => {
    const result = prepareRegisterRow(columns, row({ 能力评估得分: '120', 子女数: '两个' }), policy);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.column)).toEqual(['能力评估得分', '子女数']);
    expect(result.errors[0]?.message).toMatch(/无法识别.*0-100/);
  });
});
