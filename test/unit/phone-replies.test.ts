import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smsParts } from '../../shared/phone/providers.js';
import { keypadMeaning, type ReplyMeaning, replyMeaning } from '../../shared/phone/replies.js';
import { checkInText } from '../../shared/phone/texts.js';

const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('what a text reply means', () => {
  it.each<[string, ReplyMeaning]>([
    ['1', 'well'],
    ['１', 'well'],
    ['好', 'well'],
    ['平安', 'well'],
    ['OK', 'well'],
    ['ok', 'well'],
    ['Ok', 'well'],
    ['ＯＫ', 'well'],
    ['好的', 'well'],
    [' 1 ', 'well'],
    ['1。', 'well'],
    ['１！', 'well'],
    ['平安!!', 'well'],
    ['\u30001\u3000', 'well'],
    ['2', 'help'],
    ['２', 'help'],
    ['帮', 'help'],
    ['救', 'help'],
    ['HELP', 'help'],
    ['help', 'help'],
    ['ｈｅｌｐ', 'help'],
    ['救命！', 'help'],
    [' 2？', 'help'],
    ['TD', 'optOut'],
    ['td', 'optOut'],
    ['ＴＤ', 'optOut'],
    ['退订', 'optOut'],
    ['退订。', 'optOut'],
    ['STOP', 'optOut'],
    ['stop!', 'optOut'],
    ['3', 'unknown'],
    ['12', 'unknown'],
    ['21', 'unknown'],
    ['1 2', 'unknown'],
    ['好不好', 'unknown'],
    ['不好', 'unknown'],
    ['', 'unknown'],
    ['   ', 'unknown'],
    ['。', 'unknown'],
    ['hello', 'unknown'],
    ['请打电话给我', 'unknown'],
    ['TD1', 'unknown'],
  ])('%j means %s', (text, meaning) => {
    expect(replyMeaning(text)).toBe(meaning);
  });

  const words: [string, ReplyMeaning][] = [
    ['1', 'well'],
    ['好', 'well'],
    ['平安', 'well'],
    ['OK', 'well'],
    ['2', 'help'],
    ['帮', 'help'],
    ['救', 'help'],
    ['HELP', 'help'],
    ['TD', 'optOut'],
    ['退订', 'optOut'],
    ['STOP', 'optOut'],
  ];
  const space = fc.array(fc.constantFrom(' ', '\u3000', '\t', '\n'), { maxLength: 3 }).map((a) => a.join(''));
  const trailing = fc
    .array(fc.constantFrom('。', '．', '.', '!', '！', '?', '？', '~', '～', ' '), { maxLength: 3 })
    .map((a) => a.join(''));

  it('keeps its meaning with any spaces around it, full-width letters, any case and trailing punctuation', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...words),
        space,
        trailing,
        fc.boolean(),
        fc.boolean(),
        ([word, meaning], before, after, wide, lower) => {
          let text = lower ? word.toLowerCase() : word;
          if (wide) text = fullWidth(text);
          expect(replyMeaning(`${before}${text}${after}`)).toBe(meaning);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws, and anything with a word around the keyword is not understood', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(['well', 'help', 'optOut', 'unknown']).toContain(replyMeaning(text));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...words), fc.constantFrom('不', '请', 'x', '3', '我'), ([word], extra) => {
        expect(replyMeaning(`${extra}${word}`)).toBe('unknown');
      }),
    );
  });

  it('keypad: 1 well, 2 help, 0 repeat, anything else invalid', () => {
    expect(keypadMeaning('1')).toBe('well');
    expect(keypadMeaning('2')).toBe('help');
    expect(keypadMeaning('0')).toBe('repeat');
    for (const d of ['', '3', '9', '#', '*', '11', '12']) expect(keypadMeaning(d)).toBe('invalid');
  });
});

describe('SMS parts', () => {
  it('70 Chinese characters are one part, 71 are two (67 per part after the first)', () => {
    expect(smsParts('安'.repeat(70))).toBe(1);
    expect(smsParts('安'.repeat(71))).toBe(2);
    expect(smsParts('安'.repeat(134))).toBe(2);
    expect(smsParts('安'.repeat(135))).toBe(3);
    // one Chinese character makes the whole text UCS-2
    expect(smsParts(`${'a'.repeat(69)}安`)).toBe(1);
    expect(smsParts(`${'a'.repeat(70)}安`)).toBe(2);
  });

  it('160 plain characters are one part, 161 are two (153 per part after the first)', () => {
    expect(smsParts('a'.repeat(160))).toBe(1);
    expect(smsParts('a'.repeat(161))).toBe(2);
    expect(smsParts('a'.repeat(306))).toBe(2);
    expect(smsParts('a'.repeat(307))).toBe(3);
  });

  it('the check-in text for a usual name is one part', () => {
    expect(smsParts(checkInText('欧阳婆婆'))).toBe(1);
  });
});
