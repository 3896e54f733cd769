import type { CaseReason } from './case.js';

/**
 * What elders and contacts hear and read. Written Chinese for texts (one 70-character part where
 * possible, with the 【安心】 signature mainland carriers require); spoken prompts per language,
 * short and slow (SSML prosody), with the elder's name and village so they know who is calling.
 */
export type Language = 'yue' | 'cmn';

/**
 * The text-to-speech language for an elder's language: Taishanese (`tws`) has no text-to-speech, so a
 * synthesised prompt speaks Cantonese to a Taishanese speaker; the domestic carriers play Taishanese
 * recordings instead (shared/carriers/prompts.ts).
 */
export const spokenLanguage = (language: Language | 'tws'): Language =>
  language === 'tws' ? 'yue' : language;

export const VOICES: Record<
  Language,
  { languageCode: string; voiceId: string; engine: 'neural' | 'standard' }
> = {
  yue: { languageCode: 'yue-CN', voiceId: 'Hiujin', engine: 'neural' },
  cmn: { languageCode: 'cmn-CN', voiceId: 'Zhiyu', engine: 'neural' },
};

const SIGNATURE = '【安心】';

const ssml = (text: string) => `<speak><prosody rate="slow">${escapeXml(text)}</prosody></speak>`;
function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );
}

const greeting = (language: Language, name: string, village: string) =>
  language === 'yue'
    ? `${name}，你好。呢度係${village}嘅平安回访。`
    : `${name}，您好。这里是${village}的平安回访。`;
const keypadQuestion = (language: Language) =>
  language === 'yue'
    ? '你平安，请按一字。需要帮手，请按二字。再听一次，请按零字。'
    : '您平安，请按1。需要帮助，请按2。再听一遍，请按0。';

/**
 * The check-in prompt: who, where, a campaign's script when the check-in is a campaign's (safety
 * advice before a typhoon, greetings for a festival), and the three keys.
 */
export function checkInPrompt(language: Language, name: string, village: string, script?: string): string {
  return ssml(
    `${greeting(language, name, village)}${script ? `${script.trim()} ` : ''}${keypadQuestion(language)}`,
  );
}

/** The most SSML one spoken prompt may hold (Chime SDK PSTN Audio's limit on SpeechParameters.Text). */
export const MAX_SPOKEN_CHARS = 1000;

/**
 * The check-in prompt in parts that each fit one spoken action: the whole prompt when it fits,
 * otherwise the greeting with the script (split at sentence ends) to be spoken first, and the keys
 * asked last. Every part is slow speech.
 * @example checkInPromptParts('cmn', '陈伯', '潮连村', longScript) // { before: ['<speak>…', …], ask: '<speak>…请按1…' }
 */
export function checkInPromptParts(
  language: Language,
  name: string,
  village: string,
  script?: string,
): { before: string[]; ask: string } {
  const whole = checkInPrompt(language, name, village, script);
  if (whole.length <= MAX_SPOKEN_CHARS || !script) return { before: [], ask: whole };
  const room = MAX_SPOKEN_CHARS - ssml('').length;
  const before: string[] = [];
  let part = greeting(language, name, village);
  for (const sentence of script.trim().match(/[^。！？!?；;\n]+[。！？!?；;\n]*/g) ?? [script]) {
    // a sentence too long for one part is cut in pieces that fit even when every character is escaped
    const size = escapeXml(sentence).length <= room ? sentence.length : Math.floor(room / 6);
    for (let i = 0; i < sentence.length; i += size) {
      const piece = sentence.slice(i, i + size);
      if (escapeXml(part + piece).length > room) {
        before.push(ssml(part));
        part = '';
      }
      part += piece;
    }
  }
  if (part) before.push(ssml(part));
  return { before, ask: ssml(keypadQuestion(language)) };
}

export function wellGoodbye(language: Language): string {
  return ssml(language === 'yue' ? '收到，你平安就好。多谢，再见。' : '收到，您平安就好。谢谢，再见。');
}

export function helpGoodbye(language: Language): string {
  return ssml(
    language === 'yue'
      ? '收到，我哋而家通知联系人同家人嚟帮你。请唔好收线太耐，保持电话畅通。'
      : '收到，我们马上通知联系人和家人来帮您。请保持电话畅通。',
  );
}

export function noInputGoodbye(language: Language): string {
  return ssml(
    language === 'yue'
      ? '冇收到按键，我哋稍后再打俾你。再见。'
      : '没有收到按键，我们稍后再给您打电话。再见。',
  );
}

export function notifyPrompt(name: string, village: string, reason: CaseReason): string {
  const what = reason === 'needsHelp' ? '按键求助' : '今日回访未应答';
  return ssml(`您好，这里是安心平安回访。${village}的${name}${what}。您确认会跟进，请按1。`);
}

export function notifyThanks(): string {
  return ssml('已确认，谢谢您跟进。再见。');
}

/** The text check-in; a campaign's carries its message before the reply keys. */
export function checkInText(name: string, campaignText?: string): string {
  const message = campaignText?.trim();
  return message
    ? `${SIGNATURE}${name}您好，${message} 平安回访：平安请回复1，需要帮助请回复2。`
    : `${SIGNATURE}${name}您好，平安回访：平安请回复1，需要帮助请回复2。`;
}

/** A ladder text to a contact, relative or duty phone: who, where, their phone, what happened, the code. */
export function caseText(input: {
  name: string;
  village: string;
  phone: string;
  reason: CaseReason;
  code: string;
}): string {
  const what = input.reason === 'needsHelp' ? '按键求助' : '今日回访未应答';
  return `${SIGNATURE}${input.village}${input.name}（${input.phone}）${what}，请尽快联系或上门。收到请回复${input.code}`;
}

export function ackConfirmText(code: string): string {
  return `${SIGNATURE}已确认由您跟进个案${code}，谢谢。`;
}

export function caseClosedText(name: string, code: string): string {
  return `${SIGNATURE}${name}已回复平安，个案${code}已关闭，谢谢。`;
}

/** Back to an elder whose text was not understood. */
export function replyHelpText(): string {
  return `${SIGNATURE}平安请回复1，需要帮助请回复2，退订短信回复TD。`;
}

export function optOutConfirmText(): string {
  return `${SIGNATURE}已退订短信回访，电话回访照常。`;
}

/** To the paired contact when an elder opts out of texts, so a person follows up. */
export function optOutNoticeText(name: string, village: string): string {
  return `${SIGNATURE}${village}${name}已退订短信回访，请跟进了解情况。`;
}
