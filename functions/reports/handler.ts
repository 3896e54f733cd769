import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig } from '../../shared/config.js';
import { createDb } from '../../shared/store/client.js';
import { makeHttp } from '../api/http.js';
import { importTemplateRoutes } from './import-template.js';
import { registerExportRoutes } from './register-export.js';
import { reportRoutes } from './routes.js';

// read once per cold start; a bad variable fails here with its name
const config = loadConfig();
const db = createDb({ tableName: config.tableName, endpoint: config.dynamodbEndpoint });

/** GET /api/reports/monthly and /api/reports/open-obligations: the monthly statistics report. */
const deps = { db, policy: config.policy, now: () => new Date() };
export const handler = makeHttp(
  [...reportRoutes(deps), ...registerExportRoutes(deps), ...importTemplateRoutes(deps)],
  new Logger({ serviceName: 'anxin-reports' }),
);
