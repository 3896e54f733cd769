/**
 * The one text gate every write passes (issue 15, part 2): API bodies, imported sheets, inbound texts,
 * carrier receipts, CAP alerts and the visit page.
 *
 * - Unicode NFC, so the same name is stored as the same code points however it was typed;
 * - control characters (C0 except tab and line feed where a field is multi-line, DEL, C1), the
 *   bidirectional controls (U+061C, U+200E/F, U+202A-202E, U+2066-2069) and the zero-width characters
 *   (U+200B-200D, U+2060, U+FEFF) removed: a right-to-left override in a name would reorder whatever
 *   follows it wherever the name is shown, texts to contacts included;
 * - a lone surrogate (half of a UTF-16 pair: no character at all) refused, naming the field;
 * - lengths bounded per field, counted after cleaning.
 */
import * as z from 'zod';
import { msg } from './i18n/messages.js';

/** Characters removed from every field: controls (Cc), bidirectional controls and zero-width characters. */
const HIDDEN = /[\p{Cc}\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/gu;
/** Tab, line feed and carriage return: kept in multi-line fields (carriage return becomes line feed), else a space. */
const BREAKS = /\r\n?|[\t\n]/g;
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * The text as stored: NFC, hidden characters removed, line breaks kept only in multi-line fields.
 * Lone surrogates are left for `hasLoneSurrogate` to refuse (NFC keeps them as they are).
 * @example cleanText('张\u202E三\u200B') // '张三'
 */
export function cleanText(value: string, options: { multiline?: boolean } = {}): string {
  const lines = options.multiline ? value.replace(/\r\n?/g, '\n') : value.replace(BREAKS, ' ');
  // line feeds have survived only where the field keeps them
  return lines.replace(HIDDEN, (c) => (c === '\n' ? c : '')).normalize('NFC');
}

/** True when the string holds half of a UTF-16 surrogate pair (not a character). */
export function hasLoneSurrogate(value: string): boolean {
  return LONE_SURROGATE.test(value);
}

/** True when the text would be stored unchanged by the gate (no hidden characters, already NFC). */
export function isCleanText(value: string, options: { multiline?: boolean } = {}): boolean {
  return !hasLoneSurrogate(value) && cleanText(value, options) === value;
}

/**
 * A zod string through the gate, trimmed, 1 to `max` characters: the schema every edge uses for free
 * text. `label` is the field as the person sees it ("姓名 name"); refusals name it.
 * @example safeText('姓名 name', 50).parse(' 李\u202E四 ') // '李四'
 */
export function safeText(label: string, max: number, options: { multiline?: boolean; min?: number } = {}) {
  return z
    .string()
    .refine((v) => !hasLoneSurrogate(v), { message: msg('text.loneSurrogate', label), abort: true })
    .overwrite((v) => cleanText(v, options).trim())
    .min(options.min ?? 1, msg('text.required'))
    .max(max, msg('text.tooLong', `${label}: ${max}`));
}

/**
 * Text from a provider (an inbound text, a carrier receipt): cleaned the same way but never refused, so a
 * malformed byte can never cost an elder's reply; a lone surrogate becomes U+FFFD. At most `max`
 * characters (longer is refused by the schema, as before).
 * @example providerText(2000).parse('好\u200B') // '好'
 */
export function providerText(max: number) {
  return z
    .string()
    .overwrite((v) => cleanText(v.replace(/\p{Surrogate}/gu, '\uFFFD'), { multiline: true }))
    .max(max);
}
