import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { makePolicyConfig } from '../../shared/config.js';
import {
  buildMonthlyReport,
  type MonthlyRow,
  median,
  type ReportCase,
  type ReportContact,
  type ReportElder,
  type ReportVisit,
} from '../../shared/reports/monthly.js';
import { openObligations } from '../../shared/reports/open.js';
import { monthlySheet, openObligationsSheet, toCsv } from '../../shared/reports/table.js';
import { toXlsx } from '../../shared/reports/xlsx.js';
import type { VisitMode } from '../../shared/visits/schema.js';

const policy = makePolicyConfig();
const MONTH = '2025-07';
/** a past month: the report is read on 5 August */
const TODAY = '2025-08-05';

/** An elder of Pengjiang (440703) with the report's fields; registered in January, active, accepted. */
function anElder(id: string, over: Partial<ReportElder> & { township?: string } = {}): ReportElder {
  const { township = '潮连街道', ...rest } = over;
  return {
    id,
    name: `老人${id}`,
    category: 'C',
    region: { county: '440703', township, village: township === '潮连街道' ? '芝山村' : '南芬村' },
    living: 'withFamily',
    emptyNest: false,
    leftBehind: false,
    ability: 'intact',
    familyPlanningSpecial: false,
    consent: 'accepted',
    status: 'active',
    registeredOn: '2025-01-15',
    ...rest,
  };
}
const visit = (elderId: string, mode: VisitMode, visitedOn: string): ReportVisit => ({
  elderId,
  mode,
  visitedOn,
});

// The hand-computed month (July 2025, Pengjiang; two townships: 潮连街道 and 棠下镇).
const elders: ReportElder[] = [
  // e1 A, lives alone, moderate loss of ability: home visit on 3 July → monthly met, home met
  // (aged 85: 高龄)
  anElder('e1', {
    category: 'A',
    living: 'alone',
    ability: 'moderate',
    contactId: 'c1',
    birthDate: '1940-01-01',
    lowIncome: true,
  }),
  // e2 A, empty-nest, family-planning special family: only a phone call → monthly and home not met (missed)
  anElder('e2', {
    category: 'A',
    living: 'couple',
    emptyNest: true,
    familyPlanningSpecial: true,
    contactId: 'c1',
  }),
  // e3 B, alone, disability grade 2: video in July, home visit only in March (first half-year)
  anElder('e3', { category: 'B', living: 'alone', disabilityGrade: 2, contactId: 'c1' }),
  // e4 B, left-behind, disability grade 1: home visit in July → monthly and half-year home met
  anElder('e4', {
    category: 'B',
    leftBehind: true,
    disabilityGrade: 1,
    township: '棠下镇',
    contactId: 'c2',
  }),
  // e5 C: home visit in February (year met), nothing in July (not reached); a home visit on 1 August
  anElder('e5', { category: 'C', township: '棠下镇', contactId: 'c2' }),
  // e6 C, alone, refused the service
  anElder('e6', { category: 'C', living: 'alone', consent: 'refused', township: '棠下镇' }),
  // e7 registered after the month: not counted
  anElder('e7', { category: 'C', township: '棠下镇', registeredOn: '2025-08-02' }),
  // e8 died since: not counted, but the visit made to it in July is a visit of the month
  anElder('e8', { category: 'A', status: 'died' }),
];

const visits: ReportVisit[] = [
  // recorded by text, not filled in yet: a visit of the month, counted apart as incomplete
  { ...visit('e1', 'home', '2025-07-03'), complete: false },
  visit('e1', 'automated', '2025-07-10'),
  visit('e2', 'phone', '2025-07-05'),
  visit('e3', 'home', '2025-03-10'),
  visit('e3', 'video', '2025-07-20'),
  // gas found unsafe, referred, by the contact with a social worker
  {
    ...visit('e4', 'home', '2025-07-08'),
    safetyRisks: ['gas'],
    referrals: '转介燃气公司检修',
    visitorKinds: ['contact', 'socialWorker'],
    complete: true,
  },
  visit('e5', 'home', '2025-02-01'),
  visit('e5', 'home', '2025-08-01'),
  visit('e8', 'phone', '2025-07-02'),
];

const contacts: ReportContact[] = [
  { id: 'c1', name: '陈联系', county: '440703', township: '潮连街道' },
  { id: 'c2', name: '李联系', county: '440703', township: '棠下镇' },
  { id: 'c3', name: '王联系', county: '440704', township: '外海街道' },
];

// times in UTC; Asia/Shanghai is UTC+8
const cases: ReportCase[] = [
  // k1 opened 10 July, acknowledged after 30 minutes, closed in July
  {
    county: '440703',
    township: '潮连街道',
    openedAt: '2025-07-10T02:00:00.000Z',
    acknowledgedAt: '2025-07-10T02:30:00.000Z',
    closedAt: '2025-07-10T05:00:00.000Z',
  },
  // k2 opened 20 July, acknowledged after 10 minutes, still open
  {
    county: '440703',
    township: '棠下镇',
    openedAt: '2025-07-20T01:00:00.000Z',
    acknowledgedAt: '2025-07-20T01:10:00.000Z',
  },
  // k3 opened 30 June 23:30 Shanghai (June), closed 1 July: closed in July only
  {
    county: '440703',
    township: '棠下镇',
    openedAt: '2025-06-30T15:30:00.000Z',
    closedAt: '2025-07-01T01:00:00.000Z',
  },
  // k4 opened 1 August 00:30 Shanghai: not July
  { county: '440703', township: '潮连街道', openedAt: '2025-07-31T16:30:00.000Z' },
  // k5 opened 31 July 23:00 Shanghai, acknowledged 1 August: opened in July, not in the median
  {
    county: '440703',
    township: '潮连街道',
    openedAt: '2025-07-31T15:00:00.000Z',
    acknowledgedAt: '2025-07-31T17:00:00.000Z',
  },
  // k6 opened 15 July, acknowledged after 60 minutes, closed 16 July
  {
    county: '440703',
    township: '潮连街道',
    openedAt: '2025-07-15T00:00:00.000Z',
    acknowledgedAt: '2025-07-15T01:00:00.000Z',
    closedAt: '2025-07-16T00:00:00.000Z',
  },
];

const input = {
  month: MONTH,
  today: TODAY,
  counties: policy.counties,
  lossOfAbilityFrom: policy.lossOfAbilityFrom,
  elders,
  visits,
  cases,
  contacts,
};

const countyReport = () => buildMonthlyReport({ ...input, scope: { county: '440703' } });

/** The expected total of Pengjiang in July 2025, computed by hand from the records above. */
const expectedPengjiang: Omit<MonthlyRow, 'county' | 'countyName' | 'township'> = {
  elders: 6, // e1..e6
  byCategory: { A: 2, B: 2, C: 2 },
  byType: {
    livingAlone: 3, // e1 e3 e6
    emptyNest: 1, // e2 (the reference's 空巢 is two elders together, not living alone)
    leftBehind: 1, // e4
    lossOfAbility: 1, // e1 (moderate: 65 points or below)
    severeDisability: 2, // e3 e4
    familyPlanningSpecial: 1, // e2
    advancedAge: 1, // e1 (85)
    lowIncome: 1, // e1
    extremePoverty: 0,
  },
  // elders, not visits: e1 (home and automated), e2 (phone), e3 (video), e4 (home)
  eldersVisited: { any: 4, home: 2, remote: 2, automated: 1 },
  visitsIncomplete: 1, // e1's text
  problemsFound: 1, // e4's gas
  referrals: 1,
  urgentHelp: 0,
  visitorsByKind: {
    contact: 1,
    committee: 0,
    socialWorker: 1,
    cadre: 0,
    gridWorker: 0,
    volunteer: 0,
    other: 0,
  },
  contacts: 2, // c1 c2 (c3 is Jianghai's)
  visits: { home: 2, phone: 2, video: 1, automated: 1 }, // July only; e8's phone call included
  visitRate: { served: 5, met: 3, rate: 0.6 }, // e1 e3 e4 met; e2 (no home visit) and e5 not
  homeCompliance: {
    A: { served: 2, met: 1, rate: 0.5, missed: 1 }, // e2 missed July's home visit
    B: { served: 2, met: 1, rate: 0.5, missed: 0 }, // e4; e3's March visit is the first half-year
    C: { served: 1, met: 1, rate: 1, missed: 0 }, // e5's February home visit
  },
  refused: 1, // e6
  casesOpened: 4, // k1 k2 k5 k6
  casesClosed: 3, // k1 k3 k6
  medianAckMinutes: 30, // 10, 30, 60
  notReached: 1, // e5
};

describe('the monthly report of a hand-computed month', () => {
  it('gives the county total computed by hand', () => {
    const report = countyReport();
    expect(report.scope).toEqual({ county: '440703', countyName: '蓬江区', township: null });
    expect(report.asOf).toBe('2025-07-31');
    expect(report.total).toEqual({
      county: '440703',
      countyName: '蓬江区',
      township: null,
      ...expectedPengjiang,
    });
  });

  it('gives one row per township of a county', () => {
    const [chaolian, tangxia, ...rest] = countyReport().rows;
    expect(rest).toEqual([]);
    expect(chaolian).toMatchObject({
      township: '潮连街道',
      elders: 3,
      byCategory: { A: 2, B: 1, C: 0 },
      byType: { livingAlone: 2, emptyNest: 1, lossOfAbility: 1, severeDisability: 1 },
      contacts: 1,
      visits: { home: 1, phone: 2, video: 1, automated: 1 },
      visitRate: { served: 3, met: 2, rate: 0.6667 },
      homeCompliance: { B: { served: 1, met: 0, rate: 0 }, C: { served: 0, rate: null } },
      casesOpened: 3,
      casesClosed: 2,
      medianAckMinutes: 45,
      notReached: 0,
    });
    expect(tangxia).toMatchObject({
      township: '棠下镇',
      elders: 3,
      byCategory: { A: 0, B: 1, C: 2 },
      visitRate: { served: 2, met: 1, rate: 0.5 },
      refused: 1,
      casesOpened: 1,
      casesClosed: 1,
      medianAckMinutes: 10,
      notReached: 1,
    });
  });

  it('gives the whole city one row per county and the city total', () => {
    const report = buildMonthlyReport({ ...input, scope: {} });
    expect(report.rows.map((r) => r.county)).toEqual(Object.keys(policy.counties).sort());
    expect(report.rows.find((r) => r.county === '440704')).toMatchObject({ elders: 0, contacts: 1 });
    expect(report.total).toMatchObject({
      ...expectedPengjiang,
      contacts: 3,
      county: null,
      countyName: '江门市',
    });
  });

  it('narrows to one township', () => {
    const report = buildMonthlyReport({ ...input, scope: { county: '440703', township: '棠下镇' } });
    expect(report.rows).toHaveLength(1);
    expect(report.total).toMatchObject({ elders: 3, refused: 1, casesOpened: 1, township: '棠下镇' });
  });

  it('does not change when the month is read later, or with later visits on record', () => {
    const later = buildMonthlyReport({
      ...input,
      today: '2026-03-01',
      scope: { county: '440703' },
      visits: [...visits, visit('e2', 'home', '2025-08-02'), visit('e3', 'home', '2025-09-01')],
    });
    expect(later).toEqual(countyReport());
  });

  it('counts a B half-year home visit as missed only when the half-year ends with the month', () => {
    const june = buildMonthlyReport({ ...input, month: '2025-06', scope: { county: '440703' } });
    // e3's March home visit meets the first half-year; e4 had none before July
    expect(june.total.homeCompliance.B).toEqual({ served: 2, met: 1, rate: 0.5, missed: 1 });
  });

  it('counts loss of ability by the county threshold', () => {
    const strict = buildMonthlyReport({
      ...input,
      lossOfAbilityFrom: () => 'severe',
      scope: { county: '440703' },
    });
    expect(strict.total.byType.lossOfAbility).toBe(0);
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([10, 60, 30, 40])).toBe(35);
    expect(median([])).toBeNull();
  });
});

describe('the open obligations of a month', () => {
  it('lists what is not met, by contact', () => {
    const report = openObligations({ ...input, scope: { county: '440703' } });
    expect(report.count).toBe(3);
    expect(
      report.groups.map((g) => [g.contactName, g.items.map((i) => [i.elderId, i.kind, i.dueBy])]),
    ).toEqual([
      ['李联系', [['e5', 'monthlyVisit', '2025-07-31']]],
      [
        '陈联系',
        [
          ['e2', 'monthlyHomeVisit', '2025-07-31'],
          ['e3', 'halfYearHomeVisit', '2025-12-31'],
        ],
      ],
    ]);
    const sheet = openObligationsSheet(report, '蓬江区');
    expect(sheet.rows[0]).toEqual([
      '李联系',
      '老人e5',
      '棠下镇',
      '南芬村',
      'C类',
      '本月探访（电话、视频或上门）',
      '2025-07-31',
    ]);
  });
});

const HEADER =
  '县（市、区）,镇（街道）,特殊困难老年人总数,A类,B类,C类,独居,空巢,留守,失能,重残,计划生育特殊家庭,' +
  '探访关爱服务联系人数,上门探访次数,电话探访次数,视频探访次数,自动外呼（短信）探访次数,月探访率,' +
  'A类上门达标率,B类上门达标率,C类上门达标率,拒绝服务人数,个案开启数,个案关闭数,确认中位时长（分钟）,本月未联系上人数';

describe('the report as the city form', () => {
  it('writes CSV with a byte-order mark, the title, the exact header row and the total', () => {
    const bytes = toCsv(monthlySheet(countyReport()));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('广东省江门市特殊困难老年人探访关爱服务情况统计表（2025年7月，蓬江区）');
    expect(lines[1]).toBe(HEADER);
    expect(lines[2]).toBe('蓬江区,潮连街道,3,2,1,0,2,1,0,1,1,1,1,1,2,1,1,66.7%,50.0%,0.0%,,0,3,2,45,0');
    expect(lines[4]).toBe('蓬江区合计,,6,2,2,2,3,1,1,1,2,1,2,2,2,1,1,60.0%,50.0%,50.0%,100.0%,1,4,3,30,1');
    expect(lines).toHaveLength(6); // title, header, two townships, total, and the final line end
  });

  it('writes an XLSX that exceljs reads back: title, headers and figures', async () => {
    const buffer = await toXlsx(monthlySheet(buildMonthlyReport({ ...input, scope: {} })));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(buffer as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    expect(sheet.getCell('A1').value).toBe(
      '广东省江门市特殊困难老年人探访关爱服务情况统计表（2025年7月，江门市）',
    );
    const headers = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(headers.join(',')).toBe(HEADER);
    // row 3 is Pengjiang (440703, the first code): 6 elders; the month's rate as a number with a % format
    expect(sheet.getCell('A3').value).toBe('蓬江区');
    expect(sheet.getCell('C3').value).toBe(6);
    expect(sheet.getCell('R3').value).toBe(0.6);
    expect(sheet.getCell('R3').numFmt).toBe('0.0%');
    expect(sheet.getCell('A10').value).toBe('全市合计');
    expect(sheet.getCell('M10').value).toBe(3);
  });
});
