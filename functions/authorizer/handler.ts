import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import { remoteKeys } from '../../shared/auth/oidc.js';
import { loadOidcConfig } from '../../shared/config.js';
import { makeAuthorizer } from './app.js';

const config = loadOidcConfig();
const logger = new Logger({ serviceName: 'anxin-authorizer' });
const keys = remoteKeys(config);

export const handler = middy(makeAuthorizer(config, keys, (message, detail) => logger.info(message, detail)));
