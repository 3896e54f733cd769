import middy from '@middy/core';
import { awsPhoneDeps } from '../phone/deps.js';
import { makeDispatcher } from './batch.js';

const { deps } = awsPhoneDeps('anxin-dispatcher');

export const handler = middy(makeDispatcher(deps));
