import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiDeps } from '../../functions/api/routes.js';
import type { CampaignApiDeps } from '../../functions/campaigns/routes.js';
import { declareAbsence } from '../../shared/absences/absence.js';
import type { Principal, Role } from '../../shared/auth/principal.js';
import type { CampaignScheduler } from '../../shared/campaigns/scheduler.js';
import { openCase } from '../../shared/phone/case.js';
import { DEFAULT_PHONE_POLICY } from '../../shared/phone/config.js';
import { makeIdNumber } from '../../shared/registration/id-number.js';
import { listAbsences, putAbsence } from '../../shared/store/absences.js';
import { getCampaign, listCampaigns, saveCampaign } from '../../shared/store/campaigns.js';
import { getContact, listContactsByCounty } from '../../shared/store/contacts.js';
import { getElder, listEldersByCounty } from '../../shared/store/elders.js';
import { createCase, getCase } from '../../shared/store/phone.js';
import { putReview } from '../../shared/store/reviews.js';
import { createAlert, getAlert, listDevicesOfElder, putDevice } from '../../shared/store/signals.js';
import { listVisits, putVisit } from '../../shared/store/visits.js';
import {
  type ApiClient,
  apiClient,
  cityAdmin,
  countyAdmin,
  type Reply,
  townshipOperator,
} from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

/**
 * The access matrix (issue 5, section 1): every route the API serves × every kind of caller × data of
 * their own township, another township of their county, and another county. Each call is checked
 * for its status, for bodies that name nothing of what the caller may not see (ids, names, the other
 * county), for "not yours" answering exactly like "not there", and for writes refused leaving the
 * other side's data as it was. The route list is read from the router itself, so a route added
 * without a row here fails this test.
 */

// every route table handed to the router, as the API builds it
const served = vi.hoisted(() => [] as { method: string; path: string }[]);
vi.mock('@middy/http-router', async (importOriginal) => {
  const original = await importOriginal<typeof import('@middy/http-router')>();
  return {
    ...original,
    default: (routes: { method: string; path: string }[], ...rest: unknown[]) => {
      served.push(...routes.map((r) => ({ method: r.method, path: r.path })));
      return (original.default as (...args: unknown[]) => unknown)(routes, ...rest);
    },
  };
});

const X = '440703'; // 蓬江区: the callers' own county
const Y = '440705'; // 新会区: another county
const T1 = '潮连街道';
const T2 = '棠下镇';
const TY = '会城街道';
const MONTH = '2025-07';
const now = new Date('2025-07-01T10:00:00+08:00');

type Who = 'city' | 'adminX' | 'adminY' | 'opX1' | 'none';
type Where = 'own' | 'otherTownship' | 'otherCounty';
const WHO: readonly Who[] = ['city', 'adminX', 'adminY', 'opX1', 'none'];
const WHERE: readonly Where[] = ['own', 'otherTownship', 'otherCounty'];
const PLACE: Record<Where, { county: string; township: string }> = {
  own: { county: X, township: T1 },
  otherTownship: { county: X, township: T2 },
  otherCounty: { county: Y, township: TY },
};
const PRINCIPAL: Record<Who, Principal | null> = {
  city: cityAdmin('matrix-city'),
  adminX: countyAdmin(X, 'matrix-admin-x'),
  adminY: countyAdmin(Y, 'matrix-admin-y'),
  opX1: townshipOperator(X, T1, 'matrix-op-x1'),
  none: null,
};

/** Written down here, not derived from the code under test: who sees which county and which place. */
const SEES_COUNTY: Record<Who, readonly Where[]> = {
  city: WHERE,
  adminX: ['own', 'otherTownship'],
  adminY: ['otherCounty'],
  opX1: ['own', 'otherTownship'],
  none: [],
};
const SEES_PLACE: Record<Who, readonly Where[]> = {
  city: WHERE,
  adminX: ['own', 'otherTownship'],
  adminY: ['otherCounty'],
  opX1: ['own'],
  none: [],
};
const ROLE: Record<Exclude<Who, 'none'>, Role> = {
  city: 'cityAdmin',
  adminX: 'countyAdmin',
  adminY: 'countyAdmin',
  opX1: 'townshipOperator',
};
const ALL: readonly Role[] = ['cityAdmin', 'countyAdmin', 'townshipOperator'];
const ADMINS: readonly Role[] = ['cityAdmin', 'countyAdmin'];

/** The data of one place: what the seeding made, and everything that names it. */
interface Data {
  elder: string;
  contact: string;
  case: string;
  campaign: string;
  importJob: string;
  // roll call, absences, signals (issue 16)
  absence?: string;
  device?: string;
  alert?: string;
}
const data = {} as Record<Where, Data>;
/** strings that name a place's data (ids, names); a caller who does not see the place must never get one */
const names: Record<Where, Set<string>> = {
  own: new Set(),
  otherTownship: new Set(),
  otherCounty: new Set(),
};
const MISSING: Data = {
  elder: 'missing-elder',
  contact: 'missing-contact',
  case: 'missing-case',
  campaign: 'missing-campaign',
  importJob: randomUUID(),
};

let db: Awaited<ReturnType<typeof freshDb>>;
let api: ApiClient;
const scheduler: CampaignScheduler = { schedule: async () => undefined, unschedule: async () => undefined };
const seeder = cityAdmin('matrix-seed');
let seq = 0;
let caseCode = 1000;

const tag = (where: Where) => ({ own: '甲', otherTownship: '乙', otherCounty: '丙' })[where];

const COUNTY_NAME: Record<string, string> = { [X]: '蓬江区', [Y]: '新会区' };

/** A registration of the place: its own county in the ID number and the address, a new person each time. */
function registration(where: Where, over: Record<string, unknown> = {}) {
  const n = ++seq;
  const { county } = PLACE[where];
  return {
    ...aRegistration({ age: 82, living: 'alone', region: { ...PLACE[where], village: '矩阵村' } }),
    name: `矩阵${tag(where)}老人${n}`,
    birthDate: '1943-03-03',
    gender: 'female',
    // an even sequence number: a woman's
    idNumber: makeIdNumber(county, '1943-03-03', (2 * n) % 1000),
    address: `江门市${COUNTY_NAME[county]}矩阵路${n}号`,
    phone: `1380013${String(2000 + n).slice(-4)}`,
    ...over,
  };
}

async function newElder(where: Where, contactId?: string): Promise<string> {
  const body = registration(where, contactId ? { contactId } : {});
  const name = body.name;
  const reply = await api.as(seeder)('POST', '/api/elders', body);
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  names[where].add(reply.body.id).add(name);
  return reply.body.id;
}

async function newContact(where: Where): Promise<string> {
  const name = `矩阵${tag(where)}联系人${++seq}`;
  const reply = await api.as(seeder)('POST', '/api/contacts', {
    name,
    phone: `1390013${String(5000 + seq).slice(-4)}`,
    role: 'committeeStaff',
    ...PLACE[where],
  });
  expect(reply.status).toBe(201);
  names[where].add(reply.body.id).add(name);
  return reply.body.id;
}

/** An open case of the place's elder, straight into the store as the phone engine opens one. */
async function newCase(where: Where): Promise<string> {
  const { case: c } = openCase({
    id: randomUUID(),
    code: String(++caseCode),
    elderId: data[where].elder,
    county: PLACE[where].county,
    township: PLACE[where].township,
    reason: 'noResponse',
    ladder: {
      contact: [{ to: '+8613900135555', role: 'contact', ref: data[where].contact }],
      emergency: [],
      duty: [],
    },
    now,
    policy: DEFAULT_PHONE_POLICY,
  });
  await createCase(db, c, now);
  names[where].add(c.id);
  return c.id;
}

// roll call, absences, signals (issue 16): begin
/** An absence of the place's elder, straight into the store (the route under test ends it). */
async function newAbsence(where: Where): Promise<string> {
  const absence = declareAbsence({
    id: randomUUID(),
    elder: { id: data[where].elder, region: { ...PLACE[where], village: '矩阵村' } },
    input: { until: '2025-07-09', reason: 'away' },
    who: 'staff',
    via: 'console',
    today: '2025-07-01',
    now,
  });
  await putAbsence(db, absence);
  names[where].add(absence.id);
  return absence.id;
}
/** A device of the place's elder (the route under test removes it). */
async function newDevice(where: Where): Promise<string> {
  const deviceId = `MX-${++seq}`;
  await putDevice(db, {
    vendor: 'matrix',
    deviceId,
    kind: 'doorSensor',
    elderId: data[where].elder,
    ...PLACE[where],
    village: '矩阵村',
    registeredAt: now.toISOString(),
    registeredBy: 'matrix',
  });
  return deviceId;
}

/** A pending alert of the place's elder, straight into the store as a rule firing stores one. */
async function newAlert(where: Where): Promise<string> {
  const id = randomUUID().replaceAll('-', '');
  await createAlert(db, {
    id,
    rule: 'button',
    action: 'case',
    elderId: data[where].elder,
    ...PLACE[where],
    device: { vendor: 'matrix', deviceId: 'BTN', kind: 'alarmButton' },
    window: { from: now.toISOString(), to: now.toISOString() },
    readings: [],
    detail: 'matrix',
    firedAt: now.toISOString(),
    status: 'pending',
  });
  names[where].add(id);
  return id;
}
// roll call, absences, signals (issue 16): end

const campaignBody = (where: Where) => ({
  title: `矩阵${tag(where)}台风活动`,
  kind: 'typhoon',
  target: {
    counties: [PLACE[where].county],
    townships: [{ county: PLACE[where].county, township: PLACE[where].township }],
    categories: ['A', 'B'],
  },
  window: { start: '2025-07-02T09:00:00+08:00', end: '2025-07-04T09:00:00+08:00' },
  cadence: { A: { everyHours: 12 }, B: { everyHours: 24 } },
  messages: {
    call: { yue: '台风就嚟，请关好门窗。', cmn: '台风将至，请关好门窗。' },
    text: '【安心】台风将至，请关好门窗。需要帮助请回复2。',
  },
});

/** A campaign of the place in the given state (created by the seeding administrator). */
async function newCampaign(where: Where, status = 'draft'): Promise<string> {
  const reply = await api.as(seeder)('POST', '/api/campaigns', campaignBody(where));
  expect(reply.status).toBe(201);
  names[where].add(reply.body.id);
  if (status !== 'draft') {
    const stored = await getCampaign(db, reply.body.id);
    if (!stored) throw new Error('campaign gone');
    const { version, ...plain } = stored;
    await saveCampaign(db, { ...plain, status } as Parameters<typeof saveCampaign>[1], version);
  }
  return reply.body.id;
}

const CSV_HEADER = '姓名,性别,出生日期,身份证号,联系电话,住址,县(市、区),镇（街道）,村（居）,居住情况';
function importCsv(where: Where): string {
  const n = ++seq;
  const name = `矩阵${tag(where)}导入${n}`;
  names[where].add(name);
  const { county, township } = PLACE[where];
  const id = makeIdNumber(county, '1941-05-05', (2 * n + 1) % 1000);
  const phone = `13800136${String(n).padStart(3, '0')}`;
  return `${CSV_HEADER}\n${name},男,1941-05-05,${id},${phone},江门市${COUNTY_NAME[county]}矩阵路${n}号,${COUNTY_NAME[county]},${township},矩阵村,独居\n`;
}

async function countyElders(county: string): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await listEldersByCounty(db, { county, limit: 200, cursor });
    count += page.items.length;
    cursor = page.cursor;
  } while (cursor);
  return count;
}

/** One call of the matrix: what to send, given the data of the target place. */
interface Request {
  method: string;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A row of the matrix, one per route. `scope` says how a caller who may use the route at all is
 * limited:
 * - item: an item of a place (404 — or `hidden` — exactly as a missing one when not seen);
 * - county: a list, count or new item for the place's county (403 when not seen);
 * - place: a report for the place's county and township (403 when not seen);
 * - free: nothing of a place (classify, who am I, templates, a list without county);
 * - public: no login at all.
 */
interface Row {
  roles: readonly Role[] | 'public';
  scope: 'item' | 'county' | 'place' | 'free' | 'public';
  ok: number;
  hidden?: number;
  /** items by county (campaigns, import jobs) rather than by township */
  countyItem?: boolean;
  /** per call: fresh data the call may change (a new open case, a campaign in the right state) */
  fresh?: (where: Where) => Promise<Partial<Data>>;
  request: (d: Data, where: Where) => Request;
  /** a write: what must not change when the call is refused */
  snapshot?: (d: Data, where: Where) => Promise<unknown>;
  /** extra checks of a successful or refused answer */
  check?: (reply: Reply, who: Who, where: Where) => void;
}

const elderVersion = async (d: Data) => (await getElder(db, d.elder))?.version;

const ROWS: Record<string, Row> = {
  'GET /healthz': {
    roles: 'public',
    scope: 'public',
    ok: 200,
    request: () => ({ method: 'GET', url: '/healthz' }),
  },
  'GET /v/{token}': {
    roles: 'public',
    scope: 'public',
    ok: 403,
    request: () => ({ method: 'GET', url: '/v/bm90LWEtbGluaw.c2lnbmF0dXJl' }),
  },
  'POST /v/{token}': {
    roles: 'public',
    scope: 'public',
    ok: 403,
    request: () => ({ method: 'POST', url: '/v/bm90LWEtbGluaw.c2lnbmF0dXJl', body: {} }),
  },
  // roll call, absences, signals (issue 16): begin (public rows)
  'GET /v/{token}/away': {
    roles: 'public',
    scope: 'public',
    ok: 403,
    request: () => ({ method: 'GET', url: '/v/bm90LWEtbGluaw.c2lnbmF0dXJl/away' }),
  },
  'POST /v/{token}/away': {
    roles: 'public',
    scope: 'public',
    ok: 403,
    request: () => ({ method: 'POST', url: '/v/bm90LWEtbGluaw.c2lnbmF0dXJl/away', body: {} }),
  },
  'POST /signals/readings': {
    roles: 'public',
    scope: 'public',
    // a batch without a signature: refused as unsigned
    ok: 401,
    request: () => ({ method: 'POST', url: '/signals/readings', body: { vendor: 'acme', readings: [] } }),
  },
  // roll call, absences, signals (issue 16): end (public rows)
  'GET /l/{id}': {
    roles: 'public',
    scope: 'public',
    ok: 404,
    request: () => ({ method: 'GET', url: '/l/abcdefgh' }),
  },

  'GET /api/me': { roles: ALL, scope: 'free', ok: 200, request: () => ({ method: 'GET', url: '/api/me' }) },
  'POST /api/classify': {
    roles: ALL,
    scope: 'free',
    ok: 200,
    request: (_d, where) => ({
      method: 'POST',
      url: '/api/classify?on=2025-07-01',
      body: registration(where),
    }),
  },
  'POST /api/elders': {
    roles: ADMINS,
    scope: 'county',
    ok: 201,
    request: (_d, where) => ({
      method: 'POST',
      url: '/api/elders',
      body: registration(where),
    }),
    snapshot: (_d, where) => countyElders(PLACE[where].county),
  },
  'GET /api/elders': {
    roles: ALL,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({ method: 'GET', url: `/api/elders?county=${PLACE[where].county}&limit=200` }),
  },
  'GET /api/elders/unpaired': {
    roles: ALL,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({ method: 'GET', url: `/api/elders/unpaired?county=${PLACE[where].county}` }),
  },
  'GET /api/elders/{id}': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/elders/${d.elder}` }),
  },
  'PATCH /api/elders/{id}': {
    roles: ADMINS,
    scope: 'item',
    ok: 200,
    request: (d) => ({ method: 'PATCH', url: `/api/elders/${d.elder}`, body: { living: 'alone' } }),
    snapshot: elderVersion,
  },
  'GET /api/elders/{id}/audit': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/elders/${d.elder}/audit` }),
  },
  'GET /api/elders/{id}/compliance': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/elders/${d.elder}/compliance?month=${MONTH}` }),
  },
  'GET /api/elders/{id}/timeline': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/elders/${d.elder}/timeline` }),
  },
  'GET /api/elders/{id}/check-ins': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/elders/${d.elder}/check-ins` }),
  },
  'GET /api/elders/{id}/follow-ups': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/elders/${d.elder}/follow-ups` }),
  },
  'GET /api/elders/{id}/pairings': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/elders/${d.elder}/pairings` }),
  },
  // category review (issue 14): begin
  'GET /api/reviews': {
    roles: ALL,
    scope: 'county',
    ok: 200,
    fresh: async (where) => {
      const elder = await newElder(where);
      await putReview(db, {
        elderId: elder,
        name: [...names[where]].find((n) => n.startsWith('矩阵')) ?? '矩阵',
        ...PLACE[where],
        current: 'A',
        proposed: 'C',
        direction: 'lower',
        source: 'definitions',
        reasons: [],
        at: '2025-07-01T10:00:00+08:00',
      });
      return { elder };
    },
    request: (_d, where) => ({ method: 'GET', url: `/api/reviews?county=${PLACE[where].county}` }),
    check: (reply, who, where) => {
      if (reply.status !== 200) return;
      const ids = (reply.body.items as { elderId: string }[]).map((i) => i.elderId);
      for (const id of ids) expect(SEES_PLACE[who].some((w) => names[w].has(id))).toBe(true);
      if (SEES_PLACE[who].includes(where)) expect(ids.length).toBeGreaterThan(0);
    },
  },
  'POST /api/reviews/scan': {
    roles: ADMINS,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({
      method: 'POST',
      url: '/api/reviews/scan',
      body: { county: PLACE[where].county },
    }),
  },
  'POST /api/elders/{id}/review': {
    roles: ADMINS,
    scope: 'item',
    ok: 200,
    fresh: async (where) => {
      const elder = await newElder(where);
      await putReview(db, {
        elderId: elder,
        name: '矩阵',
        ...PLACE[where],
        current: 'A',
        proposed: 'A',
        direction: 'lower',
        source: 'definitions',
        reasons: [],
        at: '2025-07-01T10:00:00+08:00',
      });
      return { elder };
    },
    request: (d) => ({
      method: 'POST',
      url: `/api/elders/${d.elder}/review`,
      body: { decision: 'accept', reason: '矩阵复核' },
    }),
    snapshot: elderVersion,
  },
  'PATCH /api/elders/{id}/visits/{visitId}': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    fresh: async (where) => {
      const elder = await newElder(where);
      await putVisit(db, {
        id: `v-${elder}`,
        elderId: elder,
        visitedAt: '2025-07-01T09:00:00+08:00',
        mode: 'home',
        visitors: ['矩阵联系人'],
        safetyRisks: [],
        visitedOn: '2025-07-01',
        localTime: '2025-07-01T09:00:00+08:00',
        county: PLACE[where].county,
        recordedBy: 'contact:matrix:sms',
        recordedAt: '2025-07-01T09:00:00+08:00',
        complete: false,
      });
      return { elder };
    },
    request: (d) => ({
      method: 'PATCH',
      url: `/api/elders/${d.elder}/visits/v-${d.elder}`,
      body: { visitors: ['矩阵联系人'], health: '良好', serviceNeeds: ['dailyCare'] },
    }),
    snapshot: async (d) => (await listVisits(db, d.elder, '2025-07-01', '2025-07-01'))[0]?.complete,
  },
  'GET /api/visits/incomplete': {
    roles: ALL,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({ method: 'GET', url: `/api/visits/incomplete?county=${PLACE[where].county}` }),
  },
  // category review (issue 14): end
  'POST /api/visits': {
    roles: ALL,
    scope: 'item',
    ok: 201,
    hidden: 422,
    request: (d) => ({
      method: 'POST',
      url: '/api/visits',
      body: { elderId: d.elder, visitedAt: '2025-07-01', mode: 'phone', visitors: ['矩阵探访员'] },
    }),
    snapshot: async (d) => (await listVisits(db, d.elder, '2025-01-01', '2025-12-31')).length,
  },

  // the whole register (issue 13)
  'GET /api/elders/search': {
    roles: ALL,
    scope: 'place',
    ok: 200,
    request: (_d, where) => ({
      method: 'GET',
      url: `/api/elders/search?county=${PLACE[where].county}&township=${encodeURIComponent(PLACE[where].township)}`,
    }),
  },
  'GET /api/reports/register': {
    roles: ALL,
    scope: 'place',
    ok: 200,
    request: (_d, where) => ({
      method: 'GET',
      url: `/api/reports/register?county=${PLACE[where].county}&township=${encodeURIComponent(PLACE[where].township)}`,
    }),
  },
  'GET /api/exports': {
    roles: ADMINS,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({ method: 'GET', url: `/api/exports?county=${PLACE[where].county}` }),
  },
  'POST /api/elders/{id}/status': {
    roles: ADMINS,
    scope: 'item',
    ok: 200,
    fresh: async (where) => ({ elder: await newElder(where) }),
    request: (d) => ({ method: 'POST', url: `/api/elders/${d.elder}/status`, body: { status: 'hospital' } }),
    snapshot: elderVersion,
  },
  'POST /api/elders/{id}/category': {
    roles: ADMINS,
    scope: 'item',
    ok: 200,
    fresh: async (where) => ({ elder: await newElder(where) }),
    request: (d) => ({
      method: 'POST',
      url: `/api/elders/${d.elder}/category`,
      body: { category: 'A', reason: '矩阵调整' },
    }),
    snapshot: elderVersion,
  },
  // roll call, absences, signals (issue 16): begin
  'POST /api/elders/{id}/absences': {
    roles: ALL,
    scope: 'item',
    ok: 201,
    request: (d) => ({
      method: 'POST',
      url: `/api/elders/${d.elder}/absences`,
      body: { until: '2025-07-05' },
    }),
    snapshot: async (d) => (await listAbsences(db, d.elder)).length,
  },
  'GET /api/elders/{id}/absences': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/elders/${d.elder}/absences` }),
  },
  'POST /api/elders/{id}/absences/{absenceId}/end': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    fresh: async (where) => ({ absence: await newAbsence(where) }),
    request: (d) => ({ method: 'POST', url: `/api/elders/${d.elder}/absences/${d.absence}/end` }),
    snapshot: async (d) => (await listAbsences(db, d.elder)).find((a) => a.id === d.absence)?.endedAt ?? null,
  },
  'POST /api/elders/{id}/devices': {
    roles: ADMINS,
    scope: 'item',
    ok: 201,
    request: (d) => ({
      method: 'POST',
      url: `/api/elders/${d.elder}/devices`,
      body: { kind: 'waterMeter', vendor: 'matrix', deviceId: `WM-${++seq}` },
    }),
    snapshot: async (d) => (await listDevicesOfElder(db, d.elder)).length,
  },
  'GET /api/elders/{id}/devices': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/elders/${d.elder}/devices` }),
  },
  'POST /api/elders/{id}/devices/remove': {
    roles: ADMINS,
    scope: 'item',
    ok: 200,
    fresh: async (where) => ({ device: await newDevice(where) }),
    request: (d) => ({
      method: 'POST',
      url: `/api/elders/${d.elder}/devices/remove`,
      body: { vendor: 'matrix', deviceId: d.device ?? 'none' },
    }),
    snapshot: async (d) => (await listDevicesOfElder(db, d.elder)).length,
  },
  'PUT /api/elders/{id}/signal-rules': {
    roles: ADMINS,
    scope: 'item',
    ok: 200,
    request: (d) => ({
      method: 'PUT',
      url: `/api/elders/${d.elder}/signal-rules`,
      body: { noDoor: { hours: 36 } },
    }),
  },
  'GET /api/signals/rules': {
    roles: ALL,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({ method: 'GET', url: `/api/signals/rules?county=${PLACE[where].county}` }),
  },
  'PUT /api/signals/rules': {
    roles: ADMINS,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({
      method: 'PUT',
      url: `/api/signals/rules?county=${PLACE[where].county}`,
      body: { waterLow: { thresholdM3: 0.01 } },
    }),
  },
  'GET /api/signals/alerts': {
    roles: ALL,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({ method: 'GET', url: `/api/signals/alerts?county=${PLACE[where].county}` }),
  },
  'POST /api/signals/alerts/{id}/verdict': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    fresh: async (where) => ({ alert: await newAlert(where) }),
    request: (d) => ({
      method: 'POST',
      url: `/api/signals/alerts/${d.alert}/verdict`,
      body: { verdict: 'false' },
    }),
    snapshot: async (d) => (d.alert ? ((await getAlert(db, d.alert))?.verdict ?? null) : null),
  },
  'GET /api/signals/stats': {
    roles: ALL,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({ method: 'GET', url: `/api/signals/stats?county=${PLACE[where].county}` }),
  },
  // roll call, absences, signals (issue 16): end

  'GET /api/cases': {
    roles: ALL,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({ method: 'GET', url: `/api/cases?county=${PLACE[where].county}` }),
  },
  'GET /api/cases/{id}': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/cases/${d.case}` }),
  },
  'POST /api/cases/{id}/close': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    fresh: async (where) => ({ case: await newCase(where) }),
    request: (d) => ({ method: 'POST', url: `/api/cases/${d.case}/close`, body: { closure: 'visited' } }),
    snapshot: async (d) => (await getCase(db, d.case))?.version,
    check: (reply, who) => {
      if (reply.status === 200) expect(reply.body.closedBy).toBe(actor(who));
    },
  },
  'POST /api/cases/{id}/acknowledge': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    fresh: async (where) => ({ case: await newCase(where) }),
    request: (d) => ({ method: 'POST', url: `/api/cases/${d.case}/acknowledge` }),
    snapshot: async (d) => (await getCase(db, d.case))?.version,
    check: (reply, who) => {
      if (reply.status === 200)
        expect(reply.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: actor(who) });
    },
  },

  'POST /api/contacts': {
    roles: ADMINS,
    scope: 'county',
    ok: 201,
    request: (_d, where) => ({
      method: 'POST',
      url: '/api/contacts',
      body: {
        name: `矩阵${tag(where)}新联系人`,
        phone: `1390013${String(6000 + ++seq).slice(-4)}`,
        role: 'volunteer',
        ...PLACE[where],
      },
    }),
    snapshot: async (_d, where) => (await listContactsByCounty(db, PLACE[where].county)).length,
  },
  'GET /api/contacts': {
    roles: ALL,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({ method: 'GET', url: `/api/contacts?county=${PLACE[where].county}` }),
  },
  'GET /api/contacts/{id}': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/contacts/${d.contact}` }),
  },
  'PATCH /api/contacts/{id}': {
    roles: ADMINS,
    scope: 'item',
    ok: 200,
    request: (d) => ({ method: 'PATCH', url: `/api/contacts/${d.contact}`, body: { role: 'socialWorker' } }),
    snapshot: async (d) => (await getContact(db, d.contact))?.version,
  },
  'GET /api/contacts/{id}/audit': {
    roles: ALL,
    scope: 'item',
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/contacts/${d.contact}/audit` }),
  },

  // the county template (issue 13)
  'GET /api/reports/import-template': {
    roles: ADMINS,
    scope: 'free',
    ok: 200,
    request: () => ({ method: 'GET', url: '/api/reports/import-template' }),
  },
  'POST /api/imports': {
    roles: ADMINS,
    scope: 'free',
    ok: 200,
    request: (_d, where) => ({
      method: 'POST',
      url: '/api/imports?filename=matrix.csv',
      body: Buffer.from(importCsv(where)),
      headers: { 'content-type': 'text/csv' },
    }),
    snapshot: (_d, where) => countyElders(PLACE[where].county),
    check: (reply, who, where) => {
      if (reply.status !== 200) return;
      // rows of a county the caller does not see are refused row by row and never written
      if (SEES_COUNTY[who].includes(where)) expect(reply.body).toMatchObject({ created: 1, failed: 0 });
      else {
        expect(reply.body).toMatchObject({ created: 0, updated: 0, failed: 1 });
        expect(reply.body.errors[0].errors[0].message).toMatch(/不在您的管辖范围内.* \/ .*outside your area/);
      }
    },
  },
  'GET /api/imports/{id}': {
    roles: ADMINS,
    scope: 'item',
    countyItem: true,
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/imports/${d.importJob}` }),
  },

  'GET /api/reports/monthly': {
    roles: ALL,
    scope: 'place',
    ok: 200,
    request: (_d, where) => ({
      method: 'GET',
      url: `/api/reports/monthly?month=${MONTH}&county=${PLACE[where].county}&township=${encodeURIComponent(PLACE[where].township)}`,
    }),
  },
  'GET /api/reports/open-obligations': {
    roles: ALL,
    scope: 'place',
    ok: 200,
    request: (_d, where) => ({
      method: 'GET',
      url: `/api/reports/open-obligations?month=${MONTH}&county=${PLACE[where].county}&township=${encodeURIComponent(PLACE[where].township)}`,
    }),
  },

  'GET /api/stats/today': {
    roles: ALL,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({ method: 'GET', url: `/api/stats/today?county=${PLACE[where].county}` }),
  },
  // carrier health (issue 11)
  'GET /api/phone/health': {
    roles: ALL,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({ method: 'GET', url: `/api/phone/health?county=${PLACE[where].county}` }),
  },
  // capacity planning (issue 11 part 6)
  'GET /api/capacity': {
    roles: ADMINS,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({ method: 'GET', url: `/api/capacity?county=${PLACE[where].county}` }),
  },

  'GET /api/campaigns/templates': {
    roles: ADMINS,
    scope: 'free',
    ok: 200,
    request: () => ({ method: 'GET', url: '/api/campaigns/templates?year=2025' }),
  },
  'POST /api/campaigns/preview': {
    roles: ADMINS,
    scope: 'county',
    ok: 200,
    request: (_d, where) => ({ method: 'POST', url: '/api/campaigns/preview', body: campaignBody(where) }),
  },
  'POST /api/campaigns/cap': {
    roles: ADMINS,
    scope: 'free',
    // an alert without a signature: refused as unsigned (401), after the role check
    ok: 401,
    request: () => ({
      method: 'POST',
      url: '/api/campaigns/cap',
      body: '<alert/>',
      headers: { 'content-type': 'application/xml' },
    }),
  },
  'POST /api/campaigns': {
    roles: ADMINS,
    scope: 'county',
    ok: 201,
    request: (_d, where) => ({ method: 'POST', url: '/api/campaigns', body: campaignBody(where) }),
    snapshot: async (_d, where) =>
      (await listCampaigns(db, 500)).filter((c) => c.target.counties.includes(PLACE[where].county)).length,
  },
  'GET /api/campaigns': {
    roles: ADMINS,
    scope: 'free',
    ok: 200,
    request: () => ({ method: 'GET', url: '/api/campaigns' }),
  },
  'GET /api/campaigns/{id}': {
    roles: ADMINS,
    scope: 'item',
    countyItem: true,
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/campaigns/${d.campaign}` }),
  },
  'GET /api/campaigns/{id}/preview': {
    roles: ADMINS,
    scope: 'item',
    countyItem: true,
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/campaigns/${d.campaign}/preview` }),
  },
  'GET /api/campaigns/{id}/progress': {
    roles: ADMINS,
    scope: 'item',
    countyItem: true,
    ok: 200,
    request: (d) => ({ method: 'GET', url: `/api/campaigns/${d.campaign}/progress` }),
  },
  ...Object.fromEntries(
    (
      [
        ['approve', 'draft'],
        ['start', 'approved'],
        ['pause', 'running'],
        ['resume', 'paused'],
        ['cancel', 'draft'],
      ] as const
    ).map(([action, status]): [string, Row] => [
      `POST /api/campaigns/{id}/${action}`,
      {
        roles: ADMINS,
        scope: 'item',
        countyItem: true,
        ok: 200,
        fresh: async (where) => ({ campaign: await newCampaign(where, status) }),
        request: (d) => ({ method: 'POST', url: `/api/campaigns/${d.campaign}/${action}` }),
        snapshot: async (d) => {
          const c = await getCampaign(db, d.campaign);
          return c && { status: c.status, version: c.version };
        },
      },
    ]),
  ),
};

const actor = (who: Who) => {
  const p = PRINCIPAL[who];
  return p ? `${p.role}:${p.username}` : undefined;
};

/** What the row's route must answer to this caller for this place. */
function expected(row: Row, who: Who, where: Where): number {
  if (row.roles === 'public') return row.ok;
  if (who === 'none') return 401;
  if (!row.roles.includes(ROLE[who])) return 403;
  const seen =
    row.scope === 'free' ||
    (row.scope === 'county' && SEES_COUNTY[who].includes(where)) ||
    (row.scope === 'place' && SEES_PLACE[who].includes(where)) ||
    (row.scope === 'item' && (row.countyItem ? SEES_COUNTY : SEES_PLACE)[who].includes(where));
  if (seen) return row.ok;
  return row.scope === 'item' ? (row.hidden ?? 404) : 403;
}

/** Everything a caller must not read: the names and ids of the places they do not see. */
function unseen(who: Who): string[] {
  const hidden = WHERE.filter((w) => !SEES_PLACE[who].includes(w));
  const strings = hidden.flatMap((w) => [...names[w]]);
  // another county's code and name as well
  if (who !== 'city' && !SEES_COUNTY[who].includes('otherCounty')) strings.push(Y, '新会区');
  if (who === 'adminY') strings.push(X, '蓬江区');
  return strings;
}

async function send(who: Who, r: Request): Promise<Reply> {
  return api.as(PRINCIPAL[who])(r.method, r.url, r.body, r.headers);
}

beforeAll(async () => {
  db = await freshDb();
  const deps: ApiDeps & Partial<CampaignApiDeps> = {
    db,
    policy,
    now: () => now,
    scheduler,
    approvalThreshold: 100_000,
  };
  api = apiClient(deps);
  for (const where of WHERE) {
    const contact = await newContact(where);
    data[where] = { contact } as Data;
    data[where].elder = await newElder(where, contact);
    await newElder(where); // unpaired
    const visit = await api.as(seeder)('POST', '/api/visits', {
      elderId: data[where].elder,
      visitedAt: '2025-07-01T09:00:00+08:00',
      mode: 'home',
      visitors: ['矩阵探访员'],
      safetyRisks: ['gas'],
    });
    expect(visit.status).toBe(201);
    data[where].case = await newCase(where);
    data[where].campaign = await newCampaign(where);
  }
  // one import job per county, by its own administrator
  for (const [where, who] of [
    ['own', 'adminX'],
    ['otherCounty', 'adminY'],
  ] as const) {
    const reply = await send(who, {
      method: 'POST',
      url: `/api/imports?id=${randomUUID()}`,
      body: Buffer.from(importCsv(where)),
      headers: { 'content-type': 'text/csv' },
    });
    expect(reply.status).toBe(200);
    data[where].importJob = reply.body.importId;
    names[where].add(reply.body.importId);
  }
  data.otherTownship.importJob = data.own.importJob;
});

afterAll(() => {
  vi.restoreAllMocks();
});

describe('the access matrix', () => {
  it('has a row for every route the API serves, and no row for a route it does not serve', () => {
    const keys = [...new Set(served.map((r) => `${r.method} ${r.path}`))].sort();
    expect(keys.length).toBeGreaterThan(40);
    expect(
      keys.filter((k) => !(k in ROWS)),
      'routes without a row in the access matrix',
    ).toEqual([]);
    expect(
      Object.keys(ROWS).filter((k) => !keys.includes(k)),
      'rows of routes not served',
    ).toEqual([]);
  });

  it('lists and counts without a county only what the caller sees', async () => {
    const failures: string[] = [];
    for (const who of ['city', 'adminX', 'adminY', 'opX1'] as const) {
      for (const url of [
        '/api/elders?limit=200',
        `/api/reports/monthly?month=${MONTH}`,
        `/api/reports/open-obligations?month=${MONTH}`,
        '/api/stats/today',
        ...(who === 'opX1' ? [] : ['/api/campaigns']),
      ]) {
        const reply = await send(who, { method: 'GET', url });
        if (reply.status !== 200) failures.push(`${who} ${url}: ${reply.status}`);
        const text = JSON.stringify(reply.body);
        for (const secret of unseen(who))
          if (text.includes(secret)) failures.push(`${who} ${url}: names "${secret}"`);
      }
      // and it lists what they do see
      const elders = (await send(who, { method: 'GET', url: '/api/elders?limit=200' })).body.items as {
        id: string;
      }[];
      for (const where of SEES_PLACE[who])
        if (!elders.some((e) => e.id === data[where].elder))
          failures.push(`${who}: misses the elder of ${where}`);
    }
    expect(failures).toEqual([]);
  });

  it.each(Object.keys(ROWS))('%s', async (key) => {
    const row = ROWS[key] as Row;
    const failures: string[] = [];
    for (const who of WHO) {
      for (const where of WHERE) {
        const d: Data = { ...data[where], ...(row.fresh ? await row.fresh(where) : {}) };
        const request = row.request(d, where);
        const want = expected(row, who, where);
        const before = row.snapshot ? await row.snapshot(d, where) : undefined;
        const reply = await send(who, request);
        const label = `${who} → ${where}`;
        if (reply.status !== want) {
          failures.push(
            `${label}: ${reply.status} (want ${want}) ${JSON.stringify(reply.body).slice(0, 200)}`,
          );
          continue;
        }
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        for (const secret of unseen(who))
          if (text.includes(secret)) failures.push(`${label}: the answer names "${secret}"`);
        if (want >= 400 && row.snapshot) {
          const after = await row.snapshot(d, where);
          if (JSON.stringify(after) !== JSON.stringify(before))
            failures.push(
              `${label}: a refused write changed ${JSON.stringify(before)} → ${JSON.stringify(after)}`,
            );
        }
        // not yours answers exactly as not there
        if (row.scope === 'item' && want === (row.hidden ?? 404)) {
          const missing = await send(who, row.request(MISSING, where));
          if (missing.status !== reply.status || JSON.stringify(missing.body) !== JSON.stringify(reply.body))
            failures.push(
              `${label}: answers ${text} where a missing item answers ${JSON.stringify(missing.body)}`,
            );
        }
        try {
          row.check?.(reply, who, where);
        } catch (error) {
          failures.push(`${label}: ${(error as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
