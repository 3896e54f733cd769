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
