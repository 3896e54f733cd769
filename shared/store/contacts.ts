import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Contact } from '../contacts/contact.js';
import type { Db } from './client.js';
import { contactKeys } from './keys.js';

/** Stores a visit contact, listed under its county (gsi1). */
export async function putContact(db: Db, contact: Contact): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...contactKeys.profile(contact.id),
        ...contactKeys.byCounty(contact.county, contact.id),
        type: 'contact',
        ...contact,
      },
    }),
  );
}

/** Reads one visit contact. */
export async function getContact(db: Db, contactId: string): Promise<Contact | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: contactKeys.profile(contactId) }),
  );
  if (!out.Item) return undefined;
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, type: _t, ...contact } = out.Item;
  return contact as Contact;
}
