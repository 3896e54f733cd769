import { randomUUID } from 'node:crypto';
import { TZDate } from '@date-fns/tz';
import type { PolicyConfig } from '../config.js';
import { DomainError, ElderNotFound } from '../errors.js';
import { type Compliance, compliance, periodOf } from '../policy/compliance.js';
import type { Actor } from '../register/elder.js';
import type { Db } from '../store/client.js';
import { getElder } from '../store/elders.js';
import { listVisits, putVisit } from '../store/visits.js';
import { dateInPolicyZone, ISO_DATE, type IsoMonth, isoInPolicyZone, POLICY_TIME_ZONE } from '../time.js';
import { parseOrThrow } from '../validation.js';
import { type VisitRecordForm, visitRecordSchema } from './schema.js';

/** A stored visit record. */
export interface VisitRecord extends VisitRecordForm {
  id: string;
  /** the visit's calendar date in Asia/Shanghai: what the obligations count */
  visitedOn: string;
  /** the visit's time in +08:00, used to order visits */
  localTime: string;
  county: string;
  recordedBy: string;
  recordedAt: string;
  /**
   * false for a home visit recorded by text (`<code> 1`): it counts on its date, but its contents are
   * to be filled in (signed link or console) within FILL_IN_DAYS; absent or true: complete
   */
  complete?: boolean;
  completedAt?: string;
  completedBy?: string;
}

/** The instant of a visit time: a bare date is taken as midnight of that day in Asia/Shanghai. */
function instantOf(visitedAt: string): Date {
  if (ISO_DATE.test(visitedAt)) {
    const [y, m, d] = visitedAt.split('-').map(Number) as [number, number, number];
    return new TZDate(y, m - 1, d, POLICY_TIME_ZONE);
  }
  return new Date(visitedAt);
}

/**
 * Records a visit (home, phone, video or automated) for an active elder. A visit in the future or
 * before the elder's birth is refused.
 */
export async function recordVisit(deps: { db: Db }, body: unknown, by: Actor): Promise<VisitRecord> {
  const form = parseOrThrow(visitRecordSchema, body);
  const elder = await getElder(deps.db, form.elderId);
  if (!elder) throw new DomainError('elder.notFound', 422, 'elderId');
  if (elder.status !== 'active') throw new DomainError('elder.inactive', 422, 'elderId');
  const instant = instantOf(form.visitedAt);
  if (instant.getTime() > by.now.getTime() + 5 * 60_000)
    throw new DomainError('visit.future', 422, 'visitedAt');
  const visitedOn = dateInPolicyZone(instant);
  if (visitedOn < elder.birthDate) throw new DomainError('visit.beforeBirth', 422, 'visitedAt');
  const visit: VisitRecord = {
    ...form,
    id: randomUUID(),
    visitedOn,
    localTime: isoInPolicyZone(instant),
    county: elder.region.county,
    recordedBy: by.actor,
    recordedAt: isoInPolicyZone(by.now),
  };
  await putVisit(deps.db, visit);
  return visit;
}

/** The compliance of one elder for one month, read from the visit records of its longest period. */
export async function elderCompliance(
  deps: { db: Db; policy: PolicyConfig },
  elderId: string,
  month: IsoMonth,
  now: Date,
): Promise<Compliance & { elderId: string }> {
  const elder = await getElder(deps.db, elderId);
  if (!elder) throw new ElderNotFound(elderId);
  const year = periodOf(month, 12);
  const visits = await listVisits(deps.db, elderId, `${year.startMonth}-01`, `${year.endMonth}-31`);
  return {
    elderId,
    ...compliance({
      category: elder.category,
      registeredOn: elder.registeredOn,
      month,
      today: dateInPolicyZone(now),
      visits: visits.map((v) => ({ mode: v.mode, date: v.visitedOn })),
    }),
  };
}
