import * as z from 'zod';
import { phoneField } from '../registration/schema.js';
import { safeText } from '../text.js';
import { CONTACT_ROLES } from './roles.js';

export * from './roles.js';

/**
 * A township-level supervisor: kept on the contact as a name and a number rather than as another
 * contact's id, because the supervisor (a township cadre) is usually not a visit contact and has no
 * elders; the number is what the overdue digest needs.
 */
export const supervisorSchema = z.strictObject({
  name: safeText('督导姓名 supervisor name', 50),
  phone: phoneField,
});

export const contactSchema = z.strictObject({
  name: safeText('联系人姓名 contact name', 50),
  phone: phoneField,
  role: z.enum(CONTACT_ROLES),
  county: z.string().regex(/^\d{6}$/),
  township: safeText('镇（街道） township', 50),
  /** who hears about home visits overdue by more than 3 days (the township's supervisors) */
  supervisors: z.array(supervisorSchema).max(5).default([]),
});

/** PATCH /api/contacts/{id}: any of the fields, none of them required (and none defaulted). */
export const contactPatchSchema = contactSchema
  .extend({ supervisors: contactSchema.shape.supervisors.removeDefault() })
  .partial();

export type ContactForm = z.output<typeof contactSchema>;
export type Supervisor = z.output<typeof supervisorSchema>;
export interface Contact extends Omit<ContactForm, 'supervisors'> {
  id: string;
  /** absent on contacts stored before supervisors existed */
  supervisors?: Supervisor[];
  /** optimistic lock, bumped by every change through the API; absent on contacts stored before it */
  version?: number;
}

/** An entry of a contact's audit trail: who created or changed which fields, and when. */
export interface ContactAuditEntry {
  contactId: string;
  /** the contact's version this change produced */
  version: number;
  at: string;
  /** "role:username" */
  actor: string;
  action: 'create' | 'update';
  /** names of the fields set or changed (values are not copied here) */
  fields: string[];
}
