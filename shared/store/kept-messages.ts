import type { Db } from './client.js';
import { phoneKeys } from './keys.js';
import { queryPrefix } from './query.js';

/** A text an elder sent that the system did not understand, kept for staff to read. */
export interface KeptMessage {
  elderId: string;
  at: string;
  id: string;
  body: string;
}

/** An elder's kept texts, oldest first (`ELDER#id`, sort keys `MESSAGE#<time>#<id>`). */
export async function listKeptMessages(db: Db, elderId: string): Promise<KeptMessage[]> {
  const pk = phoneKeys.message(elderId, '', '').pk;
  return (await queryPrefix(db, pk, 'MESSAGE#')).map(
    ({ pk: _p, sk: _s, type: _t, ...m }) => m as unknown as KeptMessage,
  );
}
