import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { type Principal, seesCounty } from '../../shared/auth/principal.js';
import { readAudience } from '../../shared/campaigns/audience.js';
import {
  approve,
  type Campaign,
  type CampaignActor,
  type CampaignBody,
  campaignBodySchema,
  campaignSchema,
  cancel,
  needsSecondApproval,
  pause,
  recorded,
  resume,
  start,
  startInstant,
} from '../../shared/campaigns/campaign.js';
import {
  CAP_SIGNATURE_HEADER,
  CapAlertRefused,
  type CapReference,
  capAlertToAction,
  capCampaignDraft,
  capCampaignId,
} from '../../shared/campaigns/cap.js';
import { FESTIVAL_YEARS, festivalTemplates } from '../../shared/campaigns/festivals.js';
import { type CampaignPreview, previewCampaign } from '../../shared/campaigns/preview.js';
import type { CampaignScheduler } from '../../shared/campaigns/scheduler.js';
import type { CampaignConfig } from '../../shared/config.js';
import { DomainError } from '../../shared/errors.js';
import { type SecretFetcher, secretsManagerFetcher } from '../../shared/homevisits/links.js';
import { msg } from '../../shared/i18n/messages.js';
import { adviseForCounties, campaignDemand } from '../../shared/phone/capacity.js';
import {
  DEFAULT_LIMITS,
  type PhoneVisitPolicy,
  type ProviderLimits,
  policyFor,
} from '../../shared/phone/config.js';
import { type CallWindow, DEFAULT_WINDOWS } from '../../shared/phone/windows.js';
import {
  type CampaignProgress,
  getCampaign,
  getCampaignProgress,
  getCampaignProgresses,
  listCampaigns,
  type StoredCampaign,
  saveCampaign,
} from '../../shared/store/campaigns.js';
import { getForecast } from '../../shared/store/capacity.js';
import { StaleItem } from '../../shared/store/phone.js';
import { addDaysIso, dateInPolicyZone } from '../../shared/time.js';
import { parseOrThrow } from '../../shared/validation.js';
import { actorOfPrincipal, forbidden, requireRole } from '../api/auth.js';
import { bodyBytes, type HttpEvent, HttpFailure, type HttpResult, json, jsonBody } from '../api/http.js';
import type { ApiDeps } from '../api/routes.js';

/** What the campaign routes need beyond the register's API. */
export interface CampaignApiDeps extends ApiDeps {
  /** creates and deletes each campaign's start and finish schedules */
  scheduler: CampaignScheduler;
  /** the secret CAP feeds sign with; without one every alert is refused as unsigned or forged */
  capSecret: string | undefined;
  /** audiences larger than this need a second administrator's approval before they start */
  approvalThreshold: number;
  /** the provider limits the preview's durations assume */
  limits: ProviderLimits;
  /** per-county phone-visit policies: the preview's calling windows */
  phonePolicies: Readonly<Record<string, PhoneVisitPolicy>>;
}

export const DEFAULT_APPROVAL_THRESHOLD = 500;

/** Refuses loudly when a deployment forgot to wire a scheduler, instead of starting nothing. */
const unconfiguredScheduler: CampaignScheduler = {
  schedule: async () => {
    throw new Error('campaign scheduler is not configured');
  },
  unschedule: async () => {
    throw new Error('campaign scheduler is not configured');
  },
};

/** The campaign deps with defaults for what the caller did not give (no scheduler: starting fails). */
export function campaignDeps(deps: ApiDeps & Partial<CampaignApiDeps>): CampaignApiDeps {
  return {
    ...deps,
    scheduler: deps.scheduler ?? unconfiguredScheduler,
    capSecret: deps.capSecret,
    approvalThreshold: deps.approvalThreshold ?? DEFAULT_APPROVAL_THRESHOLD,
    limits: deps.limits ?? DEFAULT_LIMITS,
    phonePolicies: deps.phonePolicies ?? {},
  };
}

/**
 * The CAP feed secret, read once per cold start: CAP_SECRET when set (local and dev), else the Secrets
 * Manager secret CAP_SECRET_ARN names (its whole string value), else none (every alert refused).
 */
export async function loadCapSecret(
  config: Pick<CampaignConfig, 'capSecret' | 'capSecretArn'>,
  fetch: SecretFetcher = secretsManagerFetcher,
): Promise<string | undefined> {
  if (config.capSecret) return config.capSecret;
  if (!config.capSecretArn) return undefined;
  const value = await fetch(config.capSecretArn);
  if (value.length < 32) throw new Error('CAP secret: shorter than 32 characters');
  return value;
}

/** A campaign's progress as the console shows it: the counters and the cases still open. */
export type ProgressSummary = CampaignProgress & { casesOpen: number };
const summary = (p: CampaignProgress): ProgressSummary => ({
  ...p,
  casesOpen: Math.max(0, p.casesOpened - p.casesClosed),
});

/**
 * Who sees a campaign: a city administrator every one; a county administrator those that target
 * exactly their own county (a campaign across counties is the city's).
 */
export function seesCampaign(p: Principal, target: Pick<Campaign['target'], 'counties'>): boolean {
  if (p.role === 'cityAdmin') return true;
  return p.role === 'countyAdmin' && target.counties.length === 1 && target.counties[0] === p.county;
}

const CHANGE_TRIES = 4;
const ID = /^[A-Za-z0-9-]{1,64}$/;
const LIST_LIMIT = 500;
const ADMINS = ['cityAdmin', 'countyAdmin'] as const;
const XML_TYPES = /^(application|text)\/xml\s*(;|$)/i;

const templatesQuery = z.strictObject({
  year: z
    .string()
    .regex(/^\d{4}$/, msg('campaign.year'))
    .transform(Number)
    .refine((y) => y >= FESTIVAL_YEARS.min && y <= FESTIVAL_YEARS.max, msg('campaign.year'))
    .optional(),
});

const notFound = () => new DomainError('campaign.notFound', 404, 'id');

/**
 * The campaign API (issue 5, sections 2-3): festival templates, preview, create, list, read, approve,
 * start, pause, resume, cancel, progress, and drafts from signed CAP alerts. City and county
 * administrators only; another county's campaign answers exactly as a missing one.
 */
export function campaignRoutes(input: ApiDeps & Partial<CampaignApiDeps>) {
  const deps = campaignDeps(input);
  const known = (county: string) => Object.hasOwn(deps.policy.counties, county);

  const countiesKnown = (body: CampaignBody) => {
    const unknown = body.target.counties.filter((c) => !known(c));
    if (unknown.length > 0)
      throw new HttpFailure(
        400,
        unknown.map(() => ({ path: 'target.counties', message: msg('county.unknown') })),
      );
  };

  /** The calling windows of the targeted counties when they agree; the plan's default otherwise. */
  const windowsFor = (counties: readonly string[]): readonly CallWindow[] => {
    const sets = counties.map((c) => policyFor(deps.phonePolicies, c).windows);
    const first = sets[0];
    return first && sets.every((s) => JSON.stringify(s) === JSON.stringify(first)) ? first : DEFAULT_WINDOWS;
  };

  const preview = async (campaign: Campaign, now: Date) => {
    const audience = await readAudience(deps, campaign.target);
    const p: CampaignPreview = previewCampaign(
      campaign,
      audience,
      deps.limits,
      windowsFor(campaign.target.counties),
      now,
    );
    return {
      ...p,
      approvalThreshold: deps.approvalThreshold,
      needsSecondApproval: needsSecondApproval(p, deps.approvalThreshold),
      // capacity planning (issue 11 part 6): the routine forecast plus this campaign's rounds
      capacity: adviseForCounties(await getForecast(deps.db), now, campaign.target.counties, {
        extra: campaignDemand(p.rounds),
        fallback: { limits: deps.limits, windows: windowsFor(campaign.target.counties) },
      }),
    };
  };

  /** The campaign, when the caller may see it; otherwise exactly what a missing one answers. */
  const load = async (event: HttpEvent, principal: Principal): Promise<StoredCampaign> => {
    const id = event.pathParameters?.id;
    if (!id || !ID.test(id)) throw notFound();
    const campaign = await getCampaign(deps.db, id);
    if (!campaign || !seesCampaign(principal, campaign.target)) throw notFound();
    return campaign;
  };

  const view = async (campaign: StoredCampaign) => ({
    ...campaign,
    progress: summary(await getCampaignProgress(deps.db, campaign.id)),
  });

  /**
   * Reads, changes and saves with the version read; someone else's write in between means read and
   * decide again (the change may no longer be allowed), a few times, then 409.
   */
  const change = async (
    event: HttpEvent,
    act: (campaign: StoredCampaign, principal: Principal, now: Date) => Promise<Campaign> | Campaign,
    after?: (before: StoredCampaign, saved: StoredCampaign) => Promise<void>,
  ): Promise<HttpResult> => {
    const principal = requireRole(event, ...ADMINS);
    let saved: StoredCampaign | undefined;
    let before: StoredCampaign | undefined;
    for (let tries = 1; tries <= CHANGE_TRIES; tries++) {
      const current = await load(event, principal);
      const now = deps.now();
      const { actor } = actorOfPrincipal(principal, now);
      const next = recorded(current, await act(current, principal, now), actor, now);
      try {
        const { version: _v, updatedAt: _u, updatedBy: _b, ...plain } = next as StoredCampaign;
        saved = await saveCampaign(
          deps.db,
          { ...plain, updatedAt: now.toISOString(), updatedBy: actor },
          current.version,
        );
        before = current;
        break;
      } catch (error) {
        if (!(error instanceof StaleItem)) throw error;
      }
    }
    if (saved && before) {
      await after?.(before, saved);
      return json(200, await view(saved));
    }
    throw new DomainError('campaign.conflict', 409, 'version');
  };

  const templatesRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, ...ADMINS);
    const q = parseOrThrow(templatesQuery, event.queryStringParameters ?? {}, ['query']);
    const y = q.year ?? Number(dateInPolicyZone(deps.now()).slice(0, 4));
    const counties = principal.role === 'countyAdmin' && principal.county ? [principal.county] : undefined;
    const items = festivalTemplates(y).map((t) => ({
      ...t,
      /** a campaign body to start from: review the target, then preview and create it */
      prefill: {
        title: `${t.name.zh} ${y}`,
        kind: 'festival' as const,
        source: 'festival' as const,
        target: { ...(counties ? { counties } : {}), categories: ['A', 'B'] },
        window: {
          start: `${t.window.start}T00:00:00+08:00`,
          end: `${addDaysIso(t.window.end, 1)}T00:00:00+08:00`,
        },
        // one greeting call to A elders every other day and one to B elders in the window
        cadence: { A: { everyHours: 48 }, B: { everyHours: 96 } },
        messages: { call: { ...t.messages.script }, text: t.messages.text },
      },
    }));
    return json(200, { year: y, items });
  };

  /** The body, validated, of a campaign the caller may create (a county administrator: own county). */
  const bodyFor = (event: HttpEvent, principal: Principal): CampaignBody => {
    const body = parseOrThrow(campaignBodySchema, jsonBody(event));
    countiesKnown(body);
    if (!seesCampaign(principal, body.target)) throw forbidden();
    return body;
  };

  const draftOf = (body: CampaignBody, id: string, principal: Principal, now: Date): Campaign =>
    campaignSchema.parse({
      ...body,
      id,
      status: 'draft',
      createdBy: actorOfPrincipal(principal, now).actor,
      createdBySub: principal.sub,
      createdAt: now.toISOString(),
    });

  const previewBodyRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, ...ADMINS);
    const body = bodyFor(event, principal);
    const now = deps.now();
    return json(200, await preview(draftOf(body, 'preview', principal, now), now));
  };

  const createRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, ...ADMINS);
    const body = bodyFor(event, principal);
    const now = deps.now();
    const { actor } = actorOfPrincipal(principal, now);
    const draft = recorded(undefined, draftOf(body, randomUUID(), principal, now), actor, now);
    const saved = await saveCampaign(
      deps.db,
      { ...draft, updatedAt: now.toISOString(), updatedBy: actor },
      undefined,
    );
    return json(201, await view(saved), { location: `/api/campaigns/${saved.id}` });
  };

  const listRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, ...ADMINS);
    parseOrThrow(z.strictObject({}), event.queryStringParameters ?? {}, ['query']);
    const campaigns = (await listCampaigns(deps.db, LIST_LIMIT)).filter((c) =>
      seesCampaign(principal, c.target),
    );
    const progress = await getCampaignProgresses(
      deps.db,
      campaigns.map((c) => c.id),
    );
    const items = campaigns.map((c) => ({
      id: c.id,
      title: c.title,
      kind: c.kind,
      source: c.source,
      status: c.status,
      target: c.target,
      window: c.window,
      createdBy: c.createdBy,
      createdAt: c.createdAt,
      ...(c.approvedBy ? { approvedBy: c.approvedBy, approvedAt: c.approvedAt } : {}),
      updatedAt: c.updatedAt,
      progress: summary(progress.get(c.id) as CampaignProgress),
    }));
    return json(200, { items });
  };

  const getRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, ...ADMINS);
    return json(200, await view(await load(event, principal)));
  };

  const previewRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, ...ADMINS);
    const campaign = await load(event, principal);
    return json(200, await preview(campaign, deps.now()));
  };

  const progressRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, ...ADMINS);
    const campaign = await load(event, principal);
    return json(200, summary(await getCampaignProgress(deps.db, campaign.id)));
  };

  const approveRoute = (event: HttpEvent) =>
    change(event, (campaign, principal, now) => {
      // the approver answers for every county the campaign reaches
      if (!campaign.target.counties.every((c) => seesCounty(principal, c))) throw forbidden();
      const by: CampaignActor = { actor: actorOfPrincipal(principal, now).actor, sub: principal.sub };
      return approve(campaign, by, now);
    });

  /**
   * Schedules before saving: a schedule whose campaign did not become 'scheduled' finds it in another
   * state when it fires and does nothing, whereas a saved campaign without its schedule would never run.
   */
  const startRoute = (event: HttpEvent) =>
    change(event, async (campaign, _principal, now) => {
      const approvalNeeded =
        campaign.status === 'draft' &&
        needsSecondApproval((await preview(campaign, now)) as CampaignPreview, deps.approvalThreshold);
      const started = start(campaign, now, approvalNeeded);
      await deps.scheduler.schedule({
        id: campaign.id,
        startAt: startInstant(campaign, now),
        endAt: new Date(campaign.window.end),
      });
      return started;
    });

  const pauseRoute = (event: HttpEvent) => change(event, (campaign) => pause(campaign));
  const resumeRoute = (event: HttpEvent) => change(event, (campaign, _p, now) => resume(campaign, now));

  /** Cancels, then deletes the schedules still to come (a schedule that fires anyway finds it cancelled). */
  const cancelRoute = (event: HttpEvent) =>
    change(
      event,
      (campaign) => cancel(campaign),
      async (before) => {
        if (before.status === 'scheduled' || before.status === 'running' || before.status === 'paused')
          await deps.scheduler.unschedule(before.id);
      },
    );

  /**
   * A signed CAP 1.2 message. An Alert drafts one campaign per affected county the caller answers for,
   * awaiting approval; an Update drafts its new content and withdraws the drafts of the alerts it
   * references; a Cancel (with or without <info>) withdraws them. Campaigns already approved or running
   * are left to an administrator and listed as `untouched`. The same message again changes nothing: it
   * answers what it did (200). New drafts are written before old ones are withdrawn, so a retry after a
   * crash finishes the job.
   */
  const capRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, ...ADMINS);
    if (!XML_TYPES.test(event.headers?.['content-type'] ?? ''))
      throw new HttpFailure(415, [{ path: '', message: msg('cap.contentType') }]);
    const now = deps.now();
    const { actor } = actorOfPrincipal(principal, now);
    const visible = (county: string) => seesCampaign(principal, { counties: [county] });
    let drafts: Campaign[] = [];
    let references: CapReference[];
    try {
      const action = capAlertToAction(
        {
          secret: deps.capSecret ?? '',
          rawBody: bodyBytes(event),
          signature: event.headers?.[CAP_SIGNATURE_HEADER],
        },
        { counties: deps.policy.counties, now },
      );
      if (action.kind === 'draft') {
        const { proposal } = action;
        references = proposal.supersedes;
        const counties = proposal.counties.filter(visible);
        if (counties.length === 0 && references.length === 0) throw new CapAlertRefused('cap.noCounty', 422);
        drafts = counties.map((county) => {
          const parsed = campaignSchema.safeParse({
            ...capCampaignDraft(proposal, county, deps.policy.counties[county] ?? { zh: county, en: county }),
            createdBy: actor,
            createdBySub: principal.sub,
            createdAt: now.toISOString(),
          });
          if (!parsed.success) {
            const paths = [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ');
            throw new CapAlertRefused('cap.invalid', 422, paths);
          }
          return recorded(undefined, parsed.data, actor, now);
        });
      } else references = action.references;
    } catch (error) {
      if (error instanceof CapAlertRefused)
        throw new HttpFailure(error.status, [{ path: '', message: error.message }]);
      throw error;
    }
    let created = 0;
    const items = [];
    for (const draft of drafts) {
      try {
        const saved = await saveCampaign(
          deps.db,
          { ...draft, updatedAt: now.toISOString(), updatedBy: draft.createdBy },
          undefined,
        );
        created++;
        items.push(await view(saved));
      } catch (error) {
        if (!(error instanceof StaleItem)) throw error;
        const existing = await getCampaign(deps.db, draft.id);
        if (existing) items.push(await view(existing));
      }
    }
    const withdrawn = [];
    const untouched = [];
    const replacing = new Set(drafts.map((d) => d.id));
    const ids = references.flatMap((ref) =>
      Object.keys(deps.policy.counties)
        .filter(visible)
        .map((county) => capCampaignId({ source: ref }, county)),
    );
    for (const id of new Set(ids)) {
      if (replacing.has(id)) continue;
      const found = await getCampaign(deps.db, id);
      if (!found) continue;
      if (found.status === 'draft') {
        const after = recorded(found, cancel(found), actor, now);
        try {
          const saved = await saveCampaign(
            deps.db,
            { ...after, updatedAt: now.toISOString(), updatedBy: actor },
            found.version,
          );
          withdrawn.push(await view(saved));
        } catch (error) {
          // changed meanwhile (approved, or withdrawn by a concurrent delivery): report it as it is now
          if (!(error instanceof StaleItem)) throw error;
          const current = await getCampaign(deps.db, id);
          if (current) (current.status === 'cancelled' ? withdrawn : untouched).push(await view(current));
        }
      } else if (found.status === 'cancelled') withdrawn.push(await view(found));
      else untouched.push(await view(found));
    }
    return json(created > 0 ? 201 : 200, { items, withdrawn, untouched });
  };

  return [
    { method: 'GET', path: '/api/campaigns/templates', handler: templatesRoute },
    { method: 'POST', path: '/api/campaigns/preview', handler: previewBodyRoute },
    { method: 'POST', path: '/api/campaigns/cap', handler: capRoute },
    { method: 'POST', path: '/api/campaigns', handler: createRoute },
    { method: 'GET', path: '/api/campaigns', handler: listRoute },
    { method: 'GET', path: '/api/campaigns/{id}', handler: getRoute },
    { method: 'GET', path: '/api/campaigns/{id}/preview', handler: previewRoute },
    { method: 'GET', path: '/api/campaigns/{id}/progress', handler: progressRoute },
    { method: 'POST', path: '/api/campaigns/{id}/approve', handler: approveRoute },
    { method: 'POST', path: '/api/campaigns/{id}/start', handler: startRoute },
    { method: 'POST', path: '/api/campaigns/{id}/pause', handler: pauseRoute },
    { method: 'POST', path: '/api/campaigns/{id}/resume', handler: resumeRoute },
    { method: 'POST', path: '/api/campaigns/{id}/cancel', handler: cancelRoute },
  ] as const;
}
