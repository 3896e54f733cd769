/**
 * The campaign audience preview on DynamoDB Local (run on purpose: `npm run bench:preview`;
 * `npx tsx bench/campaign-preview.ts 20000` for a smaller register).
 *
 * Writes a synthetic register straight to an in-memory table with BatchWrite: n elders (default
 * 100,000) across Jiangmen's seven counties (20% A, 20% B, 60% C; some by text, some refused, some who
 * left), then previews a city-wide typhoon campaign for every category the way
 * POST /api/campaigns/preview does (readAudience, then previewCampaign), and a one-county one; prints
 * the elders counted, seconds, read capacity units, query pages and the process's peak RSS.
 */
import { startDynamoLocal } from '../local/dynamo.js';
import { readAudience } from '../shared/campaigns/audience.js';
import { type Campaign, campaignSchema } from '../shared/campaigns/campaign.js';
import { previewCampaign } from '../shared/campaigns/preview.js';
import { makePolicyConfig } from '../shared/config.js';
import { DEFAULT_LIMITS } from '../shared/phone/config.js';
import { DEFAULT_WINDOWS } from '../shared/phone/windows.js';
import type { ReadMeter } from '../shared/store/campaigns.js';
import type { Db } from '../shared/store/client.js';
import { benchTable, type Item, spreadElder, writeAll } from './support.js';

const policy = makePolicyConfig();
const COUNTIES = Object.keys(policy.counties).sort();
// previewed on 28 June 2025, 10:00 in Asia/Shanghai, for a campaign from 1 to 4 July
const NOW = new Date('2025-06-28T02:00:00Z');

/** A synthetic register of full elder records, as the register stores them (profile items on gsi1). */
function register(n: number): { items: Item[]; receiving: number } {
  const items: Item[] = [];
  let receiving = 0;
  for (let i = 0; i < n; i++) {
    const refused = i % 50 === 0;
    const left = i % 97 === 0;
    if (!refused && !left) receiving++;
    const { item } = spreadElder(i, COUNTIES, {
      familyPlanningSpecial: false,
      channel: i % 8 === 0 ? 'sms' : 'voice',
      ...(i % 4 === 0 ? {} : { contactId: `bench-contact-${i % 2000}` }),
      consent: refused ? 'refused' : 'accepted',
      status: left ? 'left' : 'active',
    });
    items.push(item);
  }
  return { items, receiving };
}

const typhoon = (counties: string[]): Campaign =>
  campaignSchema.parse({
    id: 'bench',
    title: '台风 全市',
    kind: 'typhoon',
    target: { counties },
    window: { start: '2025-07-01T09:00:00+08:00', end: '2025-07-04T09:00:00+08:00' },
    cadence: { A: { everyHours: 12 }, B: { everyHours: 24 }, C: { everyHours: 24 } },
    messages: {
      call: { yue: '台风就嚟，请关好门窗。', cmn: '台风将至，请关好门窗。' },
      text: '【安心】台风将至，请关好门窗，不要外出。',
    },
    createdBy: 'bench',
    createdAt: NOW.toISOString(),
  });

const peakRssMb = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);

async function measure(db: Db, label: string, campaign: Campaign, concurrency?: number) {
  const meter: ReadMeter = { units: 0, pages: 0 };
  const t = performance.now();
  const cpu = process.cpuUsage();
  const audience = await readAudience({ db, policy }, campaign.target, meter, concurrency);
  const read = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const preview = previewCampaign(campaign, audience, DEFAULT_LIMITS, DEFAULT_WINDOWS, NOW);
  const seconds = (performance.now() - t) / 1000;
  console.log(
    `${label}: ${preview.audience.total} elders in ${seconds.toFixed(2)} s (read ${read.toFixed(2)} s, of which this process's CPU ${cpuSeconds.toFixed(2)} s), ` +
      `${meter.units.toFixed(1)} read capacity units, ${meter.pages} query pages, ` +
      `${preview.rounds.length} rounds, ${preview.calls} calls, ${preview.texts} texts, ` +
      `longest round ${(preview.longestRoundMs / 3_600_000).toFixed(1)} h, ${preview.warnings.length} warnings; ` +
      `peak RSS ${peakRssMb()} MB`,
  );
  return preview;
}

async function main() {
  const n = Number(process.argv[2] ?? 100_000);
  const dynamo = await startDynamoLocal();
  try {
    const db = await benchTable(dynamo.endpoint);
    const { items, receiving } = register(n);
    const t = performance.now();
    await writeAll(db, items);
    console.log(
      `loaded ${n} elders (${receiving} receive check-ins) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    items.length = 0;
    console.log(
      `peak RSS after writing the register (the preview's own reading comes on top): ${peakRssMb()} MB`,
    );

    const city = typhoon(COUNTIES);
    for (const [label, concurrency] of [
      ['whole city, every category, three queries at once (first run)', undefined],
      ['whole city, again', undefined],
      ['whole city, one query at a time', 1],
      ['whole city, eight queries at once', 8],
    ] as const) {
      const preview = await measure(db, label, city, concurrency);
      if (preview.audience.total !== receiving)
        throw new Error(`preview counted ${preview.audience.total}, expected ${receiving}`);
    }
    await measure(db, `one county (${COUNTIES[0]})`, typhoon([COUNTIES[0] as string]));
  } finally {
    await dynamo.stop();
  }
}

await main();
