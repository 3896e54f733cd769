import { BatchGetCommand, GetCommand, PutCommand, paginateQuery, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Campaign, CampaignStatus } from '../campaigns/campaign.js';
import type { Elder } from '../register/elder.js';
import type { Category } from '../registration/fields.js';
import type { Db } from './client.js';
import { PROGRESS_FIELDS, type ProgressField } from './counters.js';
import { campaignKeys, elderKeys } from './keys.js';
import { StaleItem } from './phone.js';
import { registerTable } from './table.js';

/** A campaign as stored: the domain record plus its version (optimistic lock) and last change. */
export type StoredCampaign = Campaign & {
  version: number;
  updatedAt: string;
  updatedBy: string;
};

/** What a campaign's check-ins came to so far (live progress); every field counts up from 0. */
export interface CampaignProgress {
  /** check-ins opened for the campaign */
  started: number;
  /** answered 1 (reached and well) */
  well: number;
  /** answered 2 or asked for help */
  needsHelp: number;
  /** closed with no answer */
  notReached: number;
  /** cases opened from the campaign's check-ins / closed since */
  casesOpened: number;
  casesClosed: number;
}
export { PROGRESS_FIELDS, type ProgressField };

/** on the live index: waiting for its window (scheduled), or in it */
const LIVE: readonly CampaignStatus[] = ['scheduled', 'running', 'paused'];
const KEYS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type']);
const strip = <T>(item: Record<string, unknown>): T =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !KEYS.has(k))) as T;

function campaignItem(c: StoredCampaign): Record<string, unknown> {
  return {
    ...campaignKeys.item(c.id),
    ...campaignKeys.list(c.createdAt, c.id),
    ...(LIVE.includes(c.status) ? campaignKeys.live(c.id) : {}),
    type: 'campaign',
    ...c,
  };
}

/**
 * Saves a campaign. `previousVersion` undefined: a new one (must not exist); otherwise only when nobody
 * changed it since (StaleItem if someone did). The stored version is `previousVersion + 1` (1 when new).
 */
export async function saveCampaign(
  db: Db,
  campaign: Campaign & { updatedAt: string; updatedBy: string },
  previousVersion: number | undefined,
): Promise<StoredCampaign> {
  const stored: StoredCampaign = { ...campaign, version: (previousVersion ?? 0) + 1 };
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: campaignItem(stored),
        ...(previousVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previousVersion } }),
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') throw new StaleItem('campaign changed');
    throw error;
  }
  return stored;
}

export async function getCampaign(db: Db, campaignId: string): Promise<StoredCampaign | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: campaignKeys.item(campaignId), ConsistentRead: true }),
  );
  return out.Item ? strip<StoredCampaign>(out.Item) : undefined;
}

/** Campaigns newest first, up to `limit` (gsi1 `CAMPAIGNS`, sort key `<createdAt>#<id>`, read backwards). */
export async function listCampaigns(db: Db, limit = 200): Promise<StoredCampaign[]> {
  const items: StoredCampaign[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: registerTable.byCounty.indexName,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'CAMPAIGNS' },
        ScanIndexForward: false,
        Limit: limit - items.length,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []).map((i) => strip<StoredCampaign>(i)));
    start = out.LastEvaluatedKey;
  } while (start && items.length < limit);
  return items;
}

/** Every scheduled, running or paused campaign (a sparse index: a handful of items). */
export async function listLiveCampaigns(db: Db): Promise<StoredCampaign[]> {
  const items: StoredCampaign[] = [];
  const pages = paginateQuery(
    { client: db.doc },
    {
      TableName: db.tableName,
      IndexName: registerTable.byAgeLine.indexName,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': 'CAMPAIGNS#live' },
    },
  );
  for await (const page of pages) items.push(...(page.Items ?? []).map((i) => strip<StoredCampaign>(i)));
  return items;
}

const progressOf = (item: Record<string, unknown>): CampaignProgress =>
  Object.fromEntries(
    PROGRESS_FIELDS.map((f) => [f, typeof item[f] === 'number' ? item[f] : 0]),
  ) as unknown as CampaignProgress;

/** One campaign's progress counters (all 0 before its first check-in). */
export async function getCampaignProgress(db: Db, campaignId: string): Promise<CampaignProgress> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: campaignKeys.progress(campaignId), ConsistentRead: true }),
  );
  return progressOf(out.Item ?? {});
}

/** The progress counters of several campaigns (BatchGet, 100 keys at a time), by campaign id. */
export async function getCampaignProgresses(
  db: Db,
  campaignIds: readonly string[],
): Promise<Map<string, CampaignProgress>> {
  const found = new Map<string, CampaignProgress>();
  const ids = [...new Set(campaignIds)];
  for (let i = 0; i < ids.length; i += 100) {
    let keys: Record<string, unknown>[] = ids.slice(i, i + 100).map((id) => campaignKeys.progress(id));
    while (keys.length > 0) {
      const out = await db.doc.send(
        new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[db.tableName] ?? [])
        found.set(String(item.pk).slice('CAMPAIGN#'.length), progressOf(item));
      keys = out.UnprocessedKeys?.[db.tableName]?.Keys ?? [];
    }
  }
  for (const id of ids) if (!found.has(id)) found.set(id, progressOf({}));
  return found;
}

/** The fields of an elder record the campaign audience needs (no names, no numbers). */
export type AudienceRow = Pick<
  Elder,
  'category' | 'channel' | 'smsOptOut' | 'living' | 'ability' | 'contactId' | 'consent' | 'status'
> & { region: Pick<Elder['region'], 'county' | 'township'> };

/** Read capacity consumed by a set of queries (ReturnConsumedCapacity TOTAL). */
export interface ReadMeter {
  units: number;
  pages: number;
}

const AUDIENCE_FIELDS = ['category', 'channel', 'smsOptOut', 'living', 'ability', 'contactId', 'consent'];

/**
 * Reads the audience fields of a county's elders of one category: gsi1 `COUNTY#<county>` with sort
 * keys `ELDER#<category>#`, every page, projected to what a campaign preview needs.
 */
export async function readAudienceRows(
  db: Db,
  county: string,
  category: Category,
  meter: ReadMeter = { units: 0, pages: 0 },
): Promise<AudienceRow[]> {
  const names: Record<string, string> = { '#region': 'region', '#county': 'county', '#township': 'township' };
  names['#status'] = 'status';
  AUDIENCE_FIELDS.forEach((f, i) => {
    names[`#f${i}`] = f;
  });
  const projection = [
    '#region.#county',
    '#region.#township',
    '#status',
    ...AUDIENCE_FIELDS.map((_, i) => `#f${i}`),
  ].join(', ');
  const key = elderKeys.byCounty(county, category, '');
  const rows: AudienceRow[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: registerTable.byCounty.indexName,
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
        ExpressionAttributeValues: { ':pk': key.gsi1pk, ':prefix': key.gsi1sk },
        ExpressionAttributeNames: names,
        ProjectionExpression: projection,
        ReturnConsumedCapacity: 'TOTAL',
        ExclusiveStartKey: start,
      }),
    );
    meter.pages++;
    meter.units += page.ConsumedCapacity?.CapacityUnits ?? 0;
    for (const item of page.Items ?? []) rows.push(item as AudienceRow);
    start = page.LastEvaluatedKey;
  } while (start);
  return rows;
}

/**
 * A transaction item that adds to a campaign's progress counters, so a counter moves in the same
 * transaction as the check-in or case change it counts (never twice, never lost).
 */
export function progressUpdate(db: Db, campaignId: string, add: Partial<Record<ProgressField, number>>) {
  const fields = Object.entries(add).filter(([, n]) => n !== 0);
  return {
    Update: {
      TableName: db.tableName,
      Key: campaignKeys.progress(campaignId),
      UpdateExpression: `ADD ${fields.map(([f]) => `#${f} :${f}`).join(', ')} SET #type = :type`,
      ExpressionAttributeNames: {
        '#type': 'type',
        ...Object.fromEntries(fields.map(([f]) => [`#${f}`, f])),
      },
      ExpressionAttributeValues: {
        ':type': 'campaignProgress',
        ...Object.fromEntries(fields.map(([f, n]) => [`:${f}`, n])),
      },
    },
  };
}
