import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import { loadConfig } from '../../shared/config.js';
import { createDb } from '../../shared/store/client.js';
import { makeReclassifyJob } from './job.js';

const config = loadConfig();
const logger = new Logger({ serviceName: 'anxin-reclassify' });
const db = createDb({ tableName: config.tableName, endpoint: config.dynamodbEndpoint });

export const handler = middy(makeReclassifyJob({ db, policy: config.policy, now: () => new Date() }, logger));
