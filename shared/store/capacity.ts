/**
 * Capacity planning's reads and writes (issue 11 part 6). The one function that reads the due index
 * for demand is `readDueDemand`: if the due index changes, only it changes.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AudienceMember } from '../campaigns/preview.js';
import {
  addDemand,
  campaignForecast,
  type DemandHour,
  type ForecastData,
  meanCallSeconds,
} from '../phone/capacity.js';
import type { ProviderLimits } from '../phone/config.js';
import type { CallWindow } from '../phone/windows.js';
import type { StoredCampaign } from './campaigns.js';
import type { Db } from './client.js';
import { capacityKeys, DUE_SHARDS } from './keys.js';
import { getPlannerCursor } from './phone.js';
import { registerTable } from './table.js';

/** What one read of the due index says about the next hours, by county. */
export interface DueDemand {
  /** calls and SMS parts falling due per hour, by county */
  byCounty: Record<string, DemandHour[]>;
  /** the oldest due check-in (or attempt) at or before now, by county */
  oldestDueAt: Record<string, string>;
  /** placed-to-ended voice attempts seen on the open check-ins, to measure the mean call */
  attempts: { channel?: string; placedAt?: string; endedAt?: string }[];
  /** due-index pages read */
  pages: number;
}

/** The forecast item: written once an hour by the planner, read by the API and the campaign preview. */
export type Forecast = ForecastData;

const HOUR = 3_600_000;
const bucketOf = (ms: number) => new Date(ms).toISOString().slice(0, 13);

/**
 * Reads the next `horizonHours` of the due index (gsi3 `DUE#<hour>#<shard>`, every shard) from the
 * planner's cursor (the oldest bucket that may still hold something due) on, projected to the sort key
 * (`<at>#<kind>#<id>`), the county, the channel and a check-in's attempts. A due schedule is a check-in
 * to open: one call, or one text of `partsPerText` parts when the item says its channel is `sms`
 * (schedules that do not say are counted as calls). A due check-in is its next attempt, by its
 * channel. Escalation steps (cases) go to contacts and are not counted.
 */
export async function readDueDemand(
  db: Db,
  now: Date,
  horizonHours: number,
  partsPerText = 1,
): Promise<DueDemand> {
  const cursor = await getPlannerCursor(db);
  const from = Math.min(cursor ? Date.parse(`${cursor}:00:00.000Z`) : now.getTime(), now.getTime());
  const end = now.getTime() + horizonHours * HOUR;
  const until = new Date(end).toISOString();
  const result: DueDemand = { byCounty: {}, oldestDueAt: {}, attempts: [], pages: 0 };
  const hours = new Map<string, Map<string, DemandHour>>();
  const { indexName, partitionKey, sortKey } = registerTable.byDue;
  for (let t = Date.parse(`${bucketOf(from)}:00:00.000Z`); t <= end; t += HOUR) {
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.doc.send(
          new QueryCommand({
            TableName: db.tableName,
            IndexName: indexName,
            KeyConditionExpression: '#pk = :pk AND #sk <= :until',
            ExpressionAttributeNames: {
              '#pk': partitionKey,
              '#sk': sortKey,
              '#county': 'county',
              '#channel': 'channel',
              '#attempts': 'attempts',
            },
            ExpressionAttributeValues: {
              ':pk': capacityKeys.dueBucket(bucketOf(t), shard),
              ':until': `${until}~`,
            },
            ProjectionExpression: '#sk, #county, #channel, #attempts',
            ExclusiveStartKey: start,
          }),
        );
        result.pages++;
        for (const item of out.Items ?? []) {
          const [at, kind] = String(item[sortKey]).split('#') as [string, string];
          if (kind !== 'schedule' && kind !== 'checkIn') continue;
          const county = typeof item.county === 'string' ? item.county : 'unknown';
          if (kind === 'checkIn' && Array.isArray(item.attempts)) result.attempts.push(...item.attempts);
          const atMs = Date.parse(at);
          if (atMs <= now.getTime() && !(result.oldestDueAt[county] && result.oldestDueAt[county] <= at))
            result.oldestDueAt[county] = at;
          const hour = bucketOf(Math.max(atMs, now.getTime()));
          const byHour = hours.get(county) ?? new Map<string, DemandHour>();
          const slot = byHour.get(hour) ?? { hour, calls: 0, smsParts: 0 };
          if (item.channel === 'sms') slot.smsParts += partsPerText;
          else slot.calls += 1;
          byHour.set(hour, slot);
          hours.set(county, byHour);
        }
        start = out.LastEvaluatedKey;
      } while (start);
    }
  }
  for (const [county, byHour] of hours)
    result.byCounty[county] = [...byHour.values()].sort((a, b) => a.hour.localeCompare(b.hour));
  return result;
}

/** The oldest due entry still waiting (at or before now), city-wide: a few one-item reads from the cursor on. */
export async function oldestDueAt(db: Db, now: Date): Promise<string | undefined> {
  const cursor = await getPlannerCursor(db);
  const nowIso = now.toISOString();
  const from = Math.min(cursor ? Date.parse(`${cursor}:00:00.000Z`) : now.getTime(), now.getTime());
  const { indexName, partitionKey, sortKey } = registerTable.byDue;
  for (let t = Date.parse(`${bucketOf(from)}:00:00.000Z`); t <= now.getTime(); t += HOUR) {
    let oldest: string | undefined;
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      let start: Record<string, unknown> | undefined;
      // skip escalation steps: a few pages at most, each one item
      for (let page = 0; page < 20; page++) {
        const out = await db.doc.send(
          new QueryCommand({
            TableName: db.tableName,
            IndexName: indexName,
            KeyConditionExpression: '#pk = :pk AND #sk <= :until',
            ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
            ExpressionAttributeValues: {
              ':pk': capacityKeys.dueBucket(bucketOf(t), shard),
              ':until': `${nowIso}~`,
            },
            ProjectionExpression: '#sk',
            Limit: 5,
            ExclusiveStartKey: start,
          }),
        );
        const found = (out.Items ?? [])
          .map((i) => String(i[sortKey]).split('#') as [string, string])
          .find(([, kind]) => kind === 'schedule' || kind === 'checkIn');
        if (found) {
          if (!oldest || found[0] < oldest) oldest = found[0];
          break;
        }
        start = out.LastEvaluatedKey;
        if (!start) break;
      }
    }
    if (oldest) return oldest;
  }
  return undefined;
}

export async function getForecast(db: Db): Promise<Forecast | undefined> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: capacityKeys.forecast() }));
  if (!out.Item) return undefined;
  const { pk: _pk, sk: _sk, type: _type, ...forecast } = out.Item;
  return forecast as Forecast;
}

/** Writes the forecast unless a newer one is there (two planner runs at once keep the newer). */
export async function saveForecast(db: Db, forecast: Forecast): Promise<boolean> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...capacityKeys.forecast(), type: 'capacityForecast', ...forecast },
        ConditionExpression: 'attribute_not_exists(pk) OR generatedAt < :at',
        ExpressionAttributeValues: { ':at': forecast.generatedAt },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Refreshes the forecast at most once an hour (one GetItem otherwise) and reads the oldest due entry. */
export async function refreshForecast(
  db: Db,
  now: Date,
  settings: { limits: ProviderLimits; windows: readonly CallWindow[]; horizonHours: number },
  /** live campaigns and their audiences: what scheduled and running campaigns add to the due index */
  campaigns?: {
    live: () => Promise<StoredCampaign[]>;
    audience: (campaign: StoredCampaign) => Promise<AudienceMember[]>;
  },
): Promise<{ forecast: Forecast; refreshed: boolean; oldestDueAt: string | undefined }> {
  const existing = await getForecast(db);
  let forecast = existing;
  let refreshed = false;
  if (!existing || existing.generatedAt.slice(0, 13) !== now.toISOString().slice(0, 13)) {
    const due = await readDueDemand(db, now, settings.horizonHours);
    for (const campaign of campaigns ? await campaigns.live() : []) {
      if (campaign.status !== 'scheduled' && campaign.status !== 'running') continue;
      if (Date.parse(campaign.window.start) >= now.getTime() + settings.horizonHours * 3_600_000) continue;
      const added = campaignForecast(
        campaign,
        (await campaigns?.audience(campaign)) ?? [],
        settings.limits,
        settings.windows,
        now,
        settings.horizonHours,
      );
      for (const [county, hours] of Object.entries(added))
        due.byCounty[county] = addDemand(due.byCounty[county] ?? [], hours);
    }
    forecast = {
      generatedAt: now.toISOString(),
      horizonHours: settings.horizonHours,
      byCounty: due.byCounty,
      oldestDueAt: due.oldestDueAt,
      callSeconds: meanCallSeconds(due.attempts),
      limits: settings.limits,
      windows: [...settings.windows],
    };
    refreshed = await saveForecast(db, forecast);
  }
  return { forecast: forecast as Forecast, refreshed, oldestDueAt: await oldestDueAt(db, now) };
}
