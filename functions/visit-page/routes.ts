import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { DomainError, type FieldError, ValidationFailed } from '../../shared/errors.js';
import { homeVisitDue } from '../../shared/homevisits/digest.js';
import {
  signVisitLink,
  VISIT_LINK_PATH,
  type VisitLink,
  verifyVisitLink,
} from '../../shared/homevisits/links.js';
import {
  linkedPair,
  maskName,
  recordLinkVisit,
  refusalOf,
  VisitLinkRefused,
} from '../../shared/homevisits/record.js';
import { LIST_ELDER, resolveShortLink } from '../../shared/homevisits/shortlinks.js';
import { type MessageKey, msg } from '../../shared/i18n/messages.js';
import type { Elder } from '../../shared/register/elder.js';
import { getElder } from '../../shared/store/elders.js';
import { listFollowUps } from '../../shared/store/followups.js';
import { listPairings } from '../../shared/store/pairing.js';
import { listVisits } from '../../shared/store/visits.js';
import { dateInPolicyZone, POLICY_TIME_ZONE } from '../../shared/time.js';
import { elderInScope, principalOf } from '../api/auth.js';
import {
  bodyBytes,
  type HttpEvent,
  HttpFailure,
  type HttpResult,
  json,
  jsonBody,
  makeHttp,
} from '../api/http.js';
import { type ApiDeps, pathId } from '../api/routes.js';
import { absencePageRoutes, withAwaySection } from './absence.js';
import {
  BLANK_CONTENTS,
  confirmationPage,
  type FormValues,
  formPage,
  formToInput,
  formValues,
  html,
  type ListEntry,
  listPage,
  type PageElder,
  refusalPage,
} from './page.js';

export interface VisitPageDeps extends ApiDeps {
  /** the link-signing secret (loadLinkSecret at cold start) */
  linkSecret: string;
}

const MAX_FORM_BYTES = 64 * 1024;

/** JSON for API clients (a JSON body, or Accept asking for JSON and not HTML); HTML for browsers. */
function wantsJson(event: HttpEvent): boolean {
  const h = event.headers ?? {};
  if (event.requestContext?.http?.method === 'POST')
    return (h['content-type'] ?? '').startsWith('application/json');
  const accept = h.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

const pageElder = (elder: Elder): PageElder => ({
  maskedName: maskName(elder.name),
  village: elder.region.village,
  township: elder.region.township,
});

function refused(event: HttpEvent, error: VisitLinkRefused): HttpResult {
  const key = `visitLink.${error.reason}` as MessageKey;
  return wantsJson(event)
    ? json(error.status, { errors: [{ path: 'token', message: msg(key) }] })
    : html(error.status, refusalPage(key));
}

/** The link in the path, verified; a refusal otherwise. */
function linkOf(event: HttpEvent, deps: VisitPageDeps): VisitLink {
  const verified = verifyVisitLink(deps.linkSecret, event.pathParameters?.token ?? '', deps.now());
  if (!verified.ok) throw refusalOf(verified.reason);
  return verified.link;
}

/** The default form: now in Asia/Shanghai, a home visit, the contact as visitor, a fresh nonce. */
function blankForm(now: Date, visitor: string): FormValues {
  const local = new TZDate(now.getTime(), POLICY_TIME_ZONE);
  return {
    visitedDate: format(local, 'yyyy-MM-dd'),
    visitedTime: format(local, 'HH:mm'),
    mode: 'home',
    visitors: visitor,
    health: '',
    mood: '',
    livingConditions: '',
    safetyRisks: [],
    needsFollowUp: false,
    needs: '',
    servicesGiven: '',
    referrals: '',
    followUpOn: '',
    note: '',
    nonce: randomUUID(),
    ...BLANK_CONTENTS,
  };
}

/**
 * The contact's paired, active elders for a list link: masked name, village, code, what is due, and
 * a signed visit-form link for each that expires with the list link.
 */
async function listEntries(deps: VisitPageDeps, link: VisitLink): Promise<ListEntry[]> {
  const today = dateInPolicyZone(deps.now());
  const pairings = await listPairings(deps.db, link.contactId);
  const entries: ListEntry[] = [];
  for (const p of pairings) {
    const elder = await getElder(deps.db, p.elderId);
    if (!elder || elder.status !== 'active' || elder.contactId !== link.contactId) continue;
    const homeVisits = (await listVisits(deps.db, elder.id, `${Number(today.slice(0, 4)) - 1}-01-01`, today))
      .filter((v) => v.mode === 'home')
      .map((v) => v.visitedOn);
    const due = homeVisitDue(elder, homeVisits, today);
    entries.push({
      maskedName: maskName(elder.name),
      village: elder.region.village,
      code: p.code,
      due: due
        ? `上门探访 ${due.daysLeft < 0 ? `逾期${-due.daysLeft}天` : `${due.deadline} 前`} / home visit due ${due.deadline}`
        : msg('visitPage.noneDue'),
      href: `${VISIT_LINK_PATH}${signVisitLink(deps.linkSecret, { elderId: elder.id, contactId: link.contactId, expiresAt: link.expiresAt })}`,
    });
  }
  return entries.sort((a, b) => a.due.localeCompare(b.due));
}

/**
 * The visit page behind a signed link: `GET /v/{token}` shows the form, `POST /v/{token}` (a form
 * post or JSON) records the visit. Public routes: the token is the only credential.
 */
export function visitPageRoutes(deps: VisitPageDeps) {
  const getRoute = async (event: HttpEvent): Promise<HttpResult> => {
    try {
      const link = linkOf(event, deps);
      if (link.elderId === LIST_ELDER) return html(200, listPage(await listEntries(deps, link)));
      const { elder, contact } = await linkedPair(deps.db, link);
      const form = blankForm(deps.now(), contact?.name ?? '');
      if (wantsJson(event)) {
        return json(200, { elder: pageElder(elder), defaults: formToInput(form) });
      }
      // absences (issue 16): the form links to its own small away section
      return html(200, withAwaySection(formPage(pageElder(elder), form), event.pathParameters?.token ?? ''));
    } catch (error) {
      if (error instanceof VisitLinkRefused) return refused(event, error);
      throw error;
    }
  };

  const postRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const asJson = wantsJson(event);
    let link: VisitLink;
    try {
      link = linkOf(event, deps);
      if (link.elderId === LIST_ELDER) throw new VisitLinkRefused('listReadOnly', 403);
    } catch (error) {
      if (error instanceof VisitLinkRefused) return refused(event, error);
      throw error;
    }
    let values: FormValues | undefined;
    let body: unknown;
    if (asJson) {
      body = jsonBody(event);
    } else {
      const bytes = bodyBytes(event);
      if (bytes.length > MAX_FORM_BYTES)
        throw new HttpFailure(413, [{ path: '', message: msg('request.bodyTooLarge') }]);
      values = formValues(new URLSearchParams(bytes.toString('utf8')));
      body = formToInput(values);
    }
    try {
      const result = await recordLinkVisit(deps, link, body, deps.now());
      if (asJson) {
        return result.status === 'duplicate'
          ? json(200, { status: 'duplicate' })
          : json(201, {
              status: 'recorded',
              visitId: result.visit.id,
              visitedOn: result.visit.visitedOn,
              ...(result.followUp ? { followUpId: result.followUp.id } : {}),
            });
      }
      const elder = await getElder(deps.db, link.elderId);
      const shown = elder ? pageElder(elder) : { maskedName: '', village: '', township: '' };
      return result.status === 'duplicate'
        ? html(200, confirmationPage(shown, { duplicate: true, followUp: false }))
        : html(
            201,
            confirmationPage(shown, {
              duplicate: false,
              followUp: result.followUp !== undefined,
              visitedOn: result.visit.visitedOn,
            }),
          );
    } catch (error) {
      if (error instanceof VisitLinkRefused) return refused(event, error);
      let status: number;
      let errors: FieldError[];
      if (error instanceof ValidationFailed) {
        status = 400;
        errors = error.errors;
      } else if (error instanceof DomainError) {
        status = error.status;
        errors = [{ path: error.path, message: error.message }];
      } else {
        throw error;
      }
      if (asJson || !values) return json(status, { errors });
      const elder = await getElder(deps.db, link.elderId);
      if (!elder) return html(410, refusalPage('visitLink.elderGone'));
      return html(status, formPage(pageElder(elder), values, errors));
    }
  };

  /** A short link from a digest text: on to the signed list it stands for. */
  const shortRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const token = await resolveShortLink(deps.db, event.pathParameters?.id ?? '', deps.now());
    if (!token) return html(404, refusalPage('visitLink.shortUnknown'));
    return {
      statusCode: 302,
      headers: {
        location: `${VISIT_LINK_PATH}${token}`,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      },
      body: '',
    };
  };

  return [
    { method: 'GET', path: '/v/{token}', handler: getRoute },
    { method: 'POST', path: '/v/{token}', handler: postRoute },
    { method: 'GET', path: '/l/{id}', handler: shortRoute },
    // absences (issue 16): the contact declares the elder away
    ...absencePageRoutes(deps),
  ] as const;
}

/**
 * Follow-up items on an elder's timeline (admin API): open and closed, oldest first, of an elder the
 * caller sees (another county's answers as a missing one).
 */
export function followUpRoutes(deps: ApiDeps) {
  const listRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const id = pathId(event);
    await elderInScope(deps.db, principal, id);
    return json(200, { items: await listFollowUps(deps.db, id) });
  };
  return [{ method: 'GET', path: '/api/elders/{id}/follow-ups', handler: listRoute }] as const;
}

/**
 * The visit-page Lambda: the public link routes (no authoriser on `/v/{token}`: the token is the
 * credential) and the follow-up list (the JWT authorizer, like the rest of the admin API).
 */
export function makeVisitPageApi(
  deps: VisitPageDeps,
  logger = new Logger({ serviceName: 'anxin-visit-page' }),
) {
  return makeHttp([...visitPageRoutes(deps), ...followUpRoutes(deps)], logger);
}
