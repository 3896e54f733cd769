import { loadConfig, loadLinkConfig } from '../../shared/config.js';
import { loadLinkSecret } from '../../shared/homevisits/links.js';
import { createDb } from '../../shared/store/client.js';
import { makeVisitPageApi } from './routes.js';

// read once per cold start; a bad variable fails here with its name, the secret from Secrets Manager
const config = loadConfig();
const linkSecret = await loadLinkSecret(loadLinkConfig());
const db = createDb({ tableName: config.tableName, endpoint: config.dynamodbEndpoint });

export const handler = makeVisitPageApi({ db, policy: config.policy, now: () => new Date(), linkSecret });
