import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PolicyConfig } from '../shared/config.js';
import { CONTACT_ROLES, type Contact } from '../shared/contacts/contact.js';
import { ElderNotEligible } from '../shared/errors.js';
import { cadenceMs, type PhoneVisitPolicy, policyFor } from '../shared/phone/config.js';
import { JIANGMEN_COUNTIES } from '../shared/regions.js';
import type { Elder } from '../shared/register/elder.js';
import { parseRegistration, registerParsed } from '../shared/register/service.js';
import { ABILITY_GRADES } from '../shared/registration/fields.js';
import { makeIdNumber } from '../shared/registration/id-number.js';
import type { RegistrationInput } from '../shared/registration/schema.js';
import type { Db } from '../shared/store/client.js';
import { getContact, putContact } from '../shared/store/contacts.js';
import { getElder, listEldersByCounty, receivesCheckIns } from '../shared/store/elders.js';
import { phoneKeys } from '../shared/store/keys.js';
import { getPlannerCursor } from '../shared/store/phone.js';
import { putVisit } from '../shared/store/visits.js';
import { addDaysIso, dateInPolicyZone, isoInPolicyZone } from '../shared/time.js';
import type { VisitRecord } from '../shared/visits/record.js';
import type { VisitMode } from '../shared/visits/schema.js';
import { type ManualPhone, scheduleDueAt } from './phone/http.js';
import type { SimPhone, SimulatedNetwork } from './phone/network.js';

/** A small seeded generator, so the demo register is the same on every machine. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T,
    chance: (p: number) => next() < p,
  };
}

const TOWNSHIPS: Record<string, string[]> = {
  '440703': ['环市街道', '潮连街道', '棠下镇', '杜阮镇'],
  '440704': ['外海街道', '礼乐街道', '江南街道'],
  '440705': ['会城街道', '司前镇', '大泽镇', '古井镇'],
  '440781': ['台城街道', '斗山镇', '广海镇', '海宴镇'],
  '440783': ['长沙街道', '赤坎镇', '塘口镇', '百合镇'],
  '440784': ['沙坪街道', '雅瑶镇', '古劳镇', '址山镇'],
  '440785': ['恩城街道', '横陂镇', '大田镇', '良西镇'],
};
const VILLAGES = ['东安村', '南华村', '新和村', '平安社区', '联兴村', '福田村', '长乐社区', '仁和村'];
const SURNAMES = ['陈', '李', '黄', '张', '梁', '吴', '林', '何', '谭', '关', '伍', '邓', '余', '甄'];
const GIVEN = [
  '秀英',
  '桂芳',
  '玉兰',
  '淑贞',
  '亚妹',
  '建国',
  '德明',
  '志强',
  '锦华',
  '伟雄',
  '美玲',
  '炳坤',
  '少芬',
  '树森',
];

export const DEMO_MARKER = { pk: 'META#demo', sk: 'SEED' };
export const ELDERS_PER_COUNTY = 50;

/** True when the demo register was loaded into this table already. */
export async function isSeeded(db: Db): Promise<boolean> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: DEMO_MARKER }));
  return out.Item !== undefined;
}

/**
 * Loads a synthetic demo register (no real person): contacts, elders across Jiangmen's seven county
 * divisions, and visit records of recent months. Names and numbers are made up.
 */
export async function seedDemo(
  deps: { db: Db; policy: PolicyConfig },
  now: Date,
): Promise<{ elders: number; contacts: number; visits: number }> {
  const r = random(20240131);
  const today = dateInPolicyZone(now);
  let phoneSeq = 0;
  const phone = () => `1380013${String(phoneSeq++).padStart(4, '0')}`;
  const contacts: Contact[] = [];
  for (const county of Object.keys(JIANGMEN_COUNTIES)) {
    for (const township of TOWNSHIPS[county] ?? []) {
      const contact: Contact = {
        id: `demo-contact-${county}-${contacts.length}`,
        name: `${r.pick(SURNAMES)}${r.pick(GIVEN)}（联系人）`,
        phone: `+86${phone()}`,
        role: r.pick(CONTACT_ROLES),
        county,
        township,
      };
      contacts.push(contact);
      await putContact(deps.db, contact);
    }
  }
  let elders = 0;
  let visits = 0;
  // each elder has a generator of its own, so the data is the same whatever order the writes finish in
  const seedOne = async (county: string, countyIndex: number, i: number) => {
    const r = random(20240131 + countyIndex * 1000 + i);
    // two made-up numbers per elder (own and emergency contact), after the contacts' numbers
    let phoneToggle = 0;
    const phone = () =>
      `1380013${String(1000 + (countyIndex * ELDERS_PER_COUNTY + i) * 2 + (phoneToggle++ % 2)).padStart(4, '0')}`;
    const township = r.pick(TOWNSHIPS[county] ?? ['城区']);
    const contact = contacts.find((c) => c.county === county && c.township === township);
    const age = r.chance(0.35) ? r.int(80, 96) : r.int(60, 79);
    const birthYear = Number(today.slice(0, 4)) - age - 1;
    const birthDate = `${birthYear}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
    const gender = r.chance(0.55) ? 'female' : 'male';
    const living = r.pick(['alone', 'alone', 'couple', 'withFamily', 'other'] as const);
    const body: RegistrationInput = {
      name: `${r.pick(SURNAMES)}${r.pick(GIVEN)}`,
      gender,
      birthDate,
      idNumber: makeIdNumber(county, birthDate, r.int(0, 499) * 2 + (gender === 'male' ? 1 : 0)),
      phone: r.chance(0.8) ? phone() : `0750-${r.int(2000000, 3999999)}`,
      address: `江门市${JIANGMEN_COUNTIES[county]?.zh ?? ''}${township}${r.int(1, 200)}号`,
      region: { county, township, village: r.pick(VILLAGES) },
      living,
      emptyNest: living !== 'withFamily' && r.chance(0.5),
      leftBehind: r.chance(0.15),
      ability: r.chance(0.2) ? r.pick(ABILITY_GRADES.slice(1)) : 'intact',
      dementia: r.chance(0.05),
      ...(r.chance(0.12) ? { disabilityGrade: r.int(1, 4) } : {}),
      lowIncome: r.chance(0.1),
      familyPlanningSpecial: r.chance(0.04),
      caresForDisabledChild: r.chance(0.04),
      partnerImpaired: living === 'couple' && r.chance(0.3),
      language: county === '440781' || county === '440783' ? 'yue' : r.chance(0.8) ? 'yue' : 'cmn',
      channel: r.chance(0.85) ? 'voice' : 'sms',
      emergencyContacts: [
        {
          name: `${r.pick(SURNAMES)}${r.pick(GIVEN)}`,
          relation: r.pick(['child', 'child', 'relative', 'neighbour'] as const),
          phone: phone(),
        },
      ],
      ...(contact ? { contactId: contact.id } : {}),
      ...(r.chance(0.03)
        ? {
            consent: 'refused' as const,
            refusal: {
              date: addDaysIso(today, -r.int(30, 300)),
              note: '本人表示暂不需要探访（演示数据）',
              recordedBy: '演示工作人员',
            },
          }
        : {}),
    };
    const registeredDaysAgo = r.int(30, 330);
    const registeredAt = new Date(now.getTime() - registeredDaysAgo * 86_400_000);
    let elder: Elder;
    try {
      elder = await registerParsed(deps, parseRegistration(deps.policy, body), {
        actor: 'system:demo-seed',
        now: registeredAt,
      });
    } catch (error) {
      if (error instanceof ElderNotEligible) return; // a birthday falling the wrong side of a line
      throw error;
    }
    elders++;
    if (elder.consent === 'refused') return;
    for (let day = registeredDaysAgo - 1; day > 0; day -= r.int(12, 40)) {
      const mode: VisitMode =
        elder.category === 'A'
          ? r.chance(0.8)
            ? 'home'
            : 'phone'
          : r.pick(['phone', 'automated', 'automated', 'home', 'video']);
      const when = new Date(now.getTime() - day * 86_400_000 + r.int(9, 17) * 3_600_000 - 8 * 3_600_000);
      const visit: VisitRecord = {
        id: randomUUID(),
        elderId: elder.id,
        visitedAt: isoInPolicyZone(when),
        visitedOn: dateInPolicyZone(when),
        localTime: isoInPolicyZone(when),
        mode,
        visitors: [mode === 'automated' ? '自动外呼' : (contact?.name ?? '村委工作人员')],
        safetyRisks: [],
        county,
        recordedBy: 'system:demo-seed',
        recordedAt: isoInPolicyZone(when),
      };
      await putVisit(deps.db, visit);
      visits++;
    }
  };
  const jobs = Object.keys(JIANGMEN_COUNTIES).flatMap((county, c) =>
    Array.from({ length: ELDERS_PER_COUNTY }, (_, i) => () => seedOne(county, c, i)),
  );
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) await job();
    }),
  );
  await deps.db.doc.send(
    new PutCommand({
      TableName: deps.db.tableName,
      Item: { ...DEMO_MARKER, seededAt: isoInPolicyZone(now), elders },
    }),
  );
  return { elders, contacts: contacts.length, visits };
}

// ---------------------------------------------------------------------------------------------
// Simulated phones for the demo (npm start)

/** The county whose first few elders (and their visit contacts) are answered by a person at /phone. */
export const MANUAL_COUNTY = '440703';
export const MANUAL_ELDERS = 5;
/** Elders read per county at start; more than the demo holds, fewer than a county's whole import. */
const PHONES_PER_COUNTY = 500;

/** A 32-bit seed from a string, so each elder's simulated behaviour is the same on every start. */
function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Runs `work` over `items`, `width` at a time. */
async function inPool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await work(items[i] as T);
    }),
  );
  return out;
}

async function eldersOf(db: Db, county: string): Promise<Elder[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listEldersByCounty(db, { county, limit: 200, cursor });
    ids.push(...page.items.map((e) => e.id));
    cursor = page.cursor;
  } while (cursor && ids.length < PHONES_PER_COUNTY);
  const elders = await inPool(ids.slice(0, PHONES_PER_COUNTY), 16, (id) => getElder(db, id));
  return elders.filter((e): e is Elder => e !== undefined);
}

/** How an automatic elder's phone behaves: mostly well, some missed calls, a few asking for help. */
function elderBehaviour(key: string): Pick<SimPhone, 'voice' | 'sms' | 'replyDelayMinutes'> {
  const r = random(seedOf(key));
  const p = r.next();
  const replyDelayMinutes = r.int(1, 20);
  if (p < 0.72) return { voice: ['press-1'], sms: 'reply-1', replyDelayMinutes };
  if (p < 0.8) return { voice: ['no-answer', 'press-1'], sms: 'reply-1', replyDelayMinutes };
  if (p < 0.85) return { voice: ['busy', 'press-1'], sms: 'reply-1', replyDelayMinutes };
  if (p < 0.88) return { voice: ['answer-silent', 'press-1'], sms: 'reply-1', replyDelayMinutes };
  // never answers: retries, a text, then a case for no response after the escalation time
  if (p < 0.95) return { voice: ['no-answer'], sms: 'no-reply', replyDelayMinutes };
  return { voice: ['press-2'], sms: 'reply-2', replyDelayMinutes };
}

/** Relatives and visit contacts mostly acknowledge an escalation after a while; some never do. */
function contactBehaviour(key: string): NonNullable<SimPhone['contact']> {
  const r = random(seedOf(key));
  return r.chance(0.75)
    ? { behaviour: 'ack', delayMinutes: r.int(5, 40) }
    : { behaviour: 'ignore', delayMinutes: 0 };
}

/** The raw schedule item, with its due-index keys (the store's reader strips them). */
async function scheduleItem(db: Db, elderId: string): Promise<Record<string, unknown> | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: phoneKeys.schedule(elderId), ConsistentRead: true }),
  );
  return out.Item;
}

/**
 * Gives every elder on the register a simulated phone, and their emergency contacts, visit contacts
 * and the duty phones too. Most answer by themselves; the first MANUAL_ELDERS elders of
 * MANUAL_COUNTY (one of them on text check-ins when there is one) and their visit contacts are
 * answered by a person at /phone.
 *
 * Schedules the planner can never reach are made due again: the demo register is written with
 * registration times in the past, behind the planner's cursor. Automatic elders come due a few at a
 * time over the next hour or so; manual ones after their cadence (start them from /phone instead).
 */
export async function prepareDemoPhones(
  deps: { db: Db; policy: PolicyConfig; phonePolicies: Readonly<Record<string, PhoneVisitPolicy>> },
  network: SimulatedNetwork,
  now: Date,
): Promise<{ manual: ManualPhone[]; phones: number; revived: number }> {
  const { db } = deps;
  const order = (e: Elder) => e.idNumber ?? e.id;
  const elders = (await Promise.all(Object.keys(deps.policy.counties).map((county) => eldersOf(db, county))))
    .flat()
    .sort((a, b) => a.region.county.localeCompare(b.region.county) || order(a).localeCompare(order(b)));

  const contacts = new Map<string, Contact>();
  for (const id of new Set(elders.flatMap((e) => (e.contactId ? [e.contactId] : [])))) {
    const contact = await getContact(db, id);
    if (contact) contacts.set(id, contact);
  }

  // the person at /phone: voice elders, and one on text check-ins when the county has one
  const candidates = elders.filter(
    (e) =>
      e.region.county === MANUAL_COUNTY &&
      receivesCheckIns(e) &&
      e.contactId !== undefined &&
      contacts.has(e.contactId) &&
      e.phone.startsWith('+861'),
  );
  const bySms = candidates.find((e) => e.channel === 'sms');
  const manualElders = candidates
    .filter((e) => e.channel === 'voice')
    .slice(0, bySms ? MANUAL_ELDERS - 1 : MANUAL_ELDERS);
  if (bySms) manualElders.push(bySms);
  const manualIds = new Set(manualElders.map((e) => e.id));

  for (const contact of contacts.values())
    network.addPhone({
      number: contact.phone,
      kind: 'contact',
      id: contact.id,
      label: 'contact',
      voice: ['no-answer'],
      sms: 'no-reply',
      contact: contactBehaviour(contact.id),
    });
  for (const policy of Object.values(deps.phonePolicies))
    for (const numbers of Object.values(policy.escalation.dutyPhones))
      for (const number of numbers)
        network.addPhone({
          number,
          kind: 'contact',
          id: 'duty',
          label: 'duty',
          voice: ['no-answer'],
          sms: 'no-reply',
          contact: { behaviour: 'ack', delayMinutes: 15 },
        });
  for (const elder of elders) {
    const manual = manualIds.has(elder.id);
    network.addPhone({
      number: elder.phone,
      kind: 'elder',
      id: elder.id,
      label: 'elder',
      ...(manual ? { voice: ['manual'], sms: 'manual' } : elderBehaviour(order(elder))),
    });
    elder.emergencyContacts.forEach((c, i) => {
      network.addPhone({
        number: c.phone,
        kind: 'contact',
        id: `${elder.id}-ec${i}`,
        label: 'emergency',
        voice: ['no-answer'],
        sms: 'no-reply',
        // the person at /phone plays the visit contact: the relatives of manual elders stay silent
        contact: manual ? { behaviour: 'ignore', delayMinutes: 0 } : contactBehaviour(`${elder.id}-${i}`),
      });
    });
  }

  const manual: ManualPhone[] = [];
  for (const elder of manualElders) {
    const contact = contacts.get(elder.contactId as string) as Contact;
    manual.push({
      number: elder.phone,
      kind: 'elder',
      id: elder.id,
      name: elder.name,
      county: elder.region.county,
      village: elder.region.village,
      channel: elder.channel,
      contactNumber: contact.phone,
    });
    if (!manual.some((p) => p.number === contact.phone)) {
      manual.push({
        number: contact.phone,
        kind: 'contact',
        id: contact.id,
        name: contact.name,
        county: contact.county,
        village: contact.township,
      });
      network.addPhone({
        number: contact.phone,
        kind: 'contact',
        id: contact.id,
        label: 'contact',
        voice: ['manual'],
        sms: 'manual',
      });
    }
  }

  // due items in hour buckets before this are never read by the planner again
  const cursor =
    (await getPlannerCursor(db)) ?? new Date(now.getTime() - 86_400_000).toISOString().slice(0, 13);
  const nowBucket = now.toISOString().slice(0, 13);
  const reachable = [cursor, nowBucket].sort()[0] as string;
  let staggered = 0;
  const revived = await inPool(elders, 16, async (elder) => {
    if (!receivesCheckIns(elder)) return false;
    const item = await scheduleItem(db, elder.id);
    if (!item || item.openCheckInId || item.suspended) return false;
    const bucket = typeof item.gsi3pk === 'string' ? item.gsi3pk.slice(4, 17) : undefined;
    if (bucket && bucket >= reachable) return false;
    const at = manualIds.has(elder.id)
      ? new Date(
          now.getTime() + cadenceMs(policyFor(deps.phonePolicies, elder.region.county), elder.category),
        )
      : new Date(now.getTime() + 60_000 + staggered++ * 12_000);
    return scheduleDueAt(db, elder.id, at, now);
  });
  return { manual, phones: network.phones.size, revived: revived.filter(Boolean).length };
}
