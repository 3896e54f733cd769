import { createHash } from 'node:crypto';
import type { Category } from '../registration/fields.js';
import type { IsoDate, IsoMonth } from '../time.js';

/**
 * Every key of the register table is built here (one module per table, one function per item type).
 * Values are `ENTITY#id`; generic attribute names let one table hold every entity.
 */
const sha = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 40);

export const elderKeys = {
  profile: (elderId: string) => ({ pk: `ELDER#${elderId}`, sk: 'PROFILE' }),
  /** listing by county and category (gsi1) */
  byCounty: (county: string, category: Category, elderId: string) => ({
    gsi1pk: `COUNTY#${county}`,
    gsi1sk: `ELDER#${category}#${elderId}`,
  }),
  /** sparse gsi2: only while a birthday ahead can change the category */
  ageLine: (date: IsoDate, elderId: string) => ({ gsi2pk: `AGELINE#${date}`, gsi2sk: `ELDER#${elderId}` }),
  emergencyContact: (elderId: string, order: number) => ({
    pk: `ELDER#${elderId}`,
    sk: `EMERGENCY#${String(order).padStart(2, '0')}`,
  }),
  /** one audit entry per version of the record, so the trail is in order even within one instant */
  audit: (elderId: string, version: number) => ({
    pk: `ELDER#${elderId}`,
    sk: `AUDIT#${String(version).padStart(8, '0')}`,
  }),
  refusal: (elderId: string, date: IsoDate, eventId: string) => ({
    pk: `ELDER#${elderId}`,
    sk: `REFUSAL#${date}#${eventId}`,
  }),
};

/**
 * One item per person, so the same person cannot be registered twice. The ID number when known,
 * else name, birth date and village. Hashed so that no ID number or name appears in a key.
 */
export const personKey = (identity: {
  idNumber?: string | undefined;
  name: string;
  birthDate: string;
  region: { county: string; township: string; village: string };
}) => {
  const natural = identity.idNumber
    ? `ID|${identity.idNumber}`
    : `ROW|${identity.name}|${identity.birthDate}|${identity.region.county}|${identity.region.township}|${identity.region.village}`;
  const value = `PERSON#${sha(natural)}`;
  return { pk: value, sk: 'PERSON' };
};

export const visitKeys = {
  /** sort key in +08:00 local time, so string order is time order and date ranges are prefixes */
  record: (elderId: string, localTime: string, visitId: string) => ({
    pk: `ELDER#${elderId}`,
    sk: `VISIT#${localTime}#${visitId}`,
  }),
  /** visits of a county in a month (gsi1), for the monthly figures */
  byCountyMonth: (county: string, month: IsoMonth, elderId: string, localTime: string) => ({
    gsi1pk: `VISITS#${county}#${month}`,
    gsi1sk: `${elderId}#${localTime}`,
  }),
};

export const contactKeys = {
  profile: (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: 'PROFILE' }),
  byCounty: (county: string, contactId: string) => ({
    gsi1pk: `COUNTY#${county}`,
    gsi1sk: `CONTACT#${contactId}`,
  }),
  /** one audit entry per version of the contact (access, issue 5) */
  audit: (contactId: string, version: number) => ({
    pk: `CONTACT#${contactId}`,
    sk: `AUDIT#${String(version).padStart(8, '0')}`,
  }),
};

export const importKeys = {
  job: (importId: string) => ({ pk: `IMPORT#${importId}`, sk: 'JOB' }),
};

/** Shards of each hour bucket of the due index; the planner queries every shard. */
export const DUE_SHARDS = 4;

/**
 * The sparse due index (gsi3): an item carries these keys only while something is due for it. The
 * bucket is the UTC hour of max(at, now), so nothing is ever written behind the planner's cursor.
 */
export function dueKeys(kind: 'schedule' | 'checkIn' | 'case', id: string, at: string, now: Date) {
  const when = at > now.toISOString() ? at : now.toISOString();
  return {
    gsi3pk: `DUE#${when.slice(0, 13)}#${shardOf(id)}`,
    gsi3sk: `${at}#${kind}#${id}`,
  };
}

export function shardOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % DUE_SHARDS;
}

export const phoneKeys = {
  /** the check-in schedule of one elder */
  schedule: (elderId: string) => ({ pk: `ELDER#${elderId}`, sk: 'SCHEDULE' }),
  checkIn: (checkInId: string) => ({ pk: `CHECKIN#${checkInId}`, sk: 'CHECKIN' }),
  /** an elder's check-ins, newest last (gsi1) */
  checkInsOfElder: (elderId: string, openedAt: string) => ({
    gsi1pk: `CHECKINS#${elderId}`,
    gsi1sk: openedAt,
  }),
  case: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' }),
  /** a county's cases, newest last (gsi1) */
  casesOfCounty: (county: string, openedAt: string, caseId: string) => ({
    gsi1pk: `CASES#${county}`,
    gsi1sk: `${openedAt}#${caseId}`,
  }),
  caseCode: (code: string) => ({ pk: `CASECODE#${code}`, sk: 'CASECODE' }),
  /** who a phone number belongs to: one item per (number, elder / contact / emergency contact) */
  phone: (e164: string, owner: string) => ({ pk: `PHONE#${sha(e164)}`, sk: owner }),
  phonePartition: (e164: string) => `PHONE#${sha(e164)}`,
  inbound: (messageId: string) => ({ pk: `INBOUND#${messageId}`, sk: 'INBOUND' }),
  call: (providerId: string) => ({ pk: `CALL#${providerId}`, sk: 'CALL' }),
  outbox: (key: string) => ({ pk: `OUTBOX#${key}`, sk: 'OUTBOX' }),
  message: (elderId: string, at: string, id: string) => ({
    pk: `ELDER#${elderId}`,
    sk: `MESSAGE#${at}#${id}`,
  }),
  pace: (name: string) => ({ pk: `PACE#${name}`, sk: 'PACE' }),
  plannerCursor: () => ({ pk: 'PLANNER', sk: 'CURSOR' }),
  stats: (name: string, date: string) => ({ pk: `STATS#${name}`, sk: date }),
};

/**
 * Campaigns (issue 5): the campaign, its progress counters, all campaigns newest first (gsi1) and the
 * live ones (scheduled, running or paused) on a sparse gsi2 the planner reads every run.
 */
export const campaignKeys = {
  item: (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'CAMPAIGN' }),
  progress: (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'PROGRESS' }),
  list: (createdAt: string, campaignId: string) => ({
    gsi1pk: 'CAMPAIGNS',
    gsi1sk: `${createdAt}#${campaignId}`,
  }),
  live: (campaignId: string) => ({ gsi2pk: 'CAMPAIGNS#live', gsi2sk: campaignId }),
  /** where the campaign's activation (pulling its audience's next check-ins forward) has got to */
  activation: (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'ACTIVATION' }),
};

/**
 * Today's figures for the dashboard: one counter item per Asia/Shanghai date, county and township, so
 * a date's partition lists every county and a county is a prefix of it.
 */
export const statsKeys = {
  day: (date: string, county: string, township: string) => ({
    pk: `STATS#DAY#${date}`,
    sk: `${county}#${township}`,
  }),
  dayPartition: (date: string) => `STATS#DAY#${date}`,
};

/** register exports on the audit trail (issue 13): one partition per county, `city` for the whole city */
export const exportKeys = {
  entry: (scope: string, at: string, exportId: string) => ({
    pk: `EXPORTS#${scope}`,
    sk: `${at}#${exportId}`,
  }),
  partition: (scope: string) => `EXPORTS#${scope}`,
};
