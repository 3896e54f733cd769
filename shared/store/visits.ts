import { PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { IsoDate } from '../time.js';
import type { VisitRecord } from '../visits/record.js';
import type { Db } from './client.js';
import { elderKeys, visitKeys } from './keys.js';
import { registerTable } from './table.js';

/** The stored item of a visit record: under its elder, and in the county's month (gsi1). */
export function visitItem(visit: VisitRecord): Record<string, unknown> {
  return {
    ...visitKeys.record(visit.elderId, visit.localTime, visit.id),
    ...visitKeys.byCountyMonth(visit.county, visit.visitedOn.slice(0, 7), visit.elderId, visit.localTime),
    type: 'visit',
    ...visit,
  };
}

/** Stores one visit record under its elder, and in the county's month (gsi1) for the monthly figures. */
export async function putVisit(db: Db, visit: VisitRecord): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: visitItem(visit),
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** Reads an elder's visit records dated from..to (inclusive, Asia/Shanghai dates), oldest first. */
export async function listVisits(
  db: Db,
  elderId: string,
  from: IsoDate,
  to: IsoDate,
): Promise<VisitRecord[]> {
  const visits: VisitRecord[] = [];
  const pages = paginateQuery(
    { client: db.doc },
    {
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': elderKeys.profile(elderId).pk,
        ':from': `VISIT#${from}`,
        // '~' sorts after every character of a time and id
        ':to': `VISIT#${to}~`,
      },
    },
  );
  for await (const page of pages) {
    for (const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, type: _t, ...visit } of page.Items ?? []) {
      visits.push(visit as VisitRecord);
    }
  }
  return visits;
}

// visit contents (issue 14): begin
/**
 * Replaces a visit recorded by text with its filled-in contents, only while it is still incomplete
 * (a second fill-in, or two at once, fails on the condition instead of overwriting the first).
 */
export async function completeVisit(db: Db, visit: VisitRecord): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: visitItem(visit),
      ConditionExpression: 'attribute_exists(pk) AND #complete = :false',
      ExpressionAttributeNames: { '#complete': 'complete' },
      ExpressionAttributeValues: { ':false': false },
    }),
  );
}

/** A county's incomplete visits (recorded by text, not filled in) of one month: gsi1 `VISITS#<county>#<month>`, filtered. */
export async function listIncompleteVisits(db: Db, county: string, month: string): Promise<VisitRecord[]> {
  const out: VisitRecord[] = [];
  const pages = paginateQuery(
    { client: db.doc },
    {
      TableName: db.tableName,
      IndexName: registerTable.byCounty.indexName,
      KeyConditionExpression: `${registerTable.byCounty.partitionKey} = :pk`,
      FilterExpression: '#complete = :false',
      ExpressionAttributeNames: { '#complete': 'complete' },
      ExpressionAttributeValues: { ':pk': `VISITS#${county}#${month}`, ':false': false },
    },
  );
  for await (const page of pages) {
    for (const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, type: _t, ...visit } of page.Items ?? [])
      out.push(visit as VisitRecord);
  }
  return out;
}
// visit contents (issue 14): end
