import type { Registration } from '../registration/schema.js';
import { bodyOf } from './rows.js';

type Body = Record<string, unknown>;
type Contact = Registration['emergencyContacts'][number];

/** JSON with keys sorted, so that two equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Body).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * The form fields whose values differ between two registrations (absent and undefined are the same).
 * @example changedFields({ ...reg, ability: 'intact' }, { ...reg, ability: 'severe' }) // ['ability']
 */
export function changedFields(before: Registration, after: Registration): string[] {
  const a = before as unknown as Body;
  const b = after as unknown as Body;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => canonical(a[k]) !== canonical(b[k])).sort();
}

/**
 * The sheet holds one emergency contact; the register may hold up to five (added on screen). The
 * sheet's contact replaces the one of the same name (a new phone, say) or else comes first, so that
 * importing the same sheet again changes nothing and other contacts are kept.
 */
function withContact(existing: readonly Contact[], contact: Contact): Contact[] {
  const same = existing.findIndex((c) => c.name === contact.name);
  if (same >= 0) return existing.map((c, i) => (i === same ? contact : c));
  return [contact, ...existing].slice(0, 5);
}

/**
 * Register mode: the existing registration with the row laid over it. A column the sheet has decides
 * its field, blank cells included (残疾等级 blank means none), because the county sheet is the record;
 * fields the sheet has no column for keep their values. The ID number and the paired contact are not
 * erased by a blank cell, and the emergency contact is merged (see withContact).
 */
export function overlayRegister(
  existing: Registration,
  row: Registration,
  values: ReadonlyMap<string, unknown>,
  columnPaths: ReadonlySet<string>,
): Body {
  const merged: Body = { ...existing };
  const fields = new Set([...columnPaths].map((p) => p.split('.')[0] as string));
  for (const field of fields) {
    if (field === 'emergencyContacts' || field === 'refusal' || field === 'idNumber' || field === 'contactId')
      continue;
    const value = (row as unknown as Body)[field];
    if (value === undefined) delete merged[field];
    else merged[field] = value;
  }
  if (row.idNumber !== undefined) merged.idNumber = row.idNumber;
  if (row.contactId !== undefined) merged.contactId = row.contactId;
  const contact = row.emergencyContacts[0];
  if (contact && values.has('emergencyContacts.0.name'))
    merged.emergencyContacts = withContact(existing.emergencyContacts, contact);
  settleRefusal(merged, row.refusal);
  return merged;
}

/**
 * Merge mode: only the non-blank cells of the sheet are laid over the existing registration (what the
 * health bureau or the disabled persons' federation knows, nothing more).
 */
export function overlayMerge(existing: Registration, values: ReadonlyMap<string, unknown>): Body {
  const merged: Body = { ...existing };
  const given = bodyOf(values);
  for (const [path, value] of values) {
    if (value === null) delete merged[path.split('.')[0] as string];
  }
  for (const [field, value] of Object.entries(given)) {
    if (field === 'region') merged.region = { ...existing.region, ...(value as Body) };
    else if (field === 'emergencyContacts') {
      const contact = (value as Contact[])[0];
      if (contact) merged.emergencyContacts = withContact(existing.emergencyContacts, contact);
    } else if (field !== 'refusal') merged[field] = value;
  }
  settleRefusal(merged, given.refusal as Registration['refusal']);
  return merged;
}

/** A refusal record is kept only while the elder refuses; a new one from the sheet replaces the old. */
function settleRefusal(merged: Body, fromSheet: Registration['refusal']): void {
  if (fromSheet) merged.refusal = fromSheet;
  if (merged.consent !== 'refused') delete merged.refusal;
}
