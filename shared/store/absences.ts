import { PutCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Absence } from '../absences/absence.js';
import { addDaysIso } from '../time.js';
import type { Db } from './client.js';
import { absenceKeys } from './keys.js';
import { queryPrefix } from './query.js';

const strip = ({ pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, type: _t, ...a }: Record<string, unknown>) =>
  a as unknown as Absence;

/**
 * Stores a declared absence under its elder and in its county's list (gsi1). Once per id: a text
 * delivered twice (the id is the inbound message's) or a form posted twice declares one absence.
 * @returns false when an absence of this id was already stored
 */
export async function putAbsence(db: Db, absence: Absence): Promise<boolean> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...absenceKeys.item(absence.elderId, absence.from, absence.id),
          ...absenceKeys.byCounty(absence.county, absence.until, absence.elderId, absence.id),
          type: 'absence',
          ...absence,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** An elder's absences, by first day (the engine reads these to call isAway / resumeAt). */
export async function listAbsences(db: Db, elderId: string): Promise<Absence[]> {
  return (await queryPrefix(db, `ELDER#${elderId}`, 'ABSENCE#')).map(strip);
}

/** Ends an absence early (back home, discharged); the first end stands. Returns the stored absence. */
export async function endAbsenceEarly(db: Db, absence: Absence, by: string, at: string): Promise<Absence> {
  try {
    const out = await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: absenceKeys.item(absence.elderId, absence.from, absence.id),
        UpdateExpression: 'SET endedAt = :at, endedBy = :by',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(endedAt)',
        ExpressionAttributeValues: { ':at': at, ':by': by },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return strip(out.Attributes ?? {});
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const now = (await listAbsences(db, absence.elderId)).find((a) => a.id === absence.id);
    return now ?? absence;
  }
}

/**
 * A county's absences that overlap a month: those ending (gsi1sk = until) after its first day, then
 * those starting before the next month. For the month's report (counted apart).
 */
export async function listCountyAbsencesInMonth(db: Db, county: string, month: string): Promise<Absence[]> {
  const first = `${month}-01`;
  const next = `${addDaysIso(first, 40).slice(0, 7)}-01`;
  const items: Absence[] = [];
  const pages = paginateQuery(
    { client: db.doc },
    {
      TableName: db.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk > :first',
      ExpressionAttributeValues: { ':pk': `ABSENCES#${county}`, ':first': `${first}#` },
    },
  );
  for await (const page of pages) for (const item of page.Items ?? []) items.push(strip(item));
  return items.filter((a) => a.from < next);
}
