import middy from '@middy/core';
import { handleSmaEvent } from '../../shared/phone/voice.js';
import { awsPhoneDeps } from '../phone/deps.js';

const { deps } = awsPhoneDeps('anxin-voice');

/** The SIP media application's Lambda: one event in, the next actions out, well inside 5 seconds. */
export const handler = middy(async (event: unknown) => handleSmaEvent(deps, event));
