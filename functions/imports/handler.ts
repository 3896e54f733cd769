import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig } from '../../shared/config.js';
import { createDb } from '../../shared/store/client.js';
import { makeHttp } from '../api/http.js';
import { importRoutes } from './routes.js';

const config = loadConfig();
const db = createDb({ tableName: config.tableName, endpoint: config.dynamodbEndpoint });

/** POST /api/imports and GET /api/imports/{id}: the spreadsheet import, apart from the admin API. */
export const handler = makeHttp(
  importRoutes({ db, policy: config.policy, now: () => new Date() }),
  new Logger({ serviceName: 'anxin-imports' }),
);
