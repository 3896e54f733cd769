/**
 * `npm start`: the whole system on this machine. DynamoDB Local (data kept in .data/, git-ignored),
 * the register table, a synthetic demo register when empty, the admin API at http://localhost:8787
 * served by the same Lambda handler code, the daily age-line job, and the phone-visit system (planner,
 * dispatcher, voice and text handlers) on a simulated phone network, with the phones a person answers
 * at http://localhost:8787/phone. Ctrl-C stops everything.
 */
import { resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { makeApi } from '../functions/api/all.js';
import { makeReclassifyJob } from '../functions/reclassify/job.js';
import { loadCampaignConfig, loadConfig, loadPhoneConfig, type PolicyConfig } from '../shared/config.js';
import { LOCAL_DEV_LINK_SECRET } from '../shared/homevisits/links.js';
import { contactListLink } from '../shared/homevisits/shortlinks.js';
import { runDigests } from '../shared/homevisits/sms.js';
import { type PhoneVisitPolicy, policyFor } from '../shared/phone/config.js';
import { runPlanner } from '../shared/phone/engine.js';
import { localInstant } from '../shared/phone/windows.js';
import { createDb } from '../shared/store/client.js';
import { addDaysIso, dateInPolicyZone, isoInPolicyZone } from '../shared/time.js';
import { serveWithLocalAuth } from './auth.js';
import { localCampaignScheduler } from './campaigns.js';
import { consoleSite } from './console.js';
import { ensureTable, freePort, LOOPBACK, startDynamoLocal } from './dynamo.js';
import { isPhonePath, phoneApi, serialPlanner } from './phone/http.js';
import { PLANNER_EVERY_MS, phoneRuntime } from './phone/runtime.js';
import { RealTimeline } from './phone/timeline.js';
import { isSeeded, prepareDemoPhones, seedDemo } from './seed.js';
import { serveHandler } from './server.js';

const TABLE = 'anxin-local';

async function portOrFree(preferred: number): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => void freePort().then(done));
    probe.listen(preferred, LOOPBACK, () => probe.close(() => done(preferred)));
  });
}

/**
 * ANXIN_CLOCK_START: where the local clock starts (ISO-8601 with an offset), so a demo can begin inside
 * a calling window at any hour. The clock then runs at real speed from there.
 */
function clockStart(value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = z.iso.datetime({ offset: true }).safeParse(value);
  if (!parsed.success)
    throw new Error(
      '配置错误 / bad configuration: ANXIN_CLOCK_START must be ISO-8601 with an offset, e.g. 2025-07-01T09:05:00+08:00',
    );
  return new Date(parsed.data);
}

/** A synthetic duty phone per county (+86 138 0013 99nn) where none is configured, so level 3 can be seen. */
function withDemoDutyPhones(
  policies: Record<string, PhoneVisitPolicy>,
  policy: PolicyConfig,
): Record<string, PhoneVisitPolicy> {
  const out = { ...policies };
  Object.keys(policy.counties)
    .sort()
    .forEach((county, i) => {
      const own = policyFor(policies, county);
      if (Object.keys(own.escalation.dutyPhones).length > 0) return;
      out[county] = {
        ...own,
        escalation: { ...own.escalation, dutyPhones: { '*': [`+86138001399${String(i).padStart(2, '0')}`] } },
      };
    });
  return out;
}

async function main() {
  // PORT when given (a clear failure if it is taken); else 8787, or a free loopback port when 8787 is
  // taken, so a second stack starts beside the first
  const port = process.env.PORT ? Number(process.env.PORT) : await portOrFree(8787);
  const dataDir = resolve(process.env.ANXIN_DATA_DIR ?? '.data/dynamodb');
  const logger = new Logger({
    serviceName: 'anxin-local',
    logLevel: (process.env.ANXIN_LOG_LEVEL ?? 'WARN') as 'WARN',
  });

  const timeline = new RealTimeline(clockStart(process.env.ANXIN_CLOCK_START));
  const phoneConfig = loadPhoneConfig(process.env);

  process.stdout.write('安心 Anxin: starting DynamoDB Local…\n');
  // ANXIN_DYNAMO_PORT when given; else 8000, or a free port when 8000 is taken (another stack may
  // have taken it between the probe and the bind: then once more on a free port)
  const dynamo = process.env.ANXIN_DYNAMO_PORT
    ? await startDynamoLocal({ port: Number(process.env.ANXIN_DYNAMO_PORT), dataDir })
    : await startDynamoLocal({ port: await portOrFree(8000), dataDir }).catch(async () =>
        startDynamoLocal({ port: await freePort(), dataDir }),
      );
  let server: Awaited<ReturnType<typeof serveHandler>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let plannerTimer: NodeJS.Timeout | undefined;
  let digestTimer: NodeJS.Timeout | undefined;
  let phones: ReturnType<typeof phoneRuntime> | undefined;
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\n安心 Anxin: stopping…\n');
    server?.close();
    clearInterval(timer);
    clearInterval(plannerTimer);
    clearTimeout(digestTimer);
    phones?.stop();
    await dynamo.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  try {
    const config = loadConfig({ ...process.env, TABLE_NAME: TABLE, DYNAMODB_ENDPOINT: dynamo.endpoint });
    await ensureTable(dynamo.endpoint, TABLE);
    const db = createDb({ tableName: TABLE, endpoint: dynamo.endpoint });
    // one clock for the API, the jobs and the phones (shifted when ANXIN_CLOCK_START is set)
    const deps = { db, policy: config.policy, now: () => timeline.now() };
    if (!(await isSeeded(db))) {
      process.stdout.write('安心 Anxin: loading the synthetic demo register (first start only)…\n');
      const seeded = await seedDemo(deps, timeline.now());
      process.stdout.write(
        `  ${seeded.elders} elders, ${seeded.contacts} contacts, ${seeded.visits} visit records\n`,
      );
    }
    const reclassify = makeReclassifyJob(deps, logger);
    await reclassify();
    timer = setInterval(
      () => void reclassify().catch((e: Error) => logger.error('reclassify failed', { errorName: e.name })),
      3_600_000,
    );

    const phonePolicies = withDemoDutyPhones(phoneConfig.phonePolicies, config.policy);
    phones = phoneRuntime({
      db,
      policy: config.policy,
      phonePolicies,
      limits: phoneConfig.limits,
      timeline,
      logger,
    });
    const demo = await prepareDemoPhones(
      { db, policy: config.policy, phonePolicies },
      phones.network,
      timeline.now(),
    );
    const runtime = phones;
    const plan = serialPlanner(() => runPlanner(runtime.deps));
    // campaigns start and finish on local timers, through the runner the campaigns Lambda runs on AWS
    // CAMPAIGN_APPROVAL_THRESHOLD: audiences over it need a second administrator's approval
    const apiDeps = {
      ...deps,
      // a campaign that starts or finishes is seen by the very next planner run, not a minute later
      scheduler: localCampaignScheduler(runtime.deps, timeline, {
        onResult: (result) => {
          if (result.changed) runtime.deps.campaigns?.clear?.();
        },
      }),
      approvalThreshold: loadCampaignConfig(process.env).approvalThreshold,
    };
    const api = makeApi(apiDeps, logger);
    // the contacts' morning digests, as the reminders Lambda sends them at 08:30, with short links to
    // their lists on this server
    const digests = () =>
      runDigests({
        ...runtime.deps,
        linkFor: (contactId) =>
          contactListLink(db, LOCAL_DEV_LINK_SECRET, `http://localhost:${port}`, contactId, timeline.now()),
      });
    const phonePage = phoneApi({ runtime, manual: demo.manual }, { plan, logger, digests });
    // the web console at / (console/build.ts bundles it in memory here, in well under a second)
    const site = await consoleSite();
    // the local login (POST /auth/login) and the JWT authorizer's part for /api/* (local/auth.ts)
    server = await serveWithLocalAuth(
      serveHandler,
      (event, context) =>
        site.owns(event.rawPath)
          ? site.handle(event)
          : (isPhonePath(event.rawPath) ? phonePage : api)(event, context),
      port,
    );
    // the planner runs every 5 minutes, as EventBridge Scheduler runs it on AWS; a failed run is logged
    // and the next one comes all the same
    const planNow = () =>
      void plan().catch((e: Error) => logger.error('planner failed', { errorName: e.name }));
    planNow();
    plannerTimer = setInterval(planNow, PLANNER_EVERY_MS);
    const digestsAtHalfPastEight = () => {
      const today = dateInPolicyZone(timeline.now());
      let next = localInstant(today, 8 * 60 + 30);
      if (next <= timeline.now()) next = localInstant(addDaysIso(today, 1), 8 * 60 + 30);
      digestTimer = setTimeout(() => {
        void digests().catch((e: Error) => logger.error('digests failed', { errorName: e.name }));
        digestsAtHalfPastEight();
      }, next.getTime() - timeline.now().getTime());
      digestTimer.unref();
    };
    digestsAtHalfPastEight();

    const clock = isoInPolicyZone(timeline.now()).slice(0, 16).replace('T', ' ');
    process.stdout.write(
      [
        '',
        '安心 Anxin is running (Ctrl-C stops everything):',
        `  Console          http://localhost:${port}/  (log in as pengjiang-admin, city-admin, …; password anxin-demo)`,
        `  Admin API        http://localhost:${port}/api  (POST /auth/login for a token; GET /healthz is open)`,
        `  Phones           http://localhost:${port}/phone  (${demo.manual.length} demo phones you answer; ${demo.phones} simulated in all)`,
        `  Clock            ${clock} Asia/Shanghai${process.env.ANXIN_CLOCK_START ? ' (from ANXIN_CLOCK_START)' : ''}; planner every 5 min, POST /phone/api/plan-now runs it now`,
        `  Digests          contacts' home-visit digests at 08:30; POST /phone/api/digests-now sends today's now`,
        `  DynamoDB Local   ${dynamo.endpoint}  table ${TABLE}, data in ${dataDir}`,
        `  Import a sheet   npm run import -- file.xlsx --endpoint ${dynamo.endpoint}`,
        '',
      ].join('\n'),
    );
  } catch (error) {
    process.stderr.write(`安心 Anxin 启动失败 / failed to start: ${(error as Error).message}\n`);
    await stop(1);
  }
}

main().catch((error: Error) => {
  // a bad setting found before anything was started
  process.stderr.write(`安心 Anxin 启动失败 / failed to start: ${error.message}\n`);
  process.exit(1);
});
