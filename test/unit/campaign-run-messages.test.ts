import { describe, expect, it } from 'vitest';
import { smsParts } from '../../shared/phone/providers.js';
import {
  checkInPrompt,
  checkInPromptParts,
  checkInText,
  MAX_SPOKEN_CHARS,
} from '../../shared/phone/texts.js';

const plain = (ssml: string) => ssml.replace(/<[^>]+>/g, '');

describe("a campaign's messages in check-ins", () => {
  it('a call plays the script after the greeting and before the keys, slowly', () => {
    const prompt = checkInPrompt('cmn', '陈伯', '芝山村', '台风将至，请关好门窗。');
    expect(prompt).toContain('<prosody rate="slow">');
    const text = plain(prompt);
    expect(text.indexOf('平安回访')).toBeLessThan(text.indexOf('台风将至'));
    expect(text.indexOf('台风将至')).toBeLessThan(text.indexOf('请按1'));
    expect(text).toContain('再听一遍，请按0');
    // without a campaign the prompt is as before
    expect(plain(checkInPrompt('yue', '陈伯', '芝山村'))).toBe(
      '陈伯，你好。呢度係芝山村嘅平安回访。你平安，请按一字。需要帮手，请按二字。再听一次，请按零字。',
    );
  });

  it('a script too long for one prompt is spoken in parts, each within the limit, then the keys', () => {
    const sentence = '请检查门窗是否关好，阳台花盆搬入室内，备好手电筒、饮用水和常用药物。';
    const script = sentence.repeat(40);
    const parts = checkInPromptParts('cmn', '陈伯', '芝山村', script);
    expect(parts.before.length).toBeGreaterThan(1);
    for (const p of [...parts.before, parts.ask]) {
      expect(p.length).toBeLessThanOrEqual(MAX_SPOKEN_CHARS);
      expect(p).toContain('<prosody rate="slow">');
    }
    expect(plain(parts.before.join(''))).toBe(`陈伯，您好。这里是芝山村的平安回访。${script}`);
    expect(plain(parts.ask)).toBe('您平安，请按1。需要帮助，请按2。再听一遍，请按0。');
    // a short script stays one prompt
    expect(checkInPromptParts('cmn', '陈伯', '芝山村', '注意防暑。').before).toEqual([]);
    // characters that SSML escapes still fit
    const escaped = checkInPromptParts('cmn', '陈伯', '芝山村', '&'.repeat(1500));
    for (const p of escaped.before) expect(p.length).toBeLessThanOrEqual(MAX_SPOKEN_CHARS);
    expect(escaped.before.join('')).toContain('&amp;');
  });

  it('a text carries the campaign message and keeps the reply keys', () => {
    const text = checkInText('陈伯', '台风将至，请关好门窗，不要外出。');
    expect(text.startsWith('【安心】陈伯您好，台风将至')).toBe(true);
    expect(text).toContain('平安请回复1，需要帮助请回复2。');
    expect(checkInText('陈伯')).toBe('【安心】陈伯您好，平安回访：平安请回复1，需要帮助请回复2。');
    expect(smsParts(text)).toBe(1);
  });
});
