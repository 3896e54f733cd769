import type { Logger } from '@aws-lambda-powertools/logger';
import { makeDispatcher } from '../../functions/dispatcher/batch.js';
import { makeInboundHandler } from '../../functions/sms-inbound/records.js';
import { cachedLiveCampaigns } from '../../shared/campaigns/run.js';
import type { PolicyConfig } from '../../shared/config.js';
import type { PhoneVisitPolicy, ProviderLimits } from '../../shared/phone/config.js';
import { type PhoneDeps, runPlanner } from '../../shared/phone/engine.js';
import { cachedPause } from '../../shared/phone/health.js';
import { routedQueue } from '../../shared/phone/jobs.js';
import { dynamoPacer } from '../../shared/phone/pacer.js';
import { handleSmaEvent } from '../../shared/phone/voice.js';
import type { Db } from '../../shared/store/client.js';
import { SimulatedNetwork } from './network.js';
import { LocalQueue } from './queue.js';
import type { Timeline } from './timeline.js';

/** How often the planner runs (EventBridge Scheduler runs it every 5 minutes on AWS). */
export const PLANNER_EVERY_MS = 5 * 60_000;

/**
 * The phone-visit system on this machine: the same handlers (planner, dispatcher, SIP media
 * application, inbound texts) wired to an in-process queue and the simulated phone network.
 */
export function phoneRuntime(options: {
  db: Db;
  policy: PolicyConfig;
  phonePolicies: Record<string, PhoneVisitPolicy>;
  limits: ProviderLimits;
  timeline: Timeline;
  logger?: Logger;
  /** every log line, for the privacy scan and the simulation */
  onLog?: (line: string) => void;
}) {
  const { timeline } = options;
  const network = new SimulatedNetwork(timeline);
  const checkInQueue = new LocalQueue(timeline);
  const urgentQueue = new LocalQueue(timeline);
  const queue = routedQueue(checkInQueue, urgentQueue);
  const pacer = dynamoPacer(options.db, options.limits, {
    now: () => timeline.now().getTime(),
    sleep: (ms) => timeline.sleep(ms),
  });
  const deps: PhoneDeps = {
    db: options.db,
    policy: options.policy,
    phonePolicies: options.phonePolicies,
    queue,
    voice: network,
    sms: network,
    pacer,
    now: () => timeline.now(),
    log: (message, fields) => {
      options.logger?.info(message, fields ?? {});
      options.onLog?.(JSON.stringify({ message, ...fields }));
    },
    campaigns: cachedLiveCampaigns(options.db, () => timeline.now()),
    pause: cachedPause(options.db, options.limits),
  };
  // one dispatcher per queue, as on AWS (two functions): a batch processor holds one batch at a time
  checkInQueue.attach(makeDispatcher(deps));
  urgentQueue.attach(makeDispatcher(deps));
  network.attach({ sma: (event) => handleSmaEvent(deps, event), inbound: makeInboundHandler(deps) });
  /** runs the planner now and again every PLANNER_EVERY_MS until stopped; starting again starts a new chain */
  let generation = 0;
  const tick = (mine: number) => async () => {
    if (mine !== generation) return;
    // the next run is booked first: one failed run must not stop the planner
    timeline.at(new Date(timeline.now().getTime() + PLANNER_EVERY_MS), tick(mine));
    await runPlanner(deps);
  };
  return {
    deps,
    network,
    /** both queues, each with its own dead letters */
    queues: [checkInQueue, urgentQueue] as const,
    /** the two queues as one: sends by urgency; what was sent and dead-lettered on either */
    queue: {
      send: queue.send,
      get sent() {
        return [...checkInQueue.sent, ...urgentQueue.sent];
      },
      get deadLetters() {
        return [...checkInQueue.deadLetters, ...urgentQueue.deadLetters];
      },
      pending: () => checkInQueue.pending() + urgentQueue.pending(),
    },
    startPlanner: () => {
      generation++;
      timeline.at(timeline.now(), tick(generation));
    },
    stop: () => {
      generation++;
    },
  };
}
