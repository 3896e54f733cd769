import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAbsenceText } from '../../shared/absences/parse.js';
import { parseVisitReply } from '../../shared/homevisits/codes.js';
import { signVisitLink } from '../../shared/homevisits/links.js';
import { toXlsx } from '../../shared/reports/xlsx.js';
import {
  account,
  board,
  dueAction,
  finalRollSheet,
  handOver,
  markNeedsHelp,
  onCheckInOutcome,
  parseRollCallReply,
  type RollCallEntry,
  rollCallState,
  signRollCallLink,
  taskRaised,
  taskSent,
  verifyRollCallLink,
} from '../../shared/rollcall/rollcall.js';

const at = (local: string) => new Date(`${local}+08:00`);
const deadline = at('2025-09-02T12:00:00');
const entry = (over: Partial<RollCallEntry> = {}): RollCallEntry => ({
  campaignId: 'c1',
  elderId: 'e1',
  county: '440781',
  township: '广海镇',
  village: '海边村',
  contactId: 'k1',
  state: 'notReached',
  version: 1,
  ...over,
});

describe('one elder in the roll', () => {
  it('is accounted for by a well answer, and a later silence or redelivery changes nothing', () => {
    const well = onCheckInOutcome(entry(), 'well', at('2025-09-02T08:00:00'));
    expect(well).toMatchObject({ state: 'accountedFor', accounted: { how: 'answeredWell', by: 'elder' } });
    expect(onCheckInOutcome(well, 'notReached', at('2025-09-02T09:00:00'))).toBe(well);
    expect(onCheckInOutcome(well, 'well', at('2025-09-02T09:00:00'))).toBe(well);
    // needs help outranks accounted for
    expect(onCheckInOutcome(well, 'help', at('2025-09-02T09:00:00')).state).toBe('needsHelp');
  });

  it('never moves down, whatever order the outcomes arrive in', () => {
    const step = fc.constantFrom('well', 'help', 'notReached', 'visited', 'family') as fc.Arbitrary<string>;
    const rank = { notReached: 0, accountedFor: 1, needsHelp: 2 } as const;
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        let e = entry();
        for (const [i, s] of steps.entries()) {
          const t = new Date(at('2025-09-02T06:00:00').getTime() + i * 60_000);
          const before = rank[e.state];
          e =
            s === 'visited'
              ? account(e, 'visited', 'contact:k1', t)
              : s === 'family'
                ? account(e, 'familyConfirmed', 'family', t)
                : onCheckInOutcome(e, s as 'well' | 'help' | 'notReached', t);
          expect(rank[e.state]).toBeGreaterThanOrEqual(before);
        }
      }),
    );
  });

  it('is away while an absence covers now, unless accounted for', () => {
    const trip = [
      {
        id: 'a',
        elderId: 'e1',
        county: '440781',
        township: '广海镇',
        village: '海边村',
        from: '2025-09-01',
        until: '2025-09-05',
        reason: 'away' as const,
        declaredBy: { who: 'family' as const, via: 'text' as const },
        declaredAt: '2025-08-31T00:00:00Z',
      },
    ];
    expect(rollCallState(entry(), trip, at('2025-09-02T08:00:00'))).toBe('away');
    expect(
      rollCallState(markNeedsHelp(entry(), at('2025-09-02T08:00:00')), trip, at('2025-09-02T08:00:00')),
    ).toBe('needsHelp');
  });

  it('gets a visit task after the unanswered check-in, is raised near the deadline, and can be handed over', () => {
    const now = at('2025-09-02T07:00:00');
    expect(dueAction(entry(), { checkInUnanswered: false, away: false, deadline, now })).toBeUndefined();
    expect(dueAction(entry(), { checkInUnanswered: true, away: true, deadline, now })).toBeUndefined();
    expect(dueAction(entry(), { checkInUnanswered: true, away: false, deadline, now })).toBe('sendTask');
    const sent = taskSent(entry(), 'k1', now);
    expect(dueAction(sent, { checkInUnanswered: true, away: false, deadline, now })).toBeUndefined();
    const near = at('2025-09-02T10:00:00');
    expect(dueAction(sent, { checkInUnanswered: true, away: false, deadline, now: near })).toBe('raise');
    const raised = taskRaised(sent, near);
    expect(dueAction(raised, { checkInUnanswered: true, away: false, deadline, now: near })).toBeUndefined();
    const moved = handOver(raised, 'k2', 'townshipOperator:gh-op', at('2025-09-02T10:05:00'));
    expect(moved.task).toMatchObject({
      assignee: 'k2',
      handedOver: [{ from: 'k1', by: 'townshipOperator:gh-op' }],
    });
    expect(handOver(moved, 'k2', 'x', near)).toBe(moved);
    const confirmed = account(moved, 'contactConfirmed', 'contact:k2', at('2025-09-02T10:40:00'));
    expect(
      dueAction(confirmed, { checkInUnanswered: true, away: false, deadline, now: near }),
    ).toBeUndefined();
  });
});

describe("a contact's replies", () => {
  it.each<[string, unknown]>([
    ['12 平安', { code: '12', answer: 'accounted' }],
    ['１２ 好', { code: '12', answer: 'accounted' }],
    ['12已见到', { code: '12', answer: 'accounted' }],
    ['105 需要帮助', { code: '105', answer: 'needsHelp' }],
    ['12 1', undefined],
    ['平安', undefined],
    ['12 外出3天', undefined],
  ])('%s', (text, want) => expect(parseRollCallReply(text)).toEqual(want));

  it('never overlaps the visit replies or the absence texts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 999 }), fc.string({ maxLength: 8 }), (code, word) => {
        const text = `${code} ${word}`;
        if (parseRollCallReply(text)) {
          expect(parseVisitReply(text)).toBeUndefined();
          expect(parseAbsenceText(text, '2025-09-01')).toBeUndefined();
        }
      }),
    );
  });
});

describe('the one-tap link', () => {
  const secret = 's'.repeat(40);
  const link = { campaignId: 'c1', elderId: 'e1', contactId: 'k1', expiresAt: at('2025-09-03T12:00:00') };
  it('verifies its own token until it expires, and nothing else', () => {
    const token = signRollCallLink(secret, link);
    expect(verifyRollCallLink(secret, token, deadline)).toEqual({
      campaignId: 'c1',
      elderId: 'e1',
      contactId: 'k1',
    });
    expect(verifyRollCallLink(secret, token, at('2025-09-03T12:00:00'))).toBeUndefined();
    expect(verifyRollCallLink('t'.repeat(40), token, deadline)).toBeUndefined();
    // a visit link signed with the same secret is not a roll-call link
    const visit = signVisitLink(secret, { elderId: 'e1', contactId: 'k1', expiresAt: link.expiresAt });
    expect(verifyRollCallLink(secret, visit, deadline)).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(verifyRollCallLink(secret, s, deadline)).toBeUndefined();
      }),
    );
  });
});

describe('the board and the final roll', () => {
  it('counts every level so that each sums to its children, lists who is not reached, and the time left', () => {
    const arb = fc.array(
      fc.record({
        county: fc.constantFrom('440781', '440705'),
        township: fc.constantFrom('广海镇', '海宴镇'),
        village: fc.constantFrom('甲村', '乙村'),
        contact: fc.constantFrom('k1', 'k2'),
        state: fc.constantFrom('notReached', 'accountedFor', 'needsHelp') as fc.Arbitrary<
          RollCallEntry['state']
        >,
        away: fc.boolean(),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(arb, (rows) => {
        const entries = rows.map((r, i) =>
          entry({
            elderId: `e${i}`,
            county: r.county,
            township: r.township,
            village: r.village,
            contactId: r.contact,
            state: r.state,
          }),
        );
        const away = new Set(rows.flatMap((r, i) => (r.away ? [`e${i}`] : [])));
        const b = board(entries, (id) => away.has(id), deadline, at('2025-09-02T09:30:00'));
        expect(b.minutesLeft).toBe(150);
        expect(b.totals.total).toBe(entries.length);
        expect(b.totals.accountedFor + b.totals.needsHelp + b.totals.away + b.totals.notReached).toBe(
          entries.length,
        );
        const check = (n: { total: number; children?: { total: number }[] }) => {
          if (n.children) expect(n.children.reduce((s, c) => s + c.total, 0)).toBe(n.total);
          for (const c of n.children ?? []) check(c as typeof n);
        };
        for (const c of b.counties) check(c);
        expect(b.notReached).toHaveLength(b.totals.notReached);
      }),
    );
  });

  it('writes the final roll as XLSX', async () => {
    const done = account(entry(), 'contactConfirmed', 'contact:k1', at('2025-09-02T10:40:00'));
    const sheet = finalRollSheet({ id: 'c1', title: '台风「桦加沙」台山' }, [
      { entry: done, state: 'accountedFor', name: '林小红', contactName: '陈主任' },
      { entry: entry({ elderId: 'e2' }), state: 'notReached', name: '黄大明' },
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await toXlsx(sheet)) as unknown as ArrayBuffer);
    const ws = workbook.worksheets[0];
    expect(ws?.getRow(1).getCell(1).value).toBe('台风「桦加沙」台山 点名结果');
    expect(ws?.getRow(3).values).toEqual(
      expect.arrayContaining([
        '林小红',
        '已确认平安',
        '联系人确认',
        'contact:k1',
        '2025-09-02 10:40',
        '陈主任',
      ]),
    );
    expect(ws?.getRow(4).getCell(5).value).toBe('未联系上');
  });
});
