import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ColumnKind } from '../../shared/import/headers.js';
import { readCell, readDate } from '../../shared/import/values.js';
import { makeIdNumber } from '../../shared/registration/id-number.js';
import { policy } from '../support/builders.js';

const read = (kind: ColumnKind, cell: Parameters<typeof readCell>[1], header = '列') =>
  readCell(kind, cell, header, policy);
const value = (kind: ColumnKind, cell: Parameters<typeof readCell>[1]) => {
  const r = read(kind, cell);
  return r?.ok ? r.value : r;
};

describe('readDate', () => {
  it.each([
    ['1945-07-01', '1945-07-01'],
    ['1945/7/1', '1945-07-01'],
    ['1945/07/01 0:00:00', '1945-07-01'],
    ['1945年7月1日', '1945-07-01'],
    ['１９４５年７月１日', '1945-07-01'],
    ['1945.7.1', '1945-07-01'],
    ['19450701', '1945-07-01'],
  ])('reads %s', (text, iso) => {
    expect(readDate(text)).toBe(iso);
  });

  it('reads Excel date cells by their calendar date, and bare serial numbers', () => {
    expect(readDate(new Date('1945-07-01T00:00:00Z'))).toBe('1945-07-01');
    // a serial that came back a millisecond short of midnight
    expect(readDate(new Date('1945-06-30T23:59:59.999Z'))).toBe('1945-07-01');
    expect(readDate(16619)).toBe('1945-07-01');
    expect(readDate(19450701)).toBe('1945-07-01');
  });

  it('leaves other text to the caller', () => {
    expect(readDate('七月一日')).toBeUndefined();
    expect(readDate('1945-7')).toBeUndefined();
    expect(readDate(new Date(Number.NaN))).toBeUndefined();
  });
});

describe('readCell', () => {
  it('treats blank cells as not given', () => {
    expect(read('gender', undefined)).toBeUndefined();
    expect(read('text', '   ')).toBeUndefined();
  });

  it.each<[ColumnKind, string | number | boolean, unknown]>([
    ['gender', '男', 'male'],
    ['gender', ' 女 ', 'female'],
    ['living', '独居', 'alone'],
    ['living', '两老共同居住', 'couple'],
    ['living', '老年夫妻', 'couple'],
    ['living', '夫妻同住', 'couple'],
    ['living', '与家人同住', 'withFamily'],
    ['living', '与子女同住', 'withFamily'],
    ['living', '其他', 'other'],
    ['flag', '是', true],
    ['flag', '否', false],
    ['flag', 'Y', true],
    ['flag', 'n', false],
    ['flag', 1, true],
    ['flag', '0', false],
    ['flag', '√', true],
    ['flag', true, true],
    ['ability', '能力完好', 'intact'],
    ['ability', '完好', 'intact'],
    ['ability', '轻度失能', 'mild'],
    ['ability', '中度失能', 'moderate'],
    ['ability', '重度失能', 'severe'],
    ['ability', '完全失能', 'total'],
    ['disabilityGrade', '一级', 1],
    ['disabilityGrade', '四级', 4],
    ['disabilityGrade', 2, 2],
    ['disabilityGrade', '３', 3],
    ['disabilityGrade', '无', null],
    ['language', '粤语', 'yue'],
    ['language', '普通话', 'cmn'],
    ['channel', '电话', 'voice'],
    ['channel', '短信', 'sms'],
    ['relation', '子女', 'child'],
    ['relation', '亲属', 'relative'],
    ['relation', '邻居', 'neighbour'],
    ['relation', '村（居）委', 'committee'],
    ['relation', '村(居)委', 'committee'],
    ['consent', '是', 'accepted'],
    ['consent', '接受', 'accepted'],
    ['consent', '否', 'refused'],
    ['consent', '拒绝', 'refused'],
    ['county', '440703', '440703'],
    ['county', 440781, '440781'],
    ['county', '蓬江区', '440703'],
    ['county', '台山市', '440781'],
    ['county', '开平', '440783'],
    ['county', 'Enping', '440785'],
  ])('reads %s %s as %s', (kind, cell, expected) => {
    expect(value(kind, cell)).toEqual(expected);
  });

  it('accepts the English values of the form too', () => {
    expect(value('living', 'withFamily')).toBe('withFamily');
    expect(value('ability', 'SEVERE')).toBe('severe');
    expect(value('relation', 'committee')).toBe('committee');
  });

  it('names the column, and what it accepts, for a value it does not know', () => {
    const r = read('gender', '未知', '性别');
    expect(r).toEqual({ ok: false, message: expect.stringContaining('性别') });
    expect(r?.ok === false && r.message).toMatch(/无法识别的取值.*男、女.*Unrecognised value/);
    expect(read('county', '广州', '县（市、区）')?.ok).toBe(false);
    expect(read('disabilityGrade', '五级')?.ok).toBe(false);
  });

  it('keeps ID numbers as text: leading zeros and a final X stay, x becomes X', () => {
    expect(value('idNumber', '01234567890123456x')).toBe('01234567890123456X');
    expect(value('idNumber', ' 4407031945 0701 0019 ')).toBe('440703194507010019');
  });

  it('accepts an ID number stored as a number only when no digit was lost', () => {
    const lossless = makeIdNumber('440703', '1945-07-01', 1);
    const n = Number(lossless);
    // numbers this large are exact only on multiples of 64: find out rather than assume
    const exact = BigInt(n).toString() === lossless;
    expect(read('idNumber', n)).toEqual(
      exact ? { ok: true, value: lossless } : expect.objectContaining({ ok: false }),
    );
    expect(read('idNumber', 440703194507010000)?.ok).toBe(false);
    expect(read('idNumber', '4.40703E+17')).toEqual({
      ok: false,
      message: expect.stringMatching(/存成了数字/),
    });
  });

  it('gives a landline typed as a number its leading 0 back', () => {
    expect(value('phone', 7503123456)).toBe('07503123456');
    expect(value('phone', 13800138000)).toBe('13800138000');
  });

  it('never throws and never quotes the cell in a message (property)', () => {
    const kinds: ColumnKind[] = [
      'text',
      'optionalText',
      'gender',
      'date',
      'idNumber',
      'phone',
      'county',
      'living',
      'flag',
      'ability',
      'disabilityGrade',
      'language',
      'channel',
      'relation',
      'consent',
    ];
    const secret = fc.stringMatching(/^1380013\d{4}$/);
    fc.assert(
      fc.property(fc.constantFrom(...kinds), secret, (kind, phone) => {
        const r = read(kind, `${phone}测试老人`);
        if (r && !r.ok) expect(r.message).not.toContain(phone);
      }),
    );
  });
});
