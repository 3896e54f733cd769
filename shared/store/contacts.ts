import { GetCommand, paginateQuery, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Contact } from '../contacts/contact.js';
import type { Db } from './client.js';
import { contactKeys, phoneKeys } from './keys.js';
import { registerTable } from './table.js';

const owner = (contactId: string) => `CONTACT#${contactId}`;

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

/** Stores a visit contact, listed under its county (gsi1), with its number in the phone index. */
export async function putContact(db: Db, contact: Contact): Promise<void> {
  await db.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: db.tableName, Item: profileItem(contact) } },
        { Put: { TableName: db.tableName, Item: phoneItem(contact) } },
      ],
    }),
  );
}

/**
 * Replaces a contact's profile, moving its number in the phone index when it changed: all or nothing.
 */
export async function replaceContact(db: Db, before: Contact, after: Contact): Promise<void> {
  const moves = before.phone !== after.phone;
  await db.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: db.tableName,
            Item: profileItem(after),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
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
}

const KEYS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'type']);
const strip = (item: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !KEYS.has(k))) as unknown as Contact;

/** Reads one visit contact. */
export async function getContact(db: Db, contactId: string): Promise<Contact | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: contactKeys.profile(contactId), ConsistentRead: true }),
  );
  return out.Item ? strip(out.Item) : undefined;
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
