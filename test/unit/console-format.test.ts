import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dateTime,
  duration,
  fill,
  integer,
  maskPhone,
  monthOf,
  percent,
  pickLanguage,
  shanghaiInstant,
  smsInfo,
  toCsv,
  todayIn,
  warningText,
} from '../../console/src/format.js';

describe('the SMS counter', () => {
  it('counts one part up to 70 Chinese characters and 67 per part after', () => {
    expect(smsInfo('')).toEqual({ chars: 0, parts: 0 });
    expect(smsInfo('台'.repeat(70))).toEqual({ chars: 70, parts: 1 });
    expect(smsInfo('台'.repeat(71))).toEqual({ chars: 71, parts: 2 });
    expect(smsInfo('台'.repeat(134))).toEqual({ chars: 134, parts: 2 });
    expect(smsInfo('台'.repeat(135))).toEqual({ chars: 135, parts: 3 });
  });

  it('counts 160 plain ASCII characters in one part and 153 per part after', () => {
    expect(smsInfo('a'.repeat(160)).parts).toBe(1);
    expect(smsInfo('a'.repeat(161)).parts).toBe(2);
    // one Chinese character makes the whole text UCS-2
    expect(smsInfo(`${'a'.repeat(70)}台`).parts).toBe(2);
  });

  it('counts characters as a phone does (an emoji is one, not two UTF-16 units)', () => {
    expect(smsInfo('平安🙂').chars).toBe(3);
  });

  it('never counts fewer parts for a longer text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.string({ unit: 'grapheme', minLength: 1 }),
        (text, more) => {
          const before = smsInfo(text);
          const after = smsInfo(text + more);
          return after.parts >= before.parts && after.parts >= 1 && after.parts <= after.chars;
        },
      ),
    );
  });
});

describe('formatting', () => {
  it('shows rates as percentages with one decimal, and a dash for none', () => {
    expect(percent(0.8567)).toBe('85.7%');
    expect(percent(1)).toBe('100.0%');
    expect(percent(0)).toBe('0.0%');
    expect(percent(null)).toBe('—');
  });

  it('groups thousands', () => {
    expect(integer(100000, 'zh')).toBe('100,000');
    expect(integer(100000, 'en')).toBe('100,000');
    expect(integer(undefined, 'en')).toBe('—');
  });

  it('shows instants in China time, 24-hour, whatever the offset they come with', () => {
    expect(dateTime('2025-07-01T01:30:00Z')).toBe('2025-07-01 09:30');
    expect(dateTime('2025-07-01T23:59:00+08:00')).toBe('2025-07-01 23:59');
    expect(dateTime('2025-06-30T16:00:00.000Z')).toBe('2025-07-01 00:00');
    expect(dateTime(undefined)).toBe('—');
    expect(dateTime('not a date')).toBe('—');
  });

  it("takes today's date and month in China time", () => {
    // 17:00 UTC on 31 July is 1 August in Jiangmen
    expect(todayIn(new Date('2025-07-31T17:00:00Z'))).toBe('2025-08-01');
    expect(monthOf(new Date('2025-07-31T17:00:00Z'))).toBe('2025-08');
  });

  it('turns a date-time input (China time) into an instant with +08:00', () => {
    expect(shanghaiInstant('2025-07-01T09:30')).toBe('2025-07-01T09:30:00+08:00');
    expect(shanghaiInstant('')).toBeUndefined();
    expect(shanghaiInstant('2025-07-01')).toBeUndefined();
  });

  it('shows durations in hours and minutes, rounded up', () => {
    expect(duration(5_400_000, 'zh')).toBe('1 小时 30 分');
    expect(duration(61_000, 'en')).toBe('2 min');
    expect(duration(0, 'en')).toBe('0 min');
  });

  it('shows only the last four digits of a number, full or already masked', () => {
    expect(maskPhone('+8613800138000')).toBe('***8000');
    expect(maskPhone('***8000')).toBe('***8000');
    expect(maskPhone('0750-3123456')).toBe('***3456');
    expect(maskPhone(undefined)).toBe('—');
  });

  it('fills placeholders and leaves unknown ones', () => {
    expect(fill('第 {n} 页，共 {m} 页', { n: 2 })).toBe('第 2 页，共 {m} 页');
  });

  it("picks the reader's language of a bilingual API message", () => {
    expect(pickLanguage('电话号码无效 / Not a valid number', 'zh')).toBe('电话号码无效');
    expect(pickLanguage('电话号码无效 / Not a valid number', 'en')).toBe('Not a valid number');
    expect(pickLanguage('只有一种语言', 'en')).toBe('只有一种语言');
  });

  it('writes CSV that Chinese Excel opens: BOM, CRLF, quotes, and no formulas', () => {
    const csv = toCsv([
      ['行号', '问题'],
      [4, '无法识别的取值：性别, "男性"'],
      [5, '=HYPERLINK("x")'],
    ]);
    expect(csv).toBe('\ufeff行号,问题\r\n4,"无法识别的取值：性别, ""男性"""\r\n5,"\'=HYPERLINK(""x"")"\r\n');
  });
});

describe('a preview warning', () => {
  // the API's message for a round that does not fit, as shared/i18n msg(key, at) writes it
  const at = '2026-10-18T01:00:00.000Z';
  const w = {
    code: 'campaign.preview.roundDoesNotFit',
    message: `这一轮在拨号时段内打不完：${at} / This round does not fit in the calling windows: ${at}`,
    at,
  };

  it('shows its instant in China time, never as an ISO string', () => {
    expect(warningText(w, 'zh')).toBe('这一轮在拨号时段内打不完：2026-10-18 09:00');
    expect(warningText(w, 'en')).toBe('This round does not fit in the calling windows: 2026-10-18 09:00');
  });

  it('adds the instant when the message does not name it', () => {
    expect(warningText({ message: '打不完 / Does not fit', at: '2026-10-18T14:30:00+08:00' }, 'zh')).toBe(
      '打不完（2026-10-18 14:30）',
    );
    expect(warningText({ message: '打不完 / Does not fit', at: '2026-10-18T14:30:00+08:00' }, 'en')).toBe(
      'Does not fit (2026-10-18 14:30)',
    );
  });

  it('leaves a warning without an instant as the API says it', () => {
    expect(warningText({ message: '没有符合条件的老年人 / No elder matches the target' }, 'zh')).toBe(
      '没有符合条件的老年人',
    );
  });
});
