import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEV_LINK_SECRET } from '../../shared/homevisits/links.js';
import { contactListLink } from '../../shared/homevisits/shortlinks.js';
import { runDigests } from '../../shared/homevisits/sms.js';
import type { DispatchJob } from '../../shared/phone/jobs.js';
import { apiClient } from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

/**
 * The path end to end, as a contact and the county see it: the morning digest carries a
 * short link; it opens the contact's list; an elder's link opens the visit form; the visit counts
 * in compliance and in that month's XLSX report.
 */
let clock = new Date('2025-07-01T01:00:00Z');
const now = () => clock;
let db: Awaited<ReturnType<typeof freshDb>>;
let api: ReturnType<typeof apiClient>;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

beforeAll(async () => {
  db = await freshDb();
  api = apiClient({ db, policy, now });
});

describe('a home visit from the digest link to the monthly report', () => {
  it('digest → short link → list → form → compliance met → counted in the XLSX report', async () => {
    const contact = await api('POST', '/api/contacts', {
      name: '陈主任',
      phone: '13900137501',
      role: 'committeeStaff',
      county: '440703',
      township: '潮连街道',
    });
    expect(contact.status).toBe(201);
    const elder = await api(
      'POST',
      '/api/elders',
      aRegistration({ age: 85, living: 'alone', contactId: contact.body.id }),
    );
    expect(elder.body.category).toBe('A');

    // 24 July, 08:30: seven days before the month's home visit is due
    clock = new Date('2025-07-24T00:30:00Z');
    const sent: DispatchJob[] = [];
    await runDigests({
      db,
      policy,
      now,
      log: () => undefined,
      queue: { send: async (jobs) => void sent.push(...jobs) },
      linkFor: (contactId) =>
        contactListLink(db, LOCAL_DEV_LINK_SECRET, 'http://localhost:8787', contactId, now()),
    });
    const digest = sent.find((j) => j.kind === 'text' && j.to === '+8613900137501');
    const text = digest?.kind === 'text' ? digest.text : '';
    expect(text).toContain('7天内');
    const short = /http:\/\/localhost:8787(\/l\/[A-Za-z0-9_-]{8})/.exec(text)?.[1];
    expect(short, text).toBeDefined();

    const redirect = await api('GET', short as string);
    expect(redirect.status).toBe(302);
    const list = await api('GET', String(redirect.headers.location));
    expect(list.status).toBe(200);
    expect(list.body).toContain('记录探访');
    const formPath = /href="(\/v\/[^"]+)"/.exec(String(list.body))?.[1] as string;
    // a list link is for looking, not for recording
    expect((await api('POST', String(redirect.headers.location), 'x=1', FORM)).status).toBe(403);

    const form = await api('GET', formPath);
    const nonce = /name="nonce" value="([^"]+)"/.exec(String(form.body))?.[1] ?? '';
    const params = new URLSearchParams({
      nonce,
      visitedDate: '2025-07-24',
      visitedTime: '08:00',
      mode: 'home',
      visitors: '陈主任',
    });
    const saved = await api('POST', formPath, params.toString(), FORM);
    expect(saved.status).toBe(201);

    const compliance = await api('GET', `/api/elders/${elder.body.id}/compliance?month=2025-07`);
    expect(compliance.body.monthlyMet).toBe(true);

    const report = await api('GET', '/api/reports/monthly?month=2025-07&county=440703&format=xlsx');
    expect(report.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(String(report.body), 'base64') as never);
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('the report has no sheet');
    const headers = (sheet.getRow(2).values as unknown[]).map(String);
    const homeColumn = headers.indexOf('上门探访次数');
    expect(homeColumn).toBeGreaterThan(0);
    const totals = sheet.getRow(sheet.rowCount).values as unknown[];
    expect(Number(totals[homeColumn])).toBe(1);

    // an unknown short link is refused
    expect((await api('GET', '/l/zzzzzzzz')).status).toBe(404);
  });
});
