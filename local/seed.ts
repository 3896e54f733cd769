import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PolicyConfig } from '../shared/config.js';
import { CONTACT_ROLES, type Contact } from '../shared/contacts/contact.js';
import { ElderNotEligible } from '../shared/errors.js';
import { JIANGMEN_COUNTIES } from '../shared/regions.js';
import type { Elder } from '../shared/register/elder.js';
import { parseRegistration, registerParsed } from '../shared/register/service.js';
import { ABILITY_GRADES } from '../shared/registration/fields.js';
import { makeIdNumber } from '../shared/registration/id-number.js';
import type { RegistrationInput } from '../shared/registration/schema.js';
import type { Db } from '../shared/store/client.js';
import { putContact } from '../shared/store/contacts.js';
import { putVisit } from '../shared/store/visits.js';
import { addDaysIso, dateInPolicyZone, isoInPolicyZone } from '../shared/time.js';
import type { VisitRecord } from '../shared/visits/record.js';
import type { VisitMode } from '../shared/visits/schema.js';

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
