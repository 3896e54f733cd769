import middy from '@middy/core';
import { runPlanner } from '../../shared/phone/engine.js';
import { awsPhoneDeps } from '../phone/deps.js';
import { withCapacity } from './capacity.js';

const { deps } = awsPhoneDeps('anxin-planner');

/** Every few minutes (EventBridge Scheduler, Asia/Shanghai): move on whatever is due. */
export const handler = middy(async () => withCapacity(deps, await runPlanner(deps)));
