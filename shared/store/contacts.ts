import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Contact } from '../contacts/contact.js';
import type { Db } from './client.js';
import { contactKeys, phoneKeys } from './keys.js';

/** Stores a visit contact, listed under its county (gsi1), with its number in the phone index. */
export async function putContact(db: Db, contact: Contact): Promise<void> {
  const owner = `CONTACT#${contact.id}`;
  await db.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: db.tableName,
            Item: {
              ...contactKeys.profile(contact.id),
              ...contactKeys.byCounty(contact.county, contact.id),
              type: 'contact',
              ...contact,
            },
          },
        },
        {
          Put: {
            TableName: db.tableName,
            Item: { ...phoneKeys.phone(contact.phone, owner), type: 'phone', owner, contactId: contact.id },
          },
        },
      ],
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
