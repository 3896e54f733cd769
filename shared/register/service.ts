import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { PolicyConfig } from '../config.js';
import { CategoryLoweringRefused, ElderNotEligible, ElderNotFound, ValidationFailed } from '../errors.js';
import { msg } from '../i18n/messages.js';
import { callWindowSchema } from '../phone/config.js';
import { classify, effectiveCategory, isHigherCategory, nextAgeLine } from '../policy/classify.js';
import type { Category } from '../registration/fields.js';
import {
  categoryOverrideSchema,
  elderStatusSchema,
  makeRegistrationSchema,
  type Registration,
  registrationSchema,
} from '../registration/schema.js';
import type { Db } from '../store/client.js';
import { createElder, eldersOnAgeLine, getElder, replaceElder } from '../store/elders.js';
import { dateInPolicyZone, isoInPolicyZone } from '../time.js';
import { parseOrThrow } from '../validation.js';
import type { Actor, AuditEntry, Elder } from './elder.js';
import { labelForm } from './labels.js';

export interface RegisterDeps {
  db: Db;
  policy: PolicyConfig;
}

const REGISTRATION_FIELDS = Object.keys(registrationSchema.shape) as (keyof Registration)[];

/** Splits a stored elder into its registration form (what the form's schema accepts again). */
export function registrationOf(elder: Elder): Registration {
  return Object.fromEntries(
    REGISTRATION_FIELDS.filter((k) => elder[k] !== undefined).map((k) => [k, elder[k]]),
  ) as Registration;
}

/**
 * Validates a registration body against the form for the configured counties; each problem names the
 * field's label ("联系电话：…").
 */
export function parseRegistration(policy: PolicyConfig, body: unknown): Registration {
  return labelledParse(() => parseOrThrow(makeRegistrationSchema(policy.counties), body));
}

function labelledParse<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ValidationFailed) throw new ValidationFailed(labelForm(error.errors));
    throw error;
  }
}

function classifyOrRefuse(policy: PolicyConfig, registration: Registration, today: string) {
  const result = classify(registration, today, policy);
  if (!result.eligible || !result.category) throw new ElderNotEligible(result.age);
  return { ...result, category: result.category };
}

/**
 * Registers an elder from a registration body: validates, classifies on today's date in
 * Asia/Shanghai, refuses those under 60, and stores it with its audit entry.
 */
export async function registerElder(
  deps: RegisterDeps,
  body: unknown,
  by: Actor,
  action: AuditEntry['action'] = 'register',
): Promise<Elder> {
  const registration = parseRegistration(deps.policy, body);
  return registerParsed(deps, registration, by, action);
}

export async function registerParsed(
  deps: RegisterDeps,
  registration: Registration,
  by: Actor,
  action: AuditEntry['action'] = 'register',
): Promise<Elder> {
  const today = dateInPolicyZone(by.now);
  const at = isoInPolicyZone(by.now);
  const result = classifyOrRefuse(deps.policy, registration, today);
  const line = nextAgeLine(registration.birthDate, today);
  const elder: Elder = {
    ...registration,
    id: randomUUID(),
    category: result.category,
    computedCategory: result.category,
    rules: result.rules,
    status: 'active',
    registeredAt: at,
    registeredOn: today,
    updatedAt: at,
    version: 1,
    ...(line ? { nextAgeLine: line } : {}),
  };
  const audit: AuditEntry = {
    elderId: elder.id,
    at,
    actor: by.actor,
    action,
    fields: Object.keys(registration),
    newCategory: elder.category,
    newStatus: elder.status,
  };
  await createElder(deps.db, elder, audit, randomUUID());
  return elder;
}

/** A PATCH body: any registration fields (each replaced whole), a raised category, or a status. */
const patchSchema = z.strictObject({
  ...Object.fromEntries(REGISTRATION_FIELDS.map((k) => [k, z.unknown().optional()])),
  categoryOverride: categoryOverrideSchema.nullable().optional(),
  status: elderStatusSchema.optional(),
  /** this elder's own calling windows (Asia/Shanghai), instead of the county's; null goes back to the county's */
  callWindows: z.array(callWindowSchema).min(1).max(6).nullable().optional(),
});

/**
 * Applies a change to an elder: the merged form is validated again as a whole, the category is
 * recomputed, and an administrator's raise is kept only when it is not below the computed category.
 */
export async function updateElder(
  deps: RegisterDeps,
  elderId: string,
  body: unknown,
  by: Actor,
  action: AuditEntry['action'] = 'update',
  /** why (a status change's note), kept on the audit entry */
  reason?: string,
): Promise<Elder> {
  const patch = labelledParse(() => parseOrThrow(patchSchema, body));
  const { categoryOverride, status, callWindows, ...formChanges } = patch as z.output<typeof patchSchema> &
    Record<string, unknown>;
  const changedForm = Object.keys(formChanges).filter((k) => formChanges[k] !== undefined);
  if (
    changedForm.length === 0 &&
    categoryOverride === undefined &&
    status === undefined &&
    callWindows === undefined
  ) {
    throw new ValidationFailed([{ path: '', message: msg('patch.empty') }]);
  }
  const before = await getElder(deps.db, elderId);
  if (!before) throw new ElderNotFound(elderId);
  // a field set to null is cleared; going back to "accepted" drops the refusal unless one is sent
  const base: Record<string, unknown> = { ...registrationOf(before) };
  if (formChanges.consent === 'accepted' && formChanges.refusal === undefined) delete base.refusal;
  for (const key of changedForm) {
    if (formChanges[key] === null) delete base[key];
    else base[key] = formChanges[key];
  }
  const merged = parseRegistration(deps.policy, base);
  return applyChange(
    deps,
    before,
    merged,
    { categoryOverride, status, callWindows, fields: changedForm, ...(reason ? { reason } : {}) },
    by,
    action,
  );
}

/** Recomputes and stores an elder after a change of form, category override or status. */
export async function applyChange(
  deps: RegisterDeps,
  before: Elder,
  registration: Registration,
  change: {
    categoryOverride?: { category: Category; reason: string } | null | undefined;
    status?: Elder['status'] | undefined;
    callWindows?: Elder['callWindows'] | null | undefined;
    fields: string[];
    reason?: string;
  },
  by: Actor,
  action: AuditEntry['action'],
): Promise<Elder> {
  const today = dateInPolicyZone(by.now);
  const at = isoInPolicyZone(by.now);
  const result = classifyOrRefuse(deps.policy, registration, today);
  let override = before.categoryOverride;
  if (change.categoryOverride === null) override = undefined;
  else if (change.categoryOverride) {
    if (isHigherCategory(result.category, change.categoryOverride.category))
      throw new CategoryLoweringRefused();
    override = { ...change.categoryOverride, by: by.actor, at };
  }
  const line = nextAgeLine(registration.birthDate, today);
  const { nextAgeLine: _old, categoryOverride: _oldOverride, ...kept } = before;
  const after: Elder = {
    ...kept,
    ...registration,
    ...(registration.idNumber === undefined ? { idNumber: undefined } : {}),
    ...(registration.refusal === undefined ? { refusal: undefined } : {}),
    ...(registration.disabilityGrade === undefined ? { disabilityGrade: undefined } : {}),
    ...(registration.contactId === undefined ? { contactId: undefined } : {}),
    computedCategory: result.category,
    category: effectiveCategory(result.category, override?.category),
    rules: result.rules,
    status: change.status ?? before.status,
    updatedAt: at,
    version: before.version + 1,
    ...(override ? { categoryOverride: override } : {}),
    ...(line ? { nextAgeLine: line } : {}),
    ...(change.callWindows === null
      ? { callWindows: undefined }
      : change.callWindows
        ? { callWindows: change.callWindows }
        : {}),
  };
  const fields = [
    ...change.fields,
    ...(change.categoryOverride !== undefined ? ['categoryOverride'] : []),
    ...(change.status ? ['status'] : []),
    ...(change.callWindows !== undefined ? ['callWindows'] : []),
  ];
  const audit: AuditEntry = {
    elderId: before.id,
    at,
    actor: by.actor,
    action,
    fields,
    oldCategory: before.category,
    newCategory: after.category,
    ...(before.status !== after.status ? { oldStatus: before.status, newStatus: after.status } : {}),
    ...(change.categoryOverride ? { reason: change.categoryOverride.reason } : {}),
    ...(change.reason && !change.categoryOverride ? { reason: change.reason } : {}),
  };
  await replaceElder(deps.db, before, after, audit, randomUUID());
  return after;
}

/**
 * The daily job: re-classifies the elders whose age line (the 80th birthday) falls on one of the
 * given dates. Re-running it changes nothing more (the line moves off the index once crossed).
 */
export async function reclassifyOnAgeLines(
  deps: RegisterDeps,
  dates: string[],
  by: Actor,
): Promise<{ checked: number; changed: number }> {
  let checked = 0;
  let changed = 0;
  for (const date of dates) {
    for (const id of await eldersOnAgeLine(deps.db, date)) {
      const before = await getElder(deps.db, id);
      if (!before || before.nextAgeLine !== date) continue;
      checked++;
      const after = await applyChange(deps, before, registrationOf(before), { fields: [] }, by, 'reclassify');
      if (after.category !== before.category) changed++;
    }
  }
  return { checked, changed };
}
