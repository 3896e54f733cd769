import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * A mainland China mobile or landline number in E.164, or undefined when it is not one.
 * Spaces, dashes and a leading +86 or 0086 are accepted.
 * @example toE164('13800138000') // '+8613800138000'
 * @example toE164('0750-3123456') // '+867503123456'
 */
export function toE164(input: string): string | undefined {
  const cleaned = input.trim().replace(/^00(?=86)/, '+');
  const parsed = parsePhoneNumberFromString(cleaned, 'CN');
  if (!parsed || parsed.country !== 'CN' || !parsed.isValid()) return undefined;
  const type = parsed.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE' && type !== 'FIXED_LINE_OR_MOBILE') return undefined;
  return parsed.number;
}

/** The last four digits only, for screens and messages that must not show a whole number. */
export function maskPhone(e164: string): string {
  return `***${e164.slice(-4)}`;
}

/**
 * The number as someone in mainland China dials it, for texts to contacts: 13800138000, 0750-3123456.
 * @example dialable('+867503123456') // '0750-3123456'
 */
export function dialable(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed || parsed.country !== 'CN') return e164;
  const national = parsed.formatNational().replace(/\s+/g, '');
  // landlines: area code, then a dash, the way they are written on forms
  return /^0\d{2,3}\d{7,8}$/.test(national) && parsed.getType() === 'FIXED_LINE'
    ? national.replace(/^(0(?:10|2\d|[3-9]\d{2}))(\d+)$/, '$1-$2')
    : national;
}
