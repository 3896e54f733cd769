import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchHeaders } from '../../shared/import/headers.js';
import { changedFields, overlayMerge, overlayRegister } from '../../shared/import/merge.js';
import type { Cell } from '../../shared/import/read.js';
import { prepareMergeRow, prepareRegisterRow } from '../../shared/import/rows.js';
import { parseRegistration } from '../../shared/register/service.js';
import { makeIdNumber } from '../../shared/registration/id-number.js';
import type { RegistrationInput } from '../../shared/registration/schema.js';
import { aRegistration, policy } from '../support/builders.js';

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
  '失能等级',
  '残疾等级',
  '紧急联系人',
  '紧急联系人关系',
  '紧急联系人电话',
];
const { columns } = matchHeaders(HEADERS);

/** A registration as a county would type it into the template. */
function cellsOf(r: RegistrationInput): Cell[] {
  const [y, m, d] = r.birthDate.split('-').map(Number);
  const contact = r.emergencyContacts?.[0];
  return [
    r.name,
    r.gender === 'male' ? '男' : '女',
    `${y}年${m}月${d}日`,
    r.idNumber,
    r.phone,
    r.address,
    r.region.county,
    r.region.township,
    r.region.village,
    { alone: '独居', couple: '两老共同居住', withFamily: '与子女同住', other: '其他' }[r.living],
    '',
    '',
    contact?.name,
    contact ? '子女' : undefined,
    contact?.phone,
  ];
}

describe('prepareRegisterRow', () => {
  it('gives the same registration the form gives for the same person', () => {
    const input = aRegistration({
      living: 'alone',
      emergencyContacts: [{ name: '测试家属1', relation: 'child', phone: '13800139001' }],
    });
    const row = prepareRegisterRow(columns, cellsOf(input), policy);
    expect(row.ok && row.registration).toEqual(parseRegistration(policy, input));
  });

  it('fills blank 失能等级 as intact and blank 残疾等级 as none', () => {
    const row = prepareRegisterRow(columns, cellsOf(aRegistration()), policy);
    expect(row.ok && row.registration.ability).toBe('intact');
    expect(row.ok && row.registration.disabilityGrade).toBeUndefined();
  });

  it('reports each problem once, with the field, the column and a bilingual message', () => {
    const cells = cellsOf(aRegistration());
    cells[1] = '未知';
    cells[4] = '12345';
    cells[7] = '';
    const row = prepareRegisterRow(columns, cells, policy);
    expect(row.ok).toBe(false);
    expect(!row.ok && row.errors).toEqual([
      {
        path: 'gender',
        column: '性别',
        message: expect.stringMatching(/无法识别的取值.*Unrecognised value/),
      },
      { path: 'region.township', column: '镇（街道）', message: '不能为空 / Must not be empty' },
      { path: 'phone', column: '联系电话', message: expect.stringMatching(/电话号码无效.*Not a valid/) },
    ]);
  });

  it('asks for every part of an emergency contact once one part is filled', () => {
    const cells = cellsOf(aRegistration());
    cells[12] = '测试家属2';
    cells[13] = undefined;
    cells[14] = undefined;
    const row = prepareRegisterRow(columns, cells, policy);
    expect(!row.ok && row.errors.map((e) => e.column)).toEqual(['紧急联系人关系', '紧急联系人电话']);
  });

  it('applies the form’s own cross-field rules (ID number against birth date)', () => {
    const cells = cellsOf(aRegistration());
    cells[2] = '1950-01-01';
    const row = prepareRegisterRow(columns, cells, policy);
    expect(!row.ok && row.errors).toEqual([
      expect.objectContaining({
        path: 'idNumber',
        column: '身份证号',
        message: expect.stringMatching(/出生日期/),
      }),
    ]);
  });

  it('never throws on malformed rows: it returns errors (property)', () => {
    const cell: fc.Arbitrary<Cell> = fc.oneof(
      fc.constant(undefined),
      fc.string(),
      fc.constantFrom('是', '否', '男', '未知', '1945年13月40日', '4.40703E+17', '蓬江', '√', '一级', '  '),
      fc.double(),
      fc.boolean(),
      fc.date({ noInvalidDate: false }),
    );
    const rows = fc.array(cell, { maxLength: HEADERS.length + 3 });
    fc.assert(
      fc.property(rows, (cells) => {
        const register = prepareRegisterRow(columns, cells, policy);
        if (!register.ok) expect(register.errors.length).toBeGreaterThan(0);
        const merge = prepareMergeRow(columns, cells, policy);
        if (!merge.ok) expect(merge.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('prepareMergeRow', () => {
  const merge = matchHeaders(['身份证号', '姓名', '残疾等级', '失能等级']).columns;
  const id = makeIdNumber('440703', '1950-01-01', 11);

  it('needs a valid ID number and nothing else', () => {
    const row = prepareMergeRow(merge, [id, '', '二级', ''], policy);
    expect(row.ok && [row.idNumber, [...row.values]]).toEqual([
      id,
      [
        ['idNumber', id],
        ['disabilityGrade', 2],
      ],
    ]);
    expect(prepareMergeRow(merge, ['', '测试老人1', '二级'], policy)).toEqual({
      ok: false,
      errors: [
        { path: 'idNumber', column: '身份证号', message: expect.stringMatching(/合并数据须有身份证号/) },
      ],
    });
    const wrongCheck = `${id.slice(0, 17)}${id[17] === '1' ? '2' : '1'}`;
    expect(prepareMergeRow(merge, [wrongCheck, '', '二级'], policy)).toEqual({
      ok: false,
      errors: [{ path: 'idNumber', column: '身份证号', message: expect.stringMatching(/校验位/) }],
    });
  });
});

describe('overlays', () => {
  const existing = parseRegistration(
    policy,
    aRegistration({
      living: 'withFamily',
      language: 'cmn',
      emergencyContacts: [
        { name: '测试家属1', relation: 'child', phone: '13800139001' },
        { name: '测试家属2', relation: 'neighbour', phone: '13800139002' },
      ],
    }),
  );

  it('merge mode lays only the given cells over the record', () => {
    const merged = overlayMerge(
      existing,
      new Map<string, unknown>([
        ['idNumber', existing.idNumber],
        ['ability', 'severe'],
      ]),
    );
    expect(merged).toEqual({ ...existing, ability: 'severe' });
    expect(changedFields(existing, parseRegistration(policy, merged))).toEqual(['ability']);
  });

  it('merge mode clears the disability grade for 无', () => {
    const withGrade = { ...existing, disabilityGrade: 2 };
    expect(overlayMerge(withGrade, new Map([['disabilityGrade', null]]))).not.toHaveProperty(
      'disabilityGrade',
    );
  });

  it('register mode keeps fields the sheet has no column for, and the other emergency contacts', () => {
    const row = parseRegistration(
      policy,
      aRegistration({
        ...existing,
        language: 'yue',
        living: 'alone',
        emergencyContacts: [{ name: '测试家属1', relation: 'child', phone: '13800139009' }],
      }),
    );
    const values = new Map<string, unknown>([['emergencyContacts.0.name', '测试家属1']]);
    const merged = parseRegistration(
      policy,
      overlayRegister(existing, row, values, new Set(columns.map((c) => c.spec.path))),
    );
    expect(merged.language).toBe('cmn');
    expect(merged.living).toBe('alone');
    expect(merged.emergencyContacts.map((c) => [c.name, c.phone])).toEqual([
      ['测试家属1', '+8613800139009'],
      ['测试家属2', '+8613800139002'],
    ]);
    expect(changedFields(existing, merged)).toEqual(['emergencyContacts', 'living']);
  });

  it('sees no change between a record and itself, whatever the key order', () => {
    const reordered = Object.fromEntries(Object.entries(existing).reverse()) as typeof existing;
    expect(changedFields(existing, reordered)).toEqual([]);
  });
});
