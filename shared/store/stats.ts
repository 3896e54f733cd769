import { GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.js';
import { DAY_STATS_FIELDS, type DayStatsField } from './counters.js';
import { statsKeys } from './keys.js';

/** Today's phone-visit figures of one place (dashboard): every field counts up from 0 over one local date. */
export interface DayStats {
  /** check-ins opened */
  checkInsOpened: number;
  /** check-in calls placed (each attempt the provider accepted) */
  callsPlaced: number;
  /** check-in texts sent */
  textsSent: number;
  /** check-ins closed well / needing help / with nobody reached */
  well: number;
  needsHelp: number;
  notReached: number;
}
export { DAY_STATS_FIELDS, type DayStatsField };

/** Where and when a figure counts: the Asia/Shanghai date of the event and the elder's county and township. */
export interface StatsPlace {
  date: string;
  county: string;
  township: string;
}

export const zeroStats = (): DayStats => ({
  checkInsOpened: 0,
  callsPlaced: 0,
  textsSent: 0,
  well: 0,
  needsHelp: 0,
  notReached: 0,
});

/**
 * A transaction item that adds to a place's figures of the day, so a figure moves in the same
 * transaction as the check-in change it counts (a retried event adds nothing twice).
 */
export function statsUpdate(db: Db, place: StatsPlace, add: Partial<Record<DayStatsField, number>>) {
  const fields = Object.entries(add).filter(([, n]) => n !== undefined && n !== 0) as [string, number][];
  return {
    Update: {
      TableName: db.tableName,
      Key: statsKeys.day(place.date, place.county, place.township),
      UpdateExpression: `ADD ${fields.map(([f]) => `#${f} :${f}`).join(', ')} SET #type = :type, #county = :county, #township = :township`,
      ExpressionAttributeNames: {
        '#type': 'type',
        '#county': 'county',
        '#township': 'township',
        ...Object.fromEntries(fields.map(([f]) => [`#${f}`, f])),
      },
      ExpressionAttributeValues: {
        ':type': 'dayStats',
        ':county': place.county,
        ':township': place.township,
        ...Object.fromEntries(fields.map(([f, n]) => [`:${f}`, n])),
      },
    },
  };
}

const figures = (item: Record<string, unknown>): DayStats =>
  Object.fromEntries(
    DAY_STATS_FIELDS.map((f) => [f, typeof item[f] === 'number' ? item[f] : 0]),
  ) as unknown as DayStats;

const add = (a: DayStats, b: DayStats): DayStats =>
  Object.fromEntries(DAY_STATS_FIELDS.map((f) => [f, a[f] + b[f]])) as unknown as DayStats;

/** A date's figures by county (every township of each summed), from one partition. */
export async function getDayStatsByCounty(db: Db, date: string): Promise<Record<string, DayStats>> {
  const out: Record<string, DayStats> = {};
  const pages = paginateQuery(
    { client: db.doc },
    {
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': statsKeys.dayPartition(date) },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const county = String(item.county);
      out[county] = add(out[county] ?? zeroStats(), figures(item));
    }
  }
  return out;
}

/** One township's figures of a date. */
export async function getDayStatsOfTownship(
  db: Db,
  date: string,
  county: string,
  township: string,
): Promise<DayStats> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: statsKeys.day(date, county, township) }),
  );
  return out.Item ? figures(out.Item) : zeroStats();
}
