import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FESTIVALS, festivalTemplates } from '../../shared/campaigns/festivals.js';
import { CAMPAIGN_KINDS } from '../../shared/campaigns/kinds.js';
import {
  carrierSmsParts,
  checkFrequency,
  DEFAULT_CARRIER_RULES,
  mayReachNow,
  perMinuteHourDay,
} from '../../shared/carriers/rules.js';
import {
  aliyunBody,
  checkTemplateCatalogue,
  renderTemplate,
  TEXT_KINDS,
  TEXT_TEMPLATES,
  TemplateViolation,
  tencentBody,
  toTemplateSend,
} from '../../shared/carriers/templates.js';
import {
  ackConfirmText,
  caseClosedText,
  checkInText,
  optOutConfirmText,
  optOutNoticeText,
  replyHelpText,
} from '../../shared/phone/texts.js';

const at = (iso: string) => new Date(iso);
const aliyunVoice = DEFAULT_CARRIER_RULES.aliyun.voice;

describe('per-callee frequency limits', () => {
  it('uses the documented Alibaba defaults: 1 a minute, 5 an hour, 20 a day', () => {
    expect(aliyunVoice.windows).toEqual(perMinuteHourDay(1, 5, 20));
  });

  it('allows the first call and holds the second within the minute until the minute is over', () => {
    expect(checkFrequency([], at('2026-12-08T02:00:00Z'), aliyunVoice)).toEqual({ allowed: true });
    const verdict = checkFrequency(['2026-12-08T02:00:00Z'], at('2026-12-08T02:00:30Z'), aliyunVoice);
    expect(verdict).toMatchObject({ allowed: false, until: at('2026-12-08T02:01:00Z'), reason: 'window' });
  });

  it('counts the hour from the first call, as Alibaba documents (12:01 … 12:59, the sixth at 13:01)', () => {
    const calls = ['04:01', '04:15', '04:30', '04:45', '04:59'].map((m) => `2026-12-08T${m}:00Z`);
    expect(checkFrequency(calls, at('2026-12-08T05:00:00Z'), aliyunVoice)).toMatchObject({
      allowed: false,
      until: at('2026-12-08T05:01:00Z'),
    });
    expect(checkFrequency(calls, at('2026-12-08T05:01:00Z'), aliyunVoice)).toEqual({ allowed: true });
  });

  it('never allows more calls in any window than the limit, whatever the history', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 * 86_400 }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 3 * 86_400 }),
        (offsets, nowOffset) => {
          const base = Date.parse('2026-12-01T00:00:00Z');
          // build a history the rule itself let through, then ask once more
          const accepted: number[] = [];
          for (const o of [...offsets].sort((a, b) => a - b)) {
            const t = new Date(base + o * 1000);
            if (
              checkFrequency(
                accepted.map((x) => new Date(x)),
                t,
                aliyunVoice,
              ).allowed
            )
              accepted.push(t.getTime());
          }
          for (const window of aliyunVoice.windows) {
            for (const t of accepted) {
              const inside = accepted.filter((x) => x > t - window.seconds * 1000 && x <= t).length;
              expect(inside).toBeLessThanOrEqual(window.max);
            }
          }
          const now = new Date(base + nowOffset * 1000);
          const verdict = checkFrequency(
            accepted.map((x) => new Date(x)),
            now,
            aliyunVoice,
          );
          if (!verdict.allowed) {
            expect(verdict.until.getTime()).toBeGreaterThan(now.getTime());
            expect(
              checkFrequency(
                accepted.map((x) => new Date(x)),
                verdict.until,
                aliyunVoice,
              ),
            ).toEqual({ allowed: true });
          }
        },
      ),
    );
  });

  it("keeps Tencent's one call a night per callee (22:00-08:00 Beijing time)", () => {
    const tencent = DEFAULT_CARRIER_RULES.tencent.voice;
    // 23:00 and 23:30 Beijing time = 15:00 and 15:30 UTC
    expect(checkFrequency([], at('2026-12-08T15:00:00Z'), tencent)).toEqual({ allowed: true });
    expect(checkFrequency(['2026-12-08T15:00:00Z'], at('2026-12-08T15:30:00Z'), tencent)).toMatchObject({
      allowed: false,
      reason: 'night',
      until: at('2026-12-09T00:00:00Z'),
    });
  });
});

describe('quiet hours', () => {
  it("never reaches an elder in Anxin's quiet hours, and nobody in Tencent's", () => {
    // 21:30 Beijing time
    expect(mayReachNow(at('2026-12-08T13:30:00Z'), { carrier: 'aliyun', toElder: true })).toBe(false);
    expect(mayReachNow(at('2026-12-08T13:30:00Z'), { carrier: 'aliyun', toElder: false })).toBe(true);
    // 22:30 Beijing time
    expect(mayReachNow(at('2026-12-08T14:30:00Z'), { carrier: 'tencent', toElder: false })).toBe(false);
    // 10:00 Beijing time
    expect(mayReachNow(at('2026-12-08T02:00:00Z'), { carrier: 'tencent', toElder: true })).toBe(true);
    expect(
      mayReachNow(at('2026-12-08T02:00:00Z'), {
        carrier: 'aliyun',
        toElder: false,
        quietHours: { from: '09:00', until: '11:00' },
      }),
    ).toBe(false);
  });
});

describe('SMS parts as the carriers count them', () => {
  it('bills 70 characters as one part and 67 per part beyond, signature included', () => {
    expect(carrierSmsParts('')).toBe(0);
    expect(carrierSmsParts('安'.repeat(70))).toBe(1);
    expect(carrierSmsParts('安'.repeat(71))).toBe(2);
    expect(carrierSmsParts('安'.repeat(134))).toBe(2);
    expect(carrierSmsParts('安'.repeat(135))).toBe(3);
    // the documented example: 160 characters are 67 + 67 + 26
    expect(carrierSmsParts('a'.repeat(160))).toBe(3);
    expect(carrierSmsParts('😀'.repeat(70))).toBe(1);
  });
});

describe('template catalogue', () => {
  it('renders exactly the texts the phone engine sends today, where their words are unchanged', () => {
    expect(renderTemplate('checkIn', { name: '陈伯' })).toBe(checkInText('陈伯'));
    expect(renderTemplate('ackConfirm', { code: '37' })).toBe(ackConfirmText('37'));
    expect(renderTemplate('caseClosed', { name: '陈伯', code: '37' })).toBe(caseClosedText('陈伯', '37'));
    expect(renderTemplate('replyHelp', {})).toBe(replyHelpText());
    expect(renderTemplate('optOutConfirm', {})).toBe(optOutConfirmText());
    expect(renderTemplate('optOutNotice', { village: '冲蒌村', name: '陈伯' })).toBe(
      optOutNoticeText('陈伯', '冲蒌村'),
    );
    for (const festival of festivalTemplates(2027)) {
      expect(renderTemplate(`festival.${festival.id}`, {})).toBe(festival.messages.text);
    }
  });

  it('has a template for every campaign kind and festival, none of them all variables or holding 【】', () => {
    for (const kind of CAMPAIGN_KINDS.filter((k) => k !== 'festival'))
      expect(TEXT_KINDS).toContain(`campaign.${kind}`);
    for (const festival of FESTIVALS) expect(TEXT_KINDS).toContain(`festival.${festival}`);
    const ids = Object.fromEntries(TEXT_KINDS.map((k, i) => [k, `SMS_${i}`]));
    expect(checkTemplateCatalogue({ aliyun: ids, tencent: ids }, ['aliyun', 'tencent'])).toEqual([]);
    expect(checkTemplateCatalogue({ aliyun: ids }, ['aliyun', 'tencent'])).toHaveLength(TEXT_KINDS.length);
  });

  it('keeps every template with typical values to one SMS part', () => {
    const typical: Record<string, string> = {
      name: '陈阿婆',
      village: '冲蒌镇新昌村',
      code: '37',
      answer: '已上门探访,需跟进(已建跟进事项)',
      visits: '12',
      overdue: '3',
      followUps: '4',
      township: '冲蒌镇',
      total: '9',
    };
    for (const kind of TEXT_KINDS) {
      const values = Object.fromEntries(TEXT_TEMPLATES[kind].variables.map((v) => [v, typical[v] ?? 'x']));
      expect(carrierSmsParts(renderTemplate(kind, values)), kind).toBe(1);
    }
  });

  it('sends Alibaba named parameters and Tencent numbered ones, from the configured ids', () => {
    const ids = { aliyun: { caseNeedsHelp: 'SMS_465' }, tencent: { caseNeedsHelp: '1987' } };
    const values = { village: '冲蒌村', name: '陈伯', code: '37' };
    expect(toTemplateSend('aliyun', 'caseNeedsHelp', values, ids)).toEqual({
      carrier: 'aliyun',
      kind: 'caseNeedsHelp',
      templateId: 'SMS_465',
      params: { village: '冲蒌村', name: '陈伯', code: '37' },
      text: '【安心】冲蒌村陈伯按键求助，请尽快联系或上门。收到请回复37',
      parts: 1,
    });
    expect(toTemplateSend('tencent', 'caseNeedsHelp', values, ids).params).toEqual(['冲蒌村', '陈伯', '37']);
    expect(tencentBody('caseNeedsHelp')).toBe('{1}{2}按键求助，请尽快联系或上门。收到请回复{3}');
    expect(aliyunBody('caseClosed')).toBe('$' + '{name}已回复平安，个案$' + '{code}已关闭，谢谢。');
  });

  it('refuses what the carrier would refuse, naming every problem', () => {
    const ids = { aliyun: { optOutNotice: 'SMS_1' } };
    const attempt = () =>
      toTemplateSend(
        'aliyun',
        'optOutNotice',
        { village: '【测试】村', name: '名'.repeat(36), extra: 'x' },
        ids,
      );
    expect(attempt).toThrow(TemplateViolation);
    try {
      attempt();
    } catch (error) {
      expect((error as TemplateViolation).problems).toEqual([
        'village holds a character or link the carrier refuses',
        'name is longer than 35 characters',
        'extra is not a variable of optOutNotice',
      ]);
    }
    expect(() => toTemplateSend('tencent', 'optOutNotice', { village: 'a', name: 'b' }, ids)).toThrow(
      /no tencent template id/,
    );
    expect(() =>
      toTemplateSend('aliyun', 'optOutNotice', { village: 'https://x.cn', name: 'b' }, ids),
    ).toThrow(/link/);
    // Tencent has no per-value limit for an enterprise account
    expect(
      toTemplateSend(
        'tencent',
        'optOutNotice',
        { village: '村'.repeat(40), name: 'b' },
        { tencent: { optOutNotice: '9' } },
      ).parts,
    ).toBe(1);
  });
});
