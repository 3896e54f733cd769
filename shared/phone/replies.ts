/**
 * What an elder's text reply means. Full-width digits and common words are accepted because elders
 * type on whatever keyboard their phone has.
 */
export type ReplyMeaning = 'well' | 'help' | 'optOut' | 'unknown';

const WELL = new Set(['1', '好', '平安', 'OK', '好的', '没事', '冇事', '安好']);
const HELP = new Set(['2', '帮', '救', 'HELP', '救命', '帮忙', '帮我']);
const OPT_OUT = new Set(['TD', '退订', 'STOP', 'UNSUBSCRIBE']);

/** Folds full-width ASCII (１, ＯＫ) to half-width, trims, upper-cases, and drops trailing punctuation. */
export function normaliseReply(text: string): string {
  return text
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .trim()
    .replace(/[\s。．.!！?？~～]+$/u, '')
    .toUpperCase();
}

/**
 * @example replyMeaning('１') // 'well'
 * @example replyMeaning('退订') // 'optOut'
 */
export function replyMeaning(text: string): ReplyMeaning {
  const reply = normaliseReply(text);
  if (WELL.has(reply)) return 'well';
  if (HELP.has(reply)) return 'help';
  if (OPT_OUT.has(reply)) return 'optOut';
  return 'unknown';
}

/** Keypad digits of the check-in call. */
export function keypadMeaning(digits: string): 'well' | 'help' | 'repeat' | 'invalid' {
  const d = digits.trim();
  if (d === '1') return 'well';
  if (d === '2') return 'help';
  if (d === '0') return 'repeat';
  return 'invalid';
}
