import middy from '@middy/core';
import { awsPhoneDeps } from '../phone/deps.js';
import { makeInboundHandler } from './records.js';

const { deps } = awsPhoneDeps('anxin-sms-inbound');

export const handler = middy(makeInboundHandler(deps));
