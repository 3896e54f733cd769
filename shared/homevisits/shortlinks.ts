import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../store/client.js';
import { signVisitLink, VISIT_LINK_DAYS } from './links.js';

/** The elder id a list link carries: the contact's whole list rather than one elder. */
export const LIST_ELDER = 'list';

/** Short links are `/l/` and eight random URL-safe characters (48 bits): unguessable, and short. */
export const SHORT_LINK_PATH = '/l/';
const SHORT_ID = /^[A-Za-z0-9_-]{8}$/;

const key = (id: string) => ({ pk: `SHORTLINK#${id}`, sk: 'SHORTLINK' });

/**
 * A short link for a digest text: a signed list link (this contact's elders, valid VISIT_LINK_DAYS)
 * stored under a random id, so it fits in an SMS. The signed token stays the credential: the short id
 * only finds it, and expires with it.
 * @example await contactListLink(db, secret, 'http://localhost:8787', 'c1', now) // 'http://localhost:8787/l/Xy3_a9Qk'
 */
export async function contactListLink(
  db: Db,
  secret: string,
  baseUrl: string,
  contactId: string,
  now: Date,
): Promise<string> {
  const expiresAt = new Date(now.getTime() + VISIT_LINK_DAYS * 86_400_000);
  const token = signVisitLink(secret, { elderId: LIST_ELDER, contactId, expiresAt });
  for (;;) {
    const id = randomBytes(6).toString('base64url');
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: { ...key(id), type: 'shortLink', token, expiresAt: Math.floor(expiresAt.getTime() / 1000) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return `${baseUrl.replace(/\/+$/, '')}${SHORT_LINK_PATH}${id}`;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
}

/** The signed token a short id stands for, while it has not expired. */
export async function resolveShortLink(db: Db, id: string, now: Date): Promise<string | undefined> {
  if (!SHORT_ID.test(id)) return undefined;
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key(id) }));
  const item = out.Item;
  if (!item || typeof item.token !== 'string' || Number(item.expiresAt) * 1000 <= now.getTime())
    return undefined;
  return item.token;
}
