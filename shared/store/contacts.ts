import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateQuery, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Contact, ContactAuditEntry } from '../contacts/contact.js';
import { DomainError } from '../errors.js';
import type { Db } from './client.js';
import { contactKeys, phoneKeys } from './keys.js';
import { queryPrefix } from './query.js';
import { registerTable } from './table.js';

const owner = (contactId: string) => `CONTACT#${contactId}`;

/** Another writer changed the contact between reading and writing: read again. */
export class ContactChanged extends DomainError {
  constructor(readonly contactId: string) {
    super('contact.conflict', 409);
  }
}

function profileItem(contact: Contact): Record<string, unknown> {
  return {
    ...contactKeys.profile(contact.id),
    ...contactKeys.byCounty(contact.county, contact.id),
    type: 'contact',
    ...contact,
  };
}

const phoneItem = (contact: Contact) => ({
  ...phoneKeys.phone(contact.phone, owner(contact.id)),
  type: 'phone',
  owner: owner(contact.id),
  contactId: contact.id,
});

const auditItem = (db: Db, entry: ContactAuditEntry) => ({
  Put: {
    TableName: db.tableName,
    Item: { ...contactKeys.audit(entry.contactId, entry.version), type: 'contactAudit', ...entry },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/**
 * Stores a visit contact, listed under its county (gsi1), with its number in the phone index; with an
 * audit entry (a contact created through the API) in the same transaction, and only if new.
 */
export async function putContact(db: Db, contact: Contact, audit?: ContactAuditEntry): Promise<void> {
  await db.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: db.tableName,
            Item: profileItem(contact),
            ...(audit ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
          },
        },
        { Put: { TableName: db.tableName, Item: phoneItem(contact) } },
        ...(audit ? [auditItem(db, audit)] : []),
      ],
    }),
  );
}

/**
 * Replaces a contact's profile if unchanged since `before` was read (its version), moving its number
 * in the phone index when it changed, with the change's audit entry: all or nothing. `after.version`
 * is the new version (one more than before's; contacts stored before versions count as 0).
 */
export async function replaceContact(
  db: Db,
  before: Contact,
  after: Contact,
  audit: ContactAuditEntry,
): Promise<void> {
  const moves = before.phone !== after.phone;
  const unchanged =
    before.version === undefined
      ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(version)' }
      : {
          ConditionExpression: 'attribute_exists(pk) AND version = :v',
          ExpressionAttributeValues: { ':v': before.version },
        };
  try {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: db.tableName, Item: profileItem(after), ...unchanged } },
          auditItem(db, audit),
          ...(moves
            ? [
                {
                  Delete: {
                    TableName: db.tableName,
                    Key: phoneKeys.phone(before.phone, owner(before.id)),
                  },
                },
                { Put: { TableName: db.tableName, Item: phoneItem(after) } },
              ]
            : []),
        ],
      }),
    );
  } catch (error) {
    const codes =
      error instanceof TransactionCanceledException
        ? error.CancellationReasons?.map((r) => r.Code)
        : undefined;
    if (codes?.slice(0, 2).includes('ConditionalCheckFailed')) throw new ContactChanged(before.id);
    throw error;
  }
}

const KEYS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'type']);
const strip = <T = Contact>(item: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !KEYS.has(k))) as unknown as T;

/** Reads one visit contact. */
export async function getContact(db: Db, contactId: string): Promise<Contact | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: contactKeys.profile(contactId), ConsistentRead: true }),
  );
  return out.Item ? strip(out.Item) : undefined;
}

/** Reads a contact's audit trail, oldest first (`CONTACT#id`, sort keys `AUDIT#…`). */
export async function listContactAudit(db: Db, contactId: string): Promise<ContactAuditEntry[]> {
  return (await queryPrefix(db, contactKeys.profile(contactId).pk, 'AUDIT#')).map((i) =>
    strip<ContactAuditEntry>(i),
  );
}

/** Lists a county's visit contacts (gsi1 `COUNTY#<county>`, sort keys `CONTACT#…`). */
export async function listContactsByCounty(db: Db, county: string): Promise<Contact[]> {
  const { indexName, partitionKey, sortKey } = registerTable.byCounty;
  const contacts: Contact[] = [];
  const pages = paginateQuery(
    { client: db.doc },
    {
      TableName: db.tableName,
      IndexName: indexName,
      KeyConditionExpression: `${partitionKey} = :pk AND begins_with(${sortKey}, :prefix)`,
      ExpressionAttributeValues: { ':pk': `COUNTY#${county}`, ':prefix': 'CONTACT#' },
    },
  );
  for await (const page of pages) for (const item of page.Items ?? []) contacts.push(strip(item));
  return contacts;
}
