import type { FieldError } from '../../shared/errors.js';
import { type MessageKey, messages } from '../../shared/i18n/messages.js';
import { CONFIRMED_BY, SAFETY_RISKS, SERVICE_NEEDS, VISITOR_KINDS } from '../../shared/visits/schema.js';
import type { HttpResult } from '../api/http.js';

/**
 * The visit page: plain HTML for a small phone screen (360 px and up), no script, no external assets.
 * The form posts to its own URL, so it works behind any API stage path.
 */

/** The form as the contact typed it: kept as text, so a refused form comes back as it was. */
export interface FormValues {
  visitedDate: string;
  visitedTime: string;
  mode: string;
  visitors: string;
  health: string;
  mood: string;
  livingConditions: string;
  safetyRisks: string[];
  needsFollowUp: boolean;
  needs: string;
  servicesGiven: string;
  referrals: string;
  followUpOn: string;
  note: string;
  nonce: string;
  // the plan's contents (issue 14)
  economy: string;
  familySupport: string;
  serviceNeeds: string[];
  policyExplained: string;
  urgentHelp: string;
  durationMinutes: string;
  visitorKinds: string[];
  confirmedBy: string;
}

/** The plan's contents as blank form values (issue 14). */
export const BLANK_CONTENTS = {
  economy: '',
  familySupport: '',
  serviceNeeds: [] as string[],
  policyExplained: '',
  urgentHelp: '',
  durationMinutes: '',
  visitorKinds: [] as string[],
  confirmedBy: '',
};

const TEXT_FIELDS = [
  'economy',
  'familySupport',
  'policyExplained',
  'urgentHelp',
  'durationMinutes',
  'confirmedBy',
  'visitedDate',
  'visitedTime',
  'mode',
  'visitors',
  'health',
  'mood',
  'livingConditions',
  'needs',
  'servicesGiven',
  'referrals',
  'followUpOn',
  'note',
  'nonce',
] as const;

/** Reads a posted form (application/x-www-form-urlencoded). */
export function formValues(params: URLSearchParams): FormValues {
  const text = Object.fromEntries(
    TEXT_FIELDS.map((k) => [k, (params.get(k) ?? '').slice(0, 4000)]),
  ) as Record<(typeof TEXT_FIELDS)[number], string>;
  return {
    ...text,
    safetyRisks: params.getAll('safetyRisks').slice(0, 20),
    serviceNeeds: params.getAll('serviceNeeds').slice(0, 20),
    visitorKinds: params.getAll('visitorKinds').slice(0, 20),
    needsFollowUp: params.has('needsFollowUp'),
  };
}

/** The form as the visit-record body the schema takes; empty fields are left out. */
export function formToInput(v: FormValues): Record<string, unknown> {
  const opt = (value: string) => (value.trim() === '' ? undefined : value);
  const date = v.visitedDate.trim();
  const time = v.visitedTime.trim();
  const visitedAt = date && /^\d{2}:\d{2}$/.test(time) ? `${date}T${time}:00+08:00` : date || time;
  const input: Record<string, unknown> = {
    visitedAt,
    mode: v.mode,
    visitors: v.visitors
      .split(/[,，、;；]+/)
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    health: opt(v.health),
    mood: opt(v.mood),
    livingConditions: opt(v.livingConditions),
    safetyRisks: v.safetyRisks,
    needs: opt(v.needs),
    servicesGiven: opt(v.servicesGiven),
    referrals: opt(v.referrals),
    followUpOn: opt(v.followUpOn),
    note: opt(v.note),
    economy: opt(v.economy),
    familySupport: opt(v.familySupport),
    serviceNeeds: v.serviceNeeds.length > 0 ? v.serviceNeeds : undefined,
    policyExplained: opt(v.policyExplained),
    urgentHelp: opt(v.urgentHelp),
    // a number the schema checks (1-720); text that is not one is sent as is and refused on the field
    durationMinutes: /^\d{1,4}$/.test(v.durationMinutes.trim())
      ? Number(v.durationMinutes.trim())
      : opt(v.durationMinutes),
    visitorKinds: v.visitorKinds.length > 0 ? v.visitorKinds : undefined,
    confirmedBy: opt(v.confirmedBy),
    needsFollowUp: v.needsFollowUp,
    nonce: v.nonce,
  };
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

export const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** A label: Chinese, with the English small beside it. */
const label = (key: MessageKey) => {
  const [zh, en] = messages[key];
  return `${escapeHtml(zh)} <small lang="en">${escapeHtml(en)}</small>`;
};

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:18px/1.5 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1a1a1a;background:#f4f5f7}
main{max-width:560px;margin:0 auto;padding:12px}
h1{font-size:1.4em;margin:.3em 0}
small{color:#555;font-size:.75em;font-weight:normal;overflow-wrap:break-word}
.tiles span{min-width:0}
.who{background:#fff;border-radius:10px;padding:12px;margin-bottom:12px;border-left:6px solid #1565c0}
.who b{font-size:1.3em}
fieldset{border:0;margin:0 0 12px;padding:12px;background:#fff;border-radius:10px;min-width:0}
legend,.f>label{display:block;font-weight:600;margin-bottom:4px;padding:0}
legend{float:left;width:100%;margin-bottom:6px}
.f{margin-bottom:14px}
input[type=text],input[type=date],input[type=time],textarea{width:100%;min-height:48px;font:inherit;padding:8px 10px;border:1px solid #888;border-radius:8px;background:#fff;min-width:0}
textarea{min-height:72px;resize:vertical}
.row{display:flex;gap:8px}.row>div{flex:1;min-width:0}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(128px,1fr));gap:8px;clear:both}
.tiles.three{grid-template-columns:repeat(3,1fr)}
.tiles label{display:flex;align-items:center;gap:8px;min-height:48px;padding:8px 10px;border:1px solid #888;border-radius:8px;background:#fff}
.tiles input{width:24px;height:24px;margin:0;flex:none}
.tiles label:has(input:checked){background:#e3f0ff;border-color:#1565c0}
.err{color:#b00020;font-size:.9em;margin:4px 0 0}
.bad input,.bad textarea{border-color:#b00020;border-width:2px}
.banner{background:#fde8ea;color:#b00020;padding:10px 12px;border-radius:8px;margin-bottom:12px}
.ok{background:#e6f4ea;color:#14532d;padding:16px;border-radius:10px;font-size:1.15em}
button{width:100%;min-height:56px;font:inherit;font-size:1.1em;font-weight:600;color:#fff;background:#1565c0;border:0;border-radius:10px;margin:8px 0 24px}
button small{color:#e3f0ff}
button:focus,input:focus,textarea:focus,a:focus{outline:3px solid #ffb300;outline-offset:1px}
.list{list-style:none;padding:0}.list li{border:1px solid #ccc;border-radius:10px;padding:12px;margin:0 0 12px;line-height:1.6}
a.record{display:block;text-align:center;min-height:48px;line-height:48px;margin-top:8px;background:#1565c0;color:#fff;border-radius:10px;text-decoration:none;font-weight:600}
a.record small{color:#e3f0ff}
`;

export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

/** Whom the page is for: the masked name and village, never a phone or ID number. */
export interface PageElder {
  maskedName: string;
  village: string;
  township: string;
}

const who = (e: PageElder) =>
  `<div class="who">${label('visitPage.for')}<br><b>${escapeHtml(e.maskedName)}</b> · ${escapeHtml(e.township)} ${escapeHtml(e.village)}</div>`;

/** The first segment of an error path: the field it belongs next to. */
function errorsByField(errors: FieldError[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of errors) {
    const field = e.path.split('.')[0] || 'form';
    map.set(field, [...(map.get(field) ?? []), e.message]);
  }
  return map;
}

/** The visit form, empty (defaults) or as posted with the problems next to their fields. */
export function formPage(elder: PageElder, v: FormValues, errors: FieldError[] = []): string {
  const byField = errorsByField(errors);
  const errs = (...fields: string[]) =>
    fields
      .flatMap((f) => byField.get(f) ?? [])
      .map((m) => `<p class="err">${escapeHtml(m)}</p>`)
      .join('');
  const cls = (...fields: string[]) => (fields.some((f) => byField.has(f)) ? 'f bad' : 'f');
  const input = (name: keyof FormValues & string, key: MessageKey, type = 'text', extra = '') =>
    `<div class="${cls(name, name === 'visitedDate' || name === 'visitedTime' ? 'visitedAt' : name)}"><label for="${name}">${label(key)}</label><input type="${type}" id="${name}" name="${name}" value="${escapeHtml(String(v[name]))}"${extra}>${errs(name)}</div>`;
  const area = (name: keyof FormValues & string, key: MessageKey) =>
    `<div class="${cls(name)}"><label for="${name}">${label(key)} <small>${label('visitPage.optional')}</small></label><textarea id="${name}" name="${name}" rows="2" maxlength="1000">${escapeHtml(String(v[name]))}</textarea>${errs(name)}</div>`;
  const modes = (['home', 'phone', 'video'] as const)
    .map(
      (m) =>
        `<label><input type="radio" name="mode" value="${m}"${v.mode === m ? ' checked' : ''}><span>${label(`visitPage.mode.${m}`)}</span></label>`,
    )
    .join('');
  const risks = SAFETY_RISKS.map(
    (r) =>
      `<label><input type="checkbox" name="safetyRisks" value="${r}"${v.safetyRisks.includes(r) ? ' checked' : ''}><span>${label(`visitPage.risk.${r}`)}</span></label>`,
  ).join('');
  const tiles = (name: 'serviceNeeds' | 'visitorKinds', values: readonly string[], prefix: string) =>
    `<fieldset class="${cls(name)}"><legend>${label(`visitPage.${name}` as MessageKey)}</legend><div class="tiles">${values
      .map(
        (x) =>
          `<label><input type="checkbox" name="${name}" value="${x}"${v[name].includes(x) ? ' checked' : ''}><span>${label(`${prefix}.${x}` as MessageKey)}</span></label>`,
      )
      .join('')}</div>${errs(name)}</fieldset>`;
  const confirmed = CONFIRMED_BY.map(
    (c) =>
      `<label><input type="radio" name="confirmedBy" value="${c}"${v.confirmedBy === c ? ' checked' : ''}><span>${label(`visitPage.confirmed.${c}`)}</span></label>`,
  ).join('');
  const banner =
    errors.length > 0
      ? `<div class="banner" role="alert">${label('visitPage.fixErrors')}${errs('form', 'nonce', 'elderId')}</div>`
      : '';
  const body = `<h1>${label('visitPage.title')}</h1>
${who(elder)}${banner}
<form method="post" action="" accept-charset="utf-8">
<input type="hidden" name="nonce" value="${escapeHtml(v.nonce)}">
<fieldset>
<div class="row">
${input('visitedDate', 'visitPage.date', 'date', ' required')}
${input('visitedTime', 'visitPage.time', 'time')}
</div>${errs('visitedAt')}
<div class="${cls('mode')}"><fieldset style="padding:0;margin:0"><legend>${label('visitPage.mode')}</legend><div class="tiles three">${modes}</div></fieldset>${errs('mode')}</div>
${input('visitors', 'visitPage.visitors', 'text', ' required maxlength="200" autocomplete="name"')}
</fieldset>
<fieldset>
${area('health', 'visitPage.health')}
${area('mood', 'visitPage.mood')}
${area('livingConditions', 'visitPage.livingConditions')}
${area('economy', 'visitPage.economy')}
${area('familySupport', 'visitPage.familySupport')}
</fieldset>
<fieldset class="${cls('safetyRisks')}"><legend>${label('visitPage.safetyRisks')}</legend><div class="tiles">${risks}</div>${errs('safetyRisks')}</fieldset>
${tiles('serviceNeeds', SERVICE_NEEDS, 'visitPage.need')}
<fieldset>
${area('needs', 'visitPage.needs')}
${area('servicesGiven', 'visitPage.servicesGiven')}
${area('referrals', 'visitPage.referrals')}
${area('policyExplained', 'visitPage.policyExplained')}
${area('urgentHelp', 'visitPage.urgentHelp')}
<div class="tiles" style="margin-bottom:14px"><label style="grid-column:1/-1"><input type="checkbox" name="needsFollowUp" value="1"${v.needsFollowUp ? ' checked' : ''}><span>${label('visitPage.needsFollowUp')}</span></label></div>
${input('followUpOn', 'visitPage.followUpOn', 'date')}
${area('note', 'visitPage.note')}
</fieldset>
${tiles('visitorKinds', VISITOR_KINDS, 'visitPage.visitor')}
<fieldset>
${input('durationMinutes', 'visitPage.durationMinutes', 'number', ' min="1" max="720" inputmode="numeric"')}
<div class="${cls('confirmedBy')}"><fieldset style="padding:0;margin:0"><legend>${label('visitPage.confirmedBy')}</legend><div class="tiles three">${confirmed}</div></fieldset>${errs('confirmedBy')}</div>
</fieldset>
<button type="submit">${label('visitPage.submit')}</button>
</form>`;
  return layout('探访记录 Visit record', body);
}

/** After a visit is stored (or was already stored by an earlier press of the button). */
export function confirmationPage(
  elder: PageElder,
  outcome: { duplicate: boolean; followUp: boolean; visitedOn?: string },
): string {
  const lines = [
    `<p>${label(outcome.duplicate ? 'visitPage.duplicate' : 'visitPage.recorded')}</p>`,
    outcome.visitedOn ? `<p>${label('visitPage.date')}：${escapeHtml(outcome.visitedOn)}</p>` : '',
    outcome.followUp ? `<p>${label('visitPage.followUpOpened')}</p>` : '',
  ].join('');
  return layout(
    '已记录 Recorded',
    `<h1>${label('visitPage.title')}</h1>${who(elder)}<div class="ok" role="status">${lines}</div>`,
  );
}

/** A link that cannot be used: why, in Chinese then English; nothing else about the elder. */
export function refusalPage(message: MessageKey): string {
  return layout(
    '无法打开 Cannot open',
    `<h1>${label('visitPage.refused')}</h1><div class="banner" role="alert">${label(message)}</div>`,
  );
}

/** One line of a contact's list: whom, where, the code, what is due, and the link to record a visit. */
export interface ListEntry {
  maskedName: string;
  village: string;
  code: string;
  due: string;
  href: string;
}

/** A contact's elders behind a digest's short link, each with its own link to the visit form. */
export function listPage(entries: readonly ListEntry[]): string {
  const rows = entries
    .map(
      (e) =>
        `<li><b>${escapeHtml(e.maskedName)}</b> · ${escapeHtml(e.village)} · 代码 ${escapeHtml(e.code)}<br>${escapeHtml(e.due)}<br><a class="record" href="${escapeHtml(e.href)}">${label('visitPage.recordVisit')}</a></li>`,
    )
    .join('');
  return layout(
    '探访名单 Visit list',
    `<h1>${label('visitPage.listTitle')}</h1>${entries.length === 0 ? `<p>${label('visitPage.listEmpty')}</p>` : `<ul class="list">${rows}</ul>`}`,
  );
}

/** HTML headers: the token is in the URL, so no referrer leaves the page; nothing is cached or framed. */
export function html(statusCode: number, body: string): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    },
    body,
  };
}
