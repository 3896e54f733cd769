import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { TZDate } from '@date-fns/tz';
import type { Db } from '../store/client.js';
import { registerTable } from '../store/table.js';
import { addMonths, type IsoMonth, POLICY_TIME_ZONE } from '../time.js';
import type { ReportCase, ReportContact, ReportElder, ReportVisit } from './monthly.js';

/** Read capacity consumed by the report's queries (ReturnConsumedCapacity TOTAL). */
export interface Capacity {
  units: number;
  queries: number;
}

type Input = Omit<QueryCommandInput, 'TableName' | 'IndexName' | 'ReturnConsumedCapacity'>;

/** Every page of one gsi1 query, with projection names as #a, #b...; adds its capacity to `meter`. */
async function queryGsi1<T>(db: Db, input: Input, fields: readonly string[], meter: Capacity): Promise<T[]> {
  const names = Object.fromEntries(fields.map((f, i) => [`#f${i}`, f]));
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new QueryCommand({
        ...input,
        TableName: db.tableName,
        IndexName: registerTable.byCounty.indexName,
        ProjectionExpression: Object.keys(names).join(', '),
        ExpressionAttributeNames: { ...input.ExpressionAttributeNames, ...names },
        ReturnConsumedCapacity: 'TOTAL',
        ExclusiveStartKey: start,
      }),
    );
    meter.queries++;
    meter.units += page.ConsumedCapacity?.CapacityUnits ?? 0;
    for (const item of page.Items ?? []) items.push(item as T);
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const ELDER_FIELDS = [
  'id',
  'name',
  'category',
  'region',
  'living',
  'emptyNest',
  'leftBehind',
  'ability',
  'disabilityGrade',
  'familyPlanningSpecial',
  'consent',
  'status',
  'registeredOn',
  'contactId',
  // the reference's definitions and the report's added types (issue 14)
  'birthDate',
  'dementia',
  'assessment',
  'household',
  'registeredHome',
  'lowIncome',
  'extremePoverty',
] as const;

/** Reads a county's elder records, the fields the report needs (gsi1 `COUNTY#<county>`, `ELDER#`). */
export function readCountyElders(db: Db, county: string, meter: Capacity): Promise<ReportElder[]> {
  return queryGsi1<ReportElder>(
    db,
    {
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `COUNTY#${county}`, ':prefix': 'ELDER#' },
    },
    ELDER_FIELDS,
    meter,
  );
}

/** Reads a county's visit contacts (gsi1 `COUNTY#<county>`, `CONTACT#`). */
export function readCountyContacts(db: Db, county: string, meter: Capacity): Promise<ReportContact[]> {
  return queryGsi1<ReportContact>(
    db,
    {
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `COUNTY#${county}`, ':prefix': 'CONTACT#' },
    },
    ['id', 'name', 'county', 'township'],
    meter,
  );
}

/** Reads a county's visit records of one month (gsi1 `VISITS#<county>#<YYYY-MM>`). */
export function readCountyMonthVisits(
  db: Db,
  county: string,
  month: IsoMonth,
  meter: Capacity,
): Promise<ReportVisit[]> {
  return queryGsi1<ReportVisit>(
    db,
    {
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `VISITS#${county}#${month}` },
    },
    ['elderId', 'mode', 'visitedOn', 'complete', 'safetyRisks', 'referrals', 'urgentHelp', 'visitorKinds'],
    meter,
  );
}

/** The UTC instant at which a month ends in Asia/Shanghai (the first moment of the next month). */
export function monthEndInstant(month: IsoMonth): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = addMonths(y, m, 1);
  return new Date(new TZDate(next.year, next.month - 1, 1, POLICY_TIME_ZONE).getTime()).toISOString();
}

/**
 * Reads a county's cases opened before the end of the month (gsi1 `CASES#<county>`, sort key
 * `<openedAt>#<id>` below the month's end): the month's openings and every case that could close in it.
 */
export function readCountyCases(
  db: Db,
  county: string,
  month: IsoMonth,
  meter: Capacity,
): Promise<ReportCase[]> {
  return queryGsi1<ReportCase>(
    db,
    {
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :end',
      ExpressionAttributeValues: { ':pk': `CASES#${county}`, ':end': monthEndInstant(month) },
    },
    ['county', 'township', 'openedAt', 'acknowledgedAt', 'closedAt'],
    meter,
  );
}
