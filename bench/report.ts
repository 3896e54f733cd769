/**
 * The monthly statistics report on DynamoDB Local (run on purpose: `npm run bench:report`,
 * `"bench:report": "tsx bench/report.ts"`; `npx tsx bench/report.ts 20000` for a smaller register).
 *
 * Writes a synthetic register straight to an in-memory table with BatchWrite: n elders (default
 * 100,000) across Jiangmen's seven counties, a visit contact per 50 elders, a month of visit records
 * (July 2025, with the gsi1 `VISITS#<county>#<month>` keys) and some cases; then runs the city report
 * for July and prints the seconds and the read capacity units it consumed (ReturnConsumedCapacity).
 */
import { randomUUID } from 'node:crypto';
import { startDynamoLocal } from '../local/dynamo.js';
import { makePolicyConfig } from '../shared/config.js';
import { monthlyReport } from '../shared/reports/service.js';
import { monthlySheet, toCsv } from '../shared/reports/table.js';
import { toXlsx } from '../shared/reports/xlsx.js';
import { contactKeys, phoneKeys } from '../shared/store/keys.js';
import { visitItem } from '../shared/store/visits.js';
import type { VisitRecord } from '../shared/visits/record.js';
import type { VisitMode } from '../shared/visits/schema.js';
import { benchTable, type Item, spreadElder, writeAll } from './support.js';

const policy = makePolicyConfig();
const COUNTIES = Object.keys(policy.counties).sort();
const MONTH = '2025-07';
// the report is read on 5 August 2025, 10:00 in Asia/Shanghai
const NOW = new Date('2025-08-05T02:00:00Z');

/** A synthetic register: elders, contacts, July's visits and cases, as the repositories store them. */
function register(n: number): { items: Item[]; visits: number; cases: number } {
  const items: Item[] = [];
  let visits = 0;
  let cases = 0;
  const contacts = Math.max(1, Math.round(n / 50));
  for (let c = 0; c < contacts; c++) {
    const id = `bench-contact-${c}`;
    const county = COUNTIES[c % COUNTIES.length] as string;
    items.push({
      ...contactKeys.profile(id),
      ...contactKeys.byCounty(county, id),
      type: 'contact',
      id,
      name: `联系人${c}`,
      phone: `+86139${String(c).padStart(8, '0')}`,
      role: 'committeeStaff',
      county,
      township: `镇${c % 10}`,
    });
  }
  for (let i = 0; i < n; i++) {
    const { item, elder } = spreadElder(i, COUNTIES, {
      ...(i % 13 === 0 ? { disabilityGrade: 2 } : {}),
      familyPlanningSpecial: i % 97 === 0,
      channel: 'voice',
      contactId: `bench-contact-${i % contacts}`,
      consent: i % 50 === 0 ? 'refused' : 'accepted',
      status: 'active',
    });
    items.push(item);
    const { id, category } = elder;
    const { county, township } = elder.region;
    // a month of records: automated check-ins for most, a home visit for most A and some B/C
    const modes: VisitMode[] = [];
    if (i % 10 !== 9) modes.push('automated');
    if (category === 'A' ? i % 10 !== 1 || i % 20 === 1 : i % 6 === 0) modes.push('home');
    if (i % 17 === 0) modes.push('phone');
    modes.forEach((mode, k) => {
      const day = String(1 + ((i + k * 7) % 28)).padStart(2, '0');
      const localTime = `${MONTH}-${day}T10:${String(k).padStart(2, '0')}:00.000+08:00`;
      const visit: VisitRecord = {
        id: randomUUID(),
        elderId: id,
        visitedAt: localTime,
        mode,
        visitors: [mode === 'automated' ? '自动外呼' : '测试探访员'],
        safetyRisks: [],
        visitedOn: `${MONTH}-${day}`,
        localTime,
        county,
        recordedBy: 'bench',
        recordedAt: localTime,
      };
      items.push(visitItem(visit));
      visits++;
    });
    if (i % 200 === 0) {
      const caseId = `bench-case-${i}`;
      const openedAt = `${MONTH}-${String(1 + (i % 28)).padStart(2, '0')}T02:00:00.000Z`;
      items.push({
        ...phoneKeys.case(caseId),
        ...phoneKeys.casesOfCounty(county, openedAt, caseId),
        type: 'case',
        id: caseId,
        elderId: id,
        county,
        township,
        openedAt,
        acknowledgedAt: new Date(Date.parse(openedAt) + (5 + (i % 90)) * 60_000).toISOString(),
        ...(i % 400 === 0 ? { closedAt: new Date(Date.parse(openedAt) + 86_400_000).toISOString() } : {}),
        status: i % 400 === 0 ? 'closed' : 'acknowledged',
      });
      cases++;
    }
  }
  return { items, visits, cases };
}

async function main() {
  const n = Number(process.argv[2] ?? 100_000);
  const dynamo = await startDynamoLocal();
  try {
    const db = await benchTable(dynamo.endpoint);
    const { items, visits, cases } = register(n);
    let t = performance.now();
    await writeAll(db, items);
    const loadSeconds = (performance.now() - t) / 1000;
    console.log(
      `loaded ${n} elders, ${visits} visit records (${MONTH}), ${cases} cases, ${items.length} items in ${loadSeconds.toFixed(1)} s`,
    );

    let first = '';
    const runs = [
      { label: 'seven counties at once', countyConcurrency: undefined },
      { label: 'seven counties at once, again', countyConcurrency: undefined },
      { label: 'one county at a time', countyConcurrency: 1 },
    ];
    for (const run of runs) {
      t = performance.now();
      const { report, capacity } = await monthlyReport(
        { db, policy, countyConcurrency: run.countyConcurrency },
        { month: MONTH },
        NOW,
      );
      const seconds = (performance.now() - t) / 1000;
      t = performance.now();
      const sheet = monthlySheet(report);
      const xlsx = await toXlsx(sheet);
      const csv = toCsv(sheet);
      const fileSeconds = (performance.now() - t) / 1000;
      console.log(
        `city report for ${MONTH} (${run.label}): ${seconds.toFixed(2)} s, ${capacity.units.toFixed(1)} read capacity units, ` +
          `${capacity.queries} query pages; XLSX ${xlsx.length} B + CSV ${csv.length} B in ${fileSeconds.toFixed(2)} s`,
      );
      if (!first) {
        first = JSON.stringify(report);
        const tot = report.total;
        console.log(
          `  elders ${tot.elders}, served ${tot.visitRate.served}, monthly visit rate ${tot.visitRate.rate}, ` +
            `visits ${JSON.stringify(tot.visits)}, cases opened ${tot.casesOpened}, median ack ${tot.medianAckMinutes} min, not reached ${tot.notReached}`,
        );
      } else {
        console.log(`  same figures as the first run: ${JSON.stringify(report) === first}`);
      }
    }
    t = performance.now();
    const one = await monthlyReport({ db, policy }, { month: MONTH, county: COUNTIES[0] }, NOW);
    console.log(
      `one county (${COUNTIES[0]}): ${((performance.now() - t) / 1000).toFixed(2)} s, ${one.capacity.units.toFixed(1)} read capacity units`,
    );
  } finally {
    await dynamo.stop();
  }
}

await main();
