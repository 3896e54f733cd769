import middy from '@middy/core';
import { runPlanner } from '../../shared/phone/engine.js';
import { awsPhoneDeps } from '../phone/deps.js';

const { deps } = awsPhoneDeps('anxin-planner');

/** Every few minutes (EventBridge Scheduler, Asia/Shanghai): move on whatever is due. */
export const handler = middy(async () => runPlanner(deps));
