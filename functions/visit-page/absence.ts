import { randomUUID } from 'node:crypto';
import { absenceInputSchema, declareAbsence } from '../../shared/absences/absence.js';
import { DomainError, type FieldError, ValidationFailed } from '../../shared/errors.js';
import { type VisitLink, verifyVisitLink } from '../../shared/homevisits/links.js';
import { linkedPair, maskName, refusalOf, VisitLinkRefused } from '../../shared/homevisits/record.js';
import { type MessageKey, messages, msg } from '../../shared/i18n/messages.js';
import { putAbsence } from '../../shared/store/absences.js';
import { addDaysIso, dateInPolicyZone } from '../../shared/time.js';
import { parseOrThrow } from '../../shared/validation.js';
import { bodyBytes, type HttpEvent, HttpFailure, type HttpResult, json, jsonBody } from '../api/http.js';
import { escapeHtml, html, layout, refusalPage } from './page.js';
import type { VisitPageDeps } from './routes.js';

/**
 * The visit page's absence section (issue 16 part 2): the contact behind a visit link declares the
 * elder away until a date (`GET/POST /v/{token}/away`). Apart from the visit form (h14 extends that),
 * so the two merge without touching each other; the form page only gets a link to it.
 */

const label = (key: MessageKey) => {
  const [zh, en] = messages[key];
  return `${escapeHtml(zh)} <small lang="en">${escapeHtml(en)}</small>`;
};

/** The link the visit form shows under itself; relative to `/v/<token>`, so it works behind any stage. */
export function withAwaySection(page: string, token: string): string {
  const section = `<section class="who" style="border-left-color:#6a1b9a"><a class="record" href="${escapeHtml(`${token}/away`)}" style="background:#6a1b9a">${label('awayPage.declare')}</a></section>`;
  return page.replace('</main>', `${section}</main>`);
}

interface AwayValues {
  until: string;
  reason: string;
  note: string;
  nonce: string;
}

function awayForm(elder: { maskedName: string; village: string }, v: AwayValues, errors: FieldError[]) {
  const errs = errors.map((e) => `<p class="err">${escapeHtml(e.message)}</p>`).join('');
  const reasons = (['away', 'hospital', 'other'] as const)
    .map(
      (r) =>
        `<label><input type="radio" name="reason" value="${r}"${v.reason === r ? ' checked' : ''}><span>${label(`awayPage.reason.${r}`)}</span></label>`,
    )
    .join('');
  return layout(
    '登记外出 Declare away',
    `<h1>${label('awayPage.declare')}</h1>
<div class="who"><b>${escapeHtml(elder.maskedName)}</b> · ${escapeHtml(elder.village)}</div>
${errs ? `<div class="banner" role="alert">${errs}</div>` : ''}
<form method="post" action="" accept-charset="utf-8">
<input type="hidden" name="nonce" value="${escapeHtml(v.nonce)}">
<fieldset>
<div class="f"><label for="until">${label('awayPage.until')}</label><input type="date" id="until" name="until" value="${escapeHtml(v.until)}" required></div>
<fieldset style="padding:0;margin:0"><legend>${label('awayPage.reason')}</legend><div class="tiles three">${reasons}</div></fieldset>
<div class="f"><label for="note">${label('awayPage.note')}</label><input type="text" id="note" name="note" maxlength="200" value="${escapeHtml(v.note)}"></div>
</fieldset>
<button type="submit">${label('awayPage.submit')}</button>
</form>`,
  );
}

const NONCE = /^[A-Za-z0-9-]{16,64}$/;

export function absencePageRoutes(deps: VisitPageDeps) {
  const linkOf = (event: HttpEvent): VisitLink => {
    const verified = verifyVisitLink(deps.linkSecret, event.pathParameters?.token ?? '', deps.now());
    if (!verified.ok) throw refusalOf(verified.reason);
    return verified.link;
  };
  const isJson = (event: HttpEvent) => (event.headers?.['content-type'] ?? '').startsWith('application/json');
  const refused = (event: HttpEvent, error: VisitLinkRefused) =>
    isJson(event)
      ? json(error.status, { errors: [{ path: 'token', message: error.message }] })
      : html(error.status, refusalPage(`visitLink.${error.reason}` as MessageKey));

  const getRoute = async (event: HttpEvent): Promise<HttpResult> => {
    try {
      const { elder } = await linkedPair(deps.db, linkOf(event));
      const today = dateInPolicyZone(deps.now());
      return html(
        200,
        awayForm(
          { maskedName: maskName(elder.name), village: elder.region.village },
          { until: addDaysIso(today, 3), reason: 'away', note: '', nonce: randomUUID() },
          [],
        ),
      );
    } catch (error) {
      if (error instanceof VisitLinkRefused) return refused(event, error);
      throw error;
    }
  };

  const postRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const asJson = isJson(event);
    let values: AwayValues;
    if (asJson) {
      const body = (jsonBody(event) ?? {}) as Record<string, unknown>;
      values = {
        until: String(body.until ?? ''),
        reason: String(body.reason ?? 'away'),
        note: String(body.note ?? ''),
        nonce: String(body.nonce ?? ''),
      };
    } else {
      const bytes = bodyBytes(event);
      if (bytes.length > 16 * 1024)
        throw new HttpFailure(413, [{ path: '', message: msg('request.bodyTooLarge') }]);
      const p = new URLSearchParams(bytes.toString('utf8'));
      values = {
        until: (p.get('until') ?? '').slice(0, 40),
        reason: (p.get('reason') ?? 'away').slice(0, 40),
        note: (p.get('note') ?? '').slice(0, 400),
        nonce: (p.get('nonce') ?? '').slice(0, 80),
      };
    }
    try {
      const link = linkOf(event);
      const { elder } = await linkedPair(deps.db, link);
      const shown = { maskedName: maskName(elder.name), village: elder.region.village };
      try {
        if (!NONCE.test(values.nonce))
          throw new ValidationFailed([{ path: 'nonce', message: msg('visitForm.nonce') }]);
        const input = parseOrThrow(absenceInputSchema, {
          until: values.until,
          reason: values.reason,
          ...(values.note.trim() ? { note: values.note } : {}),
        });
        const now = deps.now();
        const absence = declareAbsence({
          // the form's nonce: a second press of the button declares nothing new
          id: `vp-${values.nonce}`,
          elder,
          input,
          who: 'contact',
          via: 'visitPage',
          ref: link.contactId,
          today: dateInPolicyZone(now),
          now,
        });
        const created = await putAbsence(deps.db, absence);
        if (asJson)
          return json(created ? 201 : 200, {
            status: created ? 'declared' : 'duplicate',
            until: absence.until,
          });
        return html(
          created ? 201 : 200,
          layout(
            '已登记 Declared',
            `<h1>${label('awayPage.declare')}</h1><div class="who"><b>${escapeHtml(shown.maskedName)}</b> · ${escapeHtml(shown.village)}</div><div class="ok" role="status"><p>${label('awayPage.declared')}</p><p>${label('awayPage.until')}：${escapeHtml(absence.until)}</p></div>`,
          ),
        );
      } catch (error) {
        let errors: FieldError[];
        let status = 400;
        if (error instanceof ValidationFailed) errors = error.errors;
        else if (error instanceof DomainError) {
          errors = [{ path: error.path, message: error.message }];
          status = error.status;
        } else throw error;
        if (asJson) return json(status, { errors });
        return html(status, awayForm(shown, values, errors));
      }
    } catch (error) {
      if (error instanceof VisitLinkRefused) return refused(event, error);
      throw error;
    }
  };

  return [
    { method: 'GET', path: '/v/{token}/away', handler: getRoute },
    { method: 'POST', path: '/v/{token}/away', handler: postRoute },
  ] as const;
}
