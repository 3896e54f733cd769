import { readFileSync } from 'node:fs';
import {
  LOCAL_DEV_SIGNALS_SECRET,
  SIGNATURE_HEADER,
  signBatch,
  TIMESTAMP_HEADER,
} from '../shared/signals/ingest.js';

/**
 * Feeds readings to the local stack as a vendor platform would: `npx tsx local/signals-feed.ts batch.json`
 * signs the file's batch (docs/signals.md) with the local secret and posts it to /signals/readings.
 * LOCAL ONLY: PORT (default 3000) names the local stack; the answer is printed.
 */
const file = process.argv[2];
if (!file) {
  console.error('usage: npx tsx local/signals-feed.ts <batch.json>');
  process.exit(2);
}
const body = readFileSync(file, 'utf8');
const timestamp = String(Math.floor(Date.now() / 1000));
const port = process.env.PORT ?? '3000';
const reply = await fetch(`http://127.0.0.1:${port}/signals/readings`, {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: signBatch(process.env.SIGNALS_SECRET ?? LOCAL_DEV_SIGNALS_SECRET, timestamp, body),
  },
  body,
});
console.log(reply.status, await reply.text());
