/** Cases: the list by status, and a case with its ladder, timeline, acknowledgement and closure. */
import { ApiError, getJson, postJson, qs } from '../api.js';
import { h, replace } from '../dom.js';
import { dateTime } from '../format.js';
import { type MessageKey, t } from '../i18n.js';
import { CASE_STATUSES, CLOSURES } from '../logic.js';
import { countyName, type Page } from '../page.js';
import type { Me } from '../session.js';
import {
  alertBox,
  announce,
  badge,
  errorLine,
  errorText,
  facts,
  field,
  heading,
  link,
  loading,
  section,
  select,
  showAlert,
  showErrors,
  type Tone,
  table,
} from '../ui.js';

interface CaseStep {
  n: number;
  level: number;
  to: string;
  role: string;
  channel: string;
  at: string;
  status: string;
  acknowledgedAt?: string;
}

interface CaseItem {
  id: string;
  elderId: string;
  county: string;
  township: string;
  reason: 'noResponse' | 'needsHelp';
  /** the campaign whose check-in opened the case */
  campaignId?: string;
  openedAt: string;
  status: (typeof CASE_STATUSES)[number];
  level: number;
  steps: CaseStep[];
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  closedAt?: string;
  closure?: string;
  closedBy?: string;
  note?: string;
  timeline: { at: string; event: string; detail?: string }[];
  elder?: { id: string; name: string; region: { county: string; township: string; village: string } };
}

/**
 * The titles of the campaigns that opened cases, each read once (GET /api/campaigns/{id}). A campaign
 * the user may not see (another county's: 404; a township operator reads no campaign: 403) or that
 * cannot be read now has no title: the case then names no campaign.
 */
function campaignTitles(me: Me, signal: AbortSignal) {
  const asked = new Map<string, Promise<string | undefined>>();
  return (id: string | undefined): Promise<string | undefined> => {
    // campaigns are the administrators' (a township operator's request would only be refused)
    if (!id || me.principal.role === 'townshipOperator') return Promise.resolve(undefined);
    let title = asked.get(id);
    if (!title) {
      title = getJson<{ title: string }>(`/api/campaigns/${encodeURIComponent(id)}`, signal).then(
        (c) => c.title,
        (error: unknown) => {
          // not seeing it is an answer; anything else (the network) is asked again next time
          if (!(error instanceof ApiError && (error.status === 404 || error.status === 403)))
            asked.delete(id);
          return undefined;
        },
      );
      asked.set(id, title);
    }
    return title;
  };
}

export const caseTone = (s: string): Tone => (s === 'open' ? 'bad' : s === 'acknowledged' ? 'warn' : 'ok');
export const caseBadge = (s: string) => badge(t(`caseStatus.${s}` as MessageKey), caseTone(s));

export const caseListPage: Page = async (ctx) => {
  const { main, me, signal } = ctx;
  ctx.title(t('cases.title'));
  const county = select(
    [
      ...(me.counties.length > 1 ? [{ value: '', label: t('common.allCounties') }] : []),
      ...me.counties.map((c) => ({ value: c.code, label: countyName(me, c.code) })),
    ],
    me.principal.county ?? '',
    { name: 'county' },
  );
  const status = select(
    [
      { value: '', label: t('cases.allStatuses') },
      ...CASE_STATUSES.map((s) => ({ value: s, label: t(`caseStatus.${s}`) })),
    ],
    'open',
    { name: 'status' },
  );
  const list = h('div', {}, loading());
  const titleOf = campaignTitles(me, signal);
  main.append(
    heading(t('cases.title')),
    h(
      'form',
      { class: 'filters', 'aria-label': t('cases.filter') },
      field('field.county', county),
      field('field.status', status),
    ),
    list,
  );
  const load = async () => {
    replace(list, loading());
    try {
      const { items } = await getJson<{ items: CaseItem[] }>(
        `/api/cases${qs({ county: county.value, status: status.value })}`,
        signal,
      );
      const ids = [...new Set(items.flatMap((c) => (c.campaignId ? [c.campaignId] : [])))];
      const titles = new Map(await Promise.all(ids.map(async (k) => [k, await titleOf(k)] as const)));
      if (signal.aborted) return;
      const campaignOf = (c: CaseItem) => (c.campaignId ? titles.get(c.campaignId) : undefined);
      // a row has one link, to its case: the campaign is named in it (its page links to the campaign)
      const campaignColumn = items.some((c) => campaignOf(c) !== undefined)
        ? [{ key: 'cases.campaign' as const, cell: (c: CaseItem) => campaignOf(c) ?? '—' }]
        : [];
      replace(
        list,
        h('p', { role: 'status' }, t('cases.count', { n: items.length })),
        table(
          t('cases.caption'),
          [
            {
              key: 'col.openedAt',
              cell: (c) => link(`#/cases/${c.id}`, dateTime(c.openedAt)),
              rowHeader: true,
            },
            { key: 'col.reason', cell: (c) => t(`caseReason.${c.reason}` as MessageKey) },
            { key: 'col.county', cell: (c) => countyName(me, c.county) },
            { key: 'col.township', cell: (c) => c.township },
            { key: 'col.level', cell: (c) => String(c.level), numeric: true },
            { key: 'col.status', cell: (c) => caseBadge(c.status) },
            ...campaignColumn,
          ],
          items,
          'cases.none',
        ),
      );
    } catch (error) {
      if (!signal.aborted) replace(list, errorLine(error));
    }
  };
  county.addEventListener('change', () => void load());
  status.addEventListener('change', () => void load());
  await load();
};

export const caseDetailPage: Page = async (ctx) => {
  const { main, me, signal, params } = ctx;
  const id = params[0] as string;
  main.append(loading());
  let c = await getJson<CaseItem>(`/api/cases/${id}`, signal);
  const campaignId = c.campaignId;
  const campaignTitle = await campaignTitles(me, signal)(campaignId);
  const draw = () => {
    const title = t('cases.detailTitle', {
      reason: t(`caseReason.${c.reason}` as MessageKey),
      at: dateTime(c.openedAt),
    });
    ctx.title(title);
    const box = alertBox();
    const actions = h('div', { class: 'actions' });
    if (c.status === 'open') {
      const ack = h('button', { type: 'button', class: 'primary' }, t('cases.acknowledge'));
      ack.addEventListener('click', async () => {
        ack.disabled = true;
        try {
          c = {
            ...(await postJson<CaseItem>(`/api/cases/${id}/acknowledge`)),
            ...(c.elder ? { elder: c.elder } : {}),
          };
          announce(t('cases.acknowledged'));
          draw();
        } catch (error) {
          showAlert(box, errorText(error));
          ack.disabled = false;
        }
      });
      actions.append(ack);
    }
    let closeForm: HTMLFormElement | null = null;
    if (c.status !== 'closed') {
      const closure = select(
        CLOSURES.map((k) => ({ value: k, label: t(`closure.${k}`) })),
        'reachedWell',
        { name: 'closure' },
      );
      const note = h('textarea', { name: 'note', rows: 3, maxlength: 500 });
      const formBox = alertBox();
      closeForm = h(
        'form',
        { class: 'card', 'aria-labelledby': 'cs-close' },
        h('h2', { id: 'cs-close' }, t('cases.close')),
        formBox,
        field('cases.closure', closure, { path: 'closure', required: true }),
        field('cases.note', note, { path: 'note', hint: t('cases.noteHint') }),
        h('button', { type: 'submit' }, t('cases.closeSubmit')),
      );
      closeForm.addEventListener('submit', async (event) => {
        event.preventDefault();
        try {
          const body = { closure: closure.value, ...(note.value.trim() ? { note: note.value.trim() } : {}) };
          c = {
            ...(await postJson<CaseItem>(`/api/cases/${id}/close`, body)),
            ...(c.elder ? { elder: c.elder } : {}),
          };
          announce(t('cases.closed'));
          draw();
        } catch (error) {
          if (closeForm) showErrors(closeForm, formBox, error);
        }
      });
    }
    replace(
      main,
      h('p', { class: 'crumbs' }, link('#/cases', t('cases.back'))),
      heading(title),
      box,
      facts([
        ['col.status', caseBadge(c.status)],
        [
          'col.elder',
          c.elder
            ? link(`#/elders/${c.elder.id}`, c.elder.name)
            : link(`#/elders/${c.elderId}`, t('cases.elderProfile')),
        ],
        ['col.county', countyName(me, c.county)],
        ['col.township', c.township],
        ['col.level', String(c.level)],
        ['col.openedAt', dateTime(c.openedAt)],
        ...(campaignId && campaignTitle !== undefined
          ? ([['cases.campaign', link(`#/campaigns/${campaignId}`, campaignTitle)]] as [MessageKey, Node][])
          : []),
        [
          'cases.ackAt',
          c.acknowledgedAt ? `${dateTime(c.acknowledgedAt)}（${c.acknowledgedBy ?? ''}）` : '—',
        ],
        ['cases.closedAt', c.closedAt ? `${dateTime(c.closedAt)}（${c.closedBy ?? ''}）` : '—'],
        ['cases.closure', c.closure ? t(`closure.${c.closure}` as MessageKey) : '—'],
        ['cases.note', c.note ?? '—'],
      ]),
      actions,
      section(
        'cs-steps',
        t('cases.steps'),
        table(
          t('cases.stepsCaption'),
          [
            { key: 'col.level', cell: (s) => String(s.level), rowHeader: true, numeric: true },
            { key: 'col.role', cell: (s) => t(`stepRole.${s.role}` as MessageKey) },
            { key: 'col.channel', cell: (s) => t(`channel.${s.channel}` as MessageKey) },
            { key: 'col.phone', cell: (s) => s.to },
            { key: 'col.time', cell: (s) => dateTime(s.at) },
            { key: 'col.status', cell: (s) => t(`stepStatus.${s.status}` as MessageKey) },
            {
              key: 'cases.ackAt',
              cell: (s) => (s.acknowledgedAt ? badge(dateTime(s.acknowledgedAt), 'ok') : '—'),
            },
          ],
          c.steps,
          'cases.noSteps',
        ),
      ),
      section(
        'cs-timeline',
        t('cases.timeline'),
        h(
          'ol',
          { class: 'timeline' },
          ...c.timeline.map((e) =>
            h(
              'li',
              {},
              h('time', { datetime: e.at }, dateTime(e.at)),
              ' ',
              t(`caseEvent.${e.event}` as MessageKey),
            ),
          ),
        ),
      ),
      closeForm,
    );
  };
  draw();
};
