import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Alert, Device, Reading, RuleName } from '../signals/model.js';
import type { Db } from './client.js';
import { signalKeys } from './keys.js';

/** Readings are kept 60 days (TTL), enough for the 14-day baselines and a month's review. */
const READING_DAYS = 60;

const conditionFailed = (error: unknown) =>
  (error as Error).name === 'ConditionalCheckFailedException' ||
  (error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));

const strip = ({
  pk: _p,
  sk: _s,
  gsi1pk: _a,
  gsi1sk: _b,
  gsi2pk: _c,
  gsi2sk: _d,
  type: _t,
  expiresAt: _e,
  ...rest
}: Record<string, unknown>) => rest;

/**
 * Registers a device to an elder. A vendor's device id belongs to one elder: registering it again to
 * the same elder changes nothing; to another is refused (false).
 */
export async function putDevice(db: Db, device: Device): Promise<boolean> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...signalKeys.device(device.vendor, device.deviceId),
          ...signalKeys.devicesOfElder(device.elderId, device.kind, device.vendor, device.deviceId),
          gsi2pk: `DEVICES#${device.county}`,
          gsi2sk: `${device.elderId}#${device.vendor}#${device.deviceId}`,
          type: 'device',
          ...device,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR elderId = :elder',
        ExpressionAttributeValues: { ':elder': device.elderId },
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

export async function getDevice(db: Db, vendor: string, deviceId: string): Promise<Device | undefined> {
  const out = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: signalKeys.device(vendor, deviceId),
      ConsistentRead: true,
    }),
  );
  return out.Item ? (strip(out.Item) as unknown as Device) : undefined;
}

/** An elder's devices (gsi1 `DEVICES#<elderId>`). */
export async function listDevicesOfElder(db: Db, elderId: string): Promise<Device[]> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `DEVICES#${elderId}` },
    }),
  );
  return (out.Items ?? []).map((i) => strip(i) as unknown as Device);
}

/** A county's devices, by elder (gsi2 `DEVICES#<county>`): the sweep's list. */
export async function listDevicesOfCounty(db: Db, county: string): Promise<Device[]> {
  const items: Device[] = [];
  const pages = paginateQuery(
    { client: db.doc },
    {
      TableName: db.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `DEVICES#${county}` },
    },
  );
  for await (const page of pages) for (const i of page.Items ?? []) items.push(strip(i) as unknown as Device);
  return items;
}

/** Unregisters a device of this elder (its readings expire by themselves). */
export async function removeDevice(db: Db, device: Pick<Device, 'vendor' | 'deviceId' | 'elderId'>) {
  try {
    await db.doc.send(
      new DeleteCommand({
        TableName: db.tableName,
        Key: signalKeys.device(device.vendor, device.deviceId),
        ConditionExpression: 'elderId = :elder',
        ExpressionAttributeValues: { ':elder': device.elderId },
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

/** Stores a reading once (device, time and event id): false when it was already stored. */
export async function putReading(db: Db, reading: Reading): Promise<boolean> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...signalKeys.reading(reading.vendor, reading.deviceId, reading.at, reading.eventId),
          type: 'reading',
          ...reading,
          expiresAt: Math.floor(Date.parse(reading.at) / 1000) + READING_DAYS * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

/** A device's readings between two UTC instants, oldest first. */
export async function listReadings(
  db: Db,
  vendor: string,
  deviceId: string,
  from: string,
  to: string,
): Promise<Reading[]> {
  const items: Reading[] = [];
  const pages = paginateQuery(
    { client: db.doc },
    {
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': signalKeys.device(vendor, deviceId).pk,
        ':from': `READING#${from}`,
        ':to': `READING#${to}~`,
      },
    },
  );
  for await (const page of pages)
    for (const i of page.Items ?? []) items.push(strip(i) as unknown as Reading);
  return items;
}

/**
 * Stores an alert once per firing and counts it into its county's figures for the rule, in one
 * transaction: false when this firing was already stored.
 */
export async function createAlert(db: Db, alert: Alert): Promise<boolean> {
  try {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: db.tableName,
              Item: {
                ...signalKeys.alert(alert.id),
                ...signalKeys.alertsOfCounty(alert.county, alert.firedAt, alert.id),
                type: 'alert',
                ...alert,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: db.tableName,
              Key: signalKeys.alertStats(alert.county, alert.rule),
              UpdateExpression: 'ADD fired :one SET #type = :type',
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: { ':one': 1, ':type': 'alertStats' },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

export async function getAlert(db: Db, id: string): Promise<Alert | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: signalKeys.alert(id), ConsistentRead: true }),
  );
  return out.Item ? (strip(out.Item) as unknown as Alert) : undefined;
}

/** A county's alerts, newest first (gsi1 `ALERTS#<county>`). */
export async function listAlertsOfCounty(db: Db, county: string, limit = 100): Promise<Alert[]> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `ALERTS#${county}` },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => strip(i) as unknown as Alert);
}

/** Marks what the engine did with an alert (its check-in started, its case opened). */
export async function setAlertStatus(db: Db, id: string, status: Alert['status']): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: signalKeys.alert(id),
      UpdateExpression: 'SET #status = :status',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status },
    }),
  );
}

/**
 * Staff mark an alert true or false: the alert and its county's counters for the rule change in one
 * transaction, only if the verdict is still what was read (a change of mind moves the count).
 */
export async function setAlertVerdict(
  db: Db,
  alert: Alert,
  verdict: 'true' | 'false',
  by: string,
  at: string,
): Promise<boolean> {
  if (alert.verdict === verdict) return true;
  const add = verdict === 'false' ? 'falseAlarms' : 'trueAlarms';
  const remove =
    alert.verdict === 'false' ? 'falseAlarms' : alert.verdict === 'true' ? 'trueAlarms' : undefined;
  try {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: db.tableName,
              Key: signalKeys.alert(alert.id),
              UpdateExpression: 'SET verdict = :v, verdictBy = :by, verdictAt = :at',
              ConditionExpression: alert.verdict
                ? 'verdict = :previous'
                : 'attribute_exists(pk) AND attribute_not_exists(verdict)',
              ExpressionAttributeValues: {
                ':v': verdict,
                ':by': by,
                ':at': at,
                ...(alert.verdict ? { ':previous': alert.verdict } : {}),
              },
            },
          },
          {
            Update: {
              TableName: db.tableName,
              Key: signalKeys.alertStats(alert.county, alert.rule),
              UpdateExpression: remove ? `ADD ${add} :one, ${remove} :minus` : `ADD ${add} :one`,
              ExpressionAttributeValues: { ':one': 1, ...(remove ? { ':minus': -1 } : {}) },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

/** A county's alert figures per rule: fired, marked false, marked true. */
export async function getAlertStats(
  db: Db,
  county: string,
): Promise<{ rule: RuleName; fired: number; falseAlarms: number; trueAlarms: number }[]> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `ALERTSTATS#${county}` },
    }),
  );
  return (out.Items ?? []).map((i) => ({
    rule: i.sk as RuleName,
    fired: Number(i.fired ?? 0),
    falseAlarms: Number(i.falseAlarms ?? 0),
    trueAlarms: Number(i.trueAlarms ?? 0),
  }));
}

/** Rule settings: a county's defaults or a household's overrides (validated before they are stored). */
export async function getRuleSettings(db: Db, key: { pk: string; sk: string }): Promise<unknown> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key }));
  return out.Item?.settings;
}

export async function putRuleSettings(
  db: Db,
  key: { pk: string; sk: string },
  settings: unknown,
  by: string,
  at: string,
): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...key, type: 'signalRules', settings, updatedBy: by, updatedAt: at },
    }),
  );
}
