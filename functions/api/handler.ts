import { loadConfig } from '../../shared/config.js';
import { createDb } from '../../shared/store/client.js';
import { makeAdminApi } from './app.js';

// read once per cold start; a bad variable fails here with its name
const config = loadConfig();
const db = createDb({ tableName: config.tableName, endpoint: config.dynamodbEndpoint });

export const handler = makeAdminApi({ db, policy: config.policy, now: () => new Date() });
