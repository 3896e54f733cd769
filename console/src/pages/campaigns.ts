/**
 * Campaigns: the list; a new campaign (or one prefilled from a festival template) with its live
 * preview; a campaign with its preview, the actions its status allows (approve by a second
 * administrator, start, pause, resume, cancel) and its progress, refreshed every few seconds.
 */
import { getJson, postJson, qs } from '../api.js';
import { type CapacityAdvice, capacityView } from '../capacity.js';
import { serverNow } from '../clock.js';
import { h, nextId, replace } from '../dom.js';
import { dateTime, duration, integer, shanghaiInstant, smsInfo, todayIn, warningText } from '../format.js';
import { lang, type MessageKey, t } from '../i18n.js';
import {
  actionsFor,
  CADENCES,
  CAMPAIGN_FLAGS,
  CAMPAIGN_KINDS,
  type CAMPAIGN_STATUSES,
  CATEGORIES,
  type Category,
  figuresOf,
  isCreator,
  PROGRESS_FIELDS,
  splitTownships,
} from '../logic.js';
import { countyName, every, type Page } from '../page.js';
import type { Me } from '../session.js';
import {
  alertBox,
  announce,
  badge,
  clearErrors,
  errorLine,
  errorText,
  facts,
  field,
  figures,
  heading,
  input,
  link,
  loading,
  section,
  select,
  showAlert,
  showErrors,
  type Tone,
  table,
} from '../ui.js';

/** how often the monitor reads the progress */
export const PROGRESS_EVERY_MS = 4000;

type Status = (typeof CAMPAIGN_STATUSES)[number];

export interface CampaignBody {
  title: string;
  kind: (typeof CAMPAIGN_KINDS)[number];
  source?: 'manual' | 'festival';
  target: {
    counties: string[];
    townships?: { county: string; township: string }[];
    categories: Category[];
    flags?: Partial<Record<(typeof CAMPAIGN_FLAGS)[number], boolean>>;
  };
  window: { start: string; end: string };
  cadence: Partial<Record<Category, { everyHours: number }>>;
  messages: { call: { yue: string; cmn: string }; text: string };
}

interface Campaign extends CampaignBody {
  id: string;
  status: Status;
  createdBy: string;
  createdBySub?: string;
  createdAt: string;
  approvedBy?: string;
  approvedAt?: string;
  history?: { at: string; by: string; from?: Status; to: Status }[];
  alert?: { event: string; headline?: string; severity: string; sender: string };
  /** the list and every answer about one campaign carry its progress so far */
  progress?: Partial<Progress>;
}

interface Preview {
  /** capacity planning (issue 11 part 6): the routine forecast plus this campaign's rounds */
  capacity?: CapacityAdvice;
  audience: {
    total: number;
    byCategory: Record<Category, number>;
    byCounty: Record<string, Record<Category, number> & { total: number }>;
    byChannel: { voice: number; sms: number };
  };
  rounds: unknown[];
  calls: number;
  texts: number;
  smsParts: number;
  totalDurationMs: number;
  longestRoundMs: number;
  warnings: { code: string; message: string; at?: string }[];
  /** starting needs a second administrator's approval: the audience is over the threshold */
  needsSecondApproval?: boolean;
  approvalThreshold?: number;
}

type Progress = Record<(typeof PROGRESS_FIELDS)[number], number>;

export const statusTone = (s: string): Tone =>
  s === 'running'
    ? 'ok'
    : s === 'paused' || s === 'draft'
      ? 'warn'
      : s === 'cancelled'
        ? 'bad'
        : s === 'done'
          ? 'muted'
          : 'info';
const statusBadge = (s: string) => badge(t(`campaignStatus.${s}` as MessageKey), statusTone(s));

const listOf = <T>(body: T[] | { items: T[] }): T[] => (Array.isArray(body) ? body : body.items);

export const campaignListPage: Page = async (ctx) => {
  const { main, me, signal } = ctx;
  ctx.title(t('campaigns.title'));
  const list = h('div', {}, loading());
  main.append(
    heading(t('campaigns.title')),
    me.principal.role !== 'townshipOperator'
      ? h('p', {}, h('a', { href: '#/campaigns/new', class: 'button' }, t('campaigns.new')))
      : '',
    list,
  );
  try {
    const items = listOf(await getJson<Campaign[] | { items: Campaign[] }>('/api/campaigns', signal));
    replace(
      list,
      table(
        t('campaigns.caption'),
        [
          { key: 'col.title', cell: (c) => link(`#/campaigns/${c.id}`, c.title), rowHeader: true },
          { key: 'col.kind', cell: (c) => t(`kind.${c.kind}` as MessageKey) },
          { key: 'col.status', cell: (c) => statusBadge(c.status) },
          { key: 'col.window', cell: (c) => `${dateTime(c.window.start)} – ${dateTime(c.window.end)}` },
          { key: 'col.counties', cell: (c) => c.target.counties.map((k) => countyName(me, k)).join('、') },
          {
            key: 'col.progress',
            cell: (c) =>
              c.progress
                ? t('campaigns.progressShort', {
                    well: c.progress.well ?? 0,
                    help: c.progress.needsHelp ?? 0,
                    notReached: c.progress.notReached ?? 0,
                  })
                : '—',
          },
          { key: 'col.createdBy', cell: (c) => c.createdBy },
        ],
        items,
        'campaigns.none',
      ),
    );
  } catch (error) {
    if (!signal.aborted) replace(list, errorLine(error));
  }
};

/** The preview as a person reads it: the audience by county and category, what is sent, how long. */
export function previewView(me: Me, p: Preview): HTMLElement {
  const n = (v: number) => integer(v, lang());
  const rows = Object.entries(p.audience.byCounty)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([county, c]) => ({ county, ...c }));
  const totalRow = { county: '', ...p.audience.byCategory, total: p.audience.total };
  return h(
    'div',
    { class: 'preview' },
    h('p', { class: 'big' }, t('preview.audience', { n: n(p.audience.total) })),
    p.needsSecondApproval
      ? h('p', {}, badge(t('preview.needsApproval', { n: n(p.approvalThreshold ?? 0) }), 'warn'))
      : '',
    table(
      t('preview.byCounty'),
      [
        {
          key: 'col.county',
          cell: (r) => (r.county ? countyName(me, r.county) : t('common.total')),
          rowHeader: true,
        },
        { key: 'category.A', cell: (r) => n(r.A), numeric: true },
        { key: 'category.B', cell: (r) => n(r.B), numeric: true },
        { key: 'category.C', cell: (r) => n(r.C), numeric: true },
        { key: 'common.total', cell: (r) => n(r.total), numeric: true },
      ],
      rows.length > 1 ? [...rows, totalRow] : rows,
    ),
    figures([
      [t('preview.calls'), n(p.calls)],
      [t('preview.texts'), [n(p.texts), h('small', {}, t('preview.parts', { n: n(p.smsParts) }))]],
      [t('preview.rounds'), n(p.rounds.length)],
      [t('preview.duration'), duration(p.totalDurationMs, lang())],
      [t('preview.longest'), duration(p.longestRoundMs, lang())],
      [
        t('preview.channels'),
        t('preview.channelSplit', { voice: n(p.audience.byChannel.voice), sms: n(p.audience.byChannel.sms) }),
      ],
    ]),
    p.warnings.length > 0
      ? h(
          'div',
          { class: 'warnings', role: 'note' },
          h('h3', {}, t('preview.warnings')),
          h(
            'ul',
            {},
            ...p.warnings.map((w) =>
              h('li', {}, badge(t('preview.warning'), 'warn'), ' ', warningText(w, lang())),
            ),
          ),
        )
      : h('p', {}, badge(t('preview.fits'), 'ok')),
    p.capacity ? h('div', {}, h('h3', {}, t('capacity.title')), capacityView(p.capacity)) : null,
  );
}

interface Template {
  id: string;
  name: { zh: string; en: string };
  date: string;
  window: { start: string; end: string };
  kind: 'festival';
  messages: { text: string; script: { yue: string; cmn: string } };
  /** a campaign body to start from (the API's suggestion: window, categories, cadence, messages) */
  prefill?: Partial<CampaignBody> & { target?: Partial<CampaignBody['target']> };
}

export const campaignNewPage: Page = async (ctx) => {
  const { main, me, signal } = ctx;
  ctx.title(t('campaigns.new'));
  let source: 'manual' | 'festival' = 'manual';

  // festival templates
  const year = input({
    type: 'number',
    name: 'year',
    min: 1900,
    max: 2100,
    // this year on the server's clock (a demo's clock may be on another year)
    value: todayIn(serverNow()).slice(0, 4),
    inputmode: 'numeric',
  });
  const templateSelect = select([{ value: '', label: t('campaigns.templateNone') }], '', {
    name: 'template',
  });
  let templates: Template[] = [];
  const templateBox = alertBox();
  const loadTemplates = async () => {
    try {
      templates = listOf(
        await getJson<Template[] | { items: Template[] }>(
          `/api/campaigns/templates${qs({ year: year.value })}`,
          signal,
        ),
      );
      const chosen = templateSelect.value;
      replace(
        templateSelect,
        h('option', { value: '' }, t('campaigns.templateNone')),
        ...templates.map((tp) =>
          h('option', { value: tp.id }, `${lang() === 'zh' ? tp.name.zh : tp.name.en}（${tp.date}）`),
        ),
      );
      // the same festival stays chosen when the year changes
      templateSelect.value = chosen;
      showAlert(templateBox, undefined);
    } catch (error) {
      if (!signal.aborted) showAlert(templateBox, errorText(error));
    }
  };
  year.addEventListener('change', () => void loadTemplates());

  const title = input({ name: 'title', maxlength: 60, autocomplete: 'off' });
  const kind = select(
    CAMPAIGN_KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) })),
    'typhoon',
    { name: 'kind' },
  );

  // target: counties with optional townships, categories, flags
  const countyChecks = me.counties.map((c) => {
    const box = h('input', { type: 'checkbox', value: c.code, id: nextId('cty') });
    const towns = input({ autocomplete: 'off', id: nextId() });
    const townsField = h(
      'div',
      { class: 'field sub', hidden: true },
      h('label', { for: towns.id }, t('campaigns.townshipsOf', { county: countyName(me, c.code) })),
      towns,
      h('div', { class: 'hint' }, t('campaigns.townshipsHint')),
    );
    box.addEventListener('change', () => {
      townsField.hidden = !box.checked;
      void refreshPreview();
    });
    if (me.counties.length === 1) {
      box.checked = true;
      townsField.hidden = false;
    }
    towns.addEventListener('change', () => void refreshPreview());
    return {
      code: c.code,
      box,
      towns,
      el: h(
        'div',
        {},
        h('label', { for: box.id, class: 'check' }, box, ' ', countyName(me, c.code)),
        townsField,
      ),
    };
  });
  const counties = h(
    'fieldset',
    { 'data-path': 'target.counties', tabindex: -1 },
    h('legend', {}, t('campaigns.counties')),
    ...countyChecks.map((c) => c.el),
  );
  const townshipsPath = h('div', { 'data-path': 'target.townships', tabindex: -1 });
  counties.append(townshipsPath);

  const cadenceSelects = {} as Record<Category, HTMLSelectElement>;
  const categoryChecks = CATEGORIES.map((k) => {
    const box = h('input', { type: 'checkbox', value: k, id: nextId('cat'), checked: k !== 'C' });
    const cadence = select(
      CADENCES.map((hrs) => ({ value: String(hrs), label: t('campaigns.everyHours', { n: hrs }) })),
      k === 'A' ? '12' : '24',
      { name: `cadence-${k}` },
    );
    cadence.dataset.path = `cadence.${k}`;
    cadence.setAttribute('aria-label', t('campaigns.cadenceOf', { category: t(`category.${k}`) }));
    cadenceSelects[k] = cadence;
    const sync = () => {
      cadence.disabled = !box.checked;
    };
    sync();
    box.addEventListener('change', () => {
      sync();
      void refreshPreview();
    });
    cadence.addEventListener('change', () => void refreshPreview());
    return {
      k,
      box,
      el: h(
        'div',
        { class: 'row' },
        h('label', { for: box.id, class: 'check' }, box, ' ', t(`category.${k}`)),
        cadence,
      ),
    };
  });
  const categories = h(
    'fieldset',
    { 'data-path': 'target.categories', tabindex: -1 },
    h('legend', {}, t('campaigns.categoriesCadence')),
    ...categoryChecks.map((c) => c.el),
    h('div', { 'data-path': 'cadence', tabindex: -1 }),
  );

  const flagSelects = CAMPAIGN_FLAGS.map((f) => {
    const s = select(
      [
        { value: '', label: t('flag.any') },
        { value: 'true', label: t('flag.only') },
        { value: 'false', label: t('flag.exclude') },
      ],
      '',
      { name: `flag-${f}` },
    );
    s.addEventListener('change', () => void refreshPreview());
    return { f, s };
  });
  const flags = h(
    'fieldset',
    { 'data-path': 'target.flags', tabindex: -1 },
    h('legend', {}, t('campaigns.flags')),
    h('div', { class: 'row' }, ...flagSelects.map(({ f, s }) => field(`flag.${f}`, s))),
  );

  const start = input({ type: 'datetime-local', name: 'start' });
  const end = input({ type: 'datetime-local', name: 'end' });
  for (const el of [start, end]) el.addEventListener('change', () => void refreshPreview());

  const yue = h('textarea', { name: 'yue', rows: 3, maxlength: 2000 });
  const cmn = h('textarea', { name: 'cmn', rows: 3, maxlength: 2000 });
  const text = h('textarea', { name: 'text', rows: 3, maxlength: 500 });
  const counter = h('span', { class: 'counter' });
  const counterLive = h('span', { class: 'visually-hidden', 'aria-live': 'polite' });
  let lastParts = -1;
  const countText = () => {
    const { chars, parts } = smsInfo(text.value);
    counter.textContent = t('sms.counter', { chars, parts });
    counter.classList.toggle('over', parts > 1);
    // screen readers hear only when the number of parts changes, not every keystroke
    if (parts !== lastParts) {
      counterLive.textContent = parts > 1 ? t('sms.multipart', { parts }) : '';
      lastParts = parts;
    }
  };
  text.addEventListener('input', countText);
  text.addEventListener('change', () => void refreshPreview());
  countText();

  const templateApply = h('button', { type: 'button' }, t('campaigns.templateApply'));
  templateApply.addEventListener('click', () => {
    const tp = templates.find((x) => x.id === templateSelect.value);
    if (!tp) return;
    source = 'festival';
    const pre = tp.prefill;
    title.value = pre?.title ?? `${lang() === 'zh' ? tp.name.zh : tp.name.en} ${tp.date.slice(0, 4)}`;
    kind.value = 'festival';
    start.value = pre?.window ? pre.window.start.slice(0, 16) : `${tp.window.start}T09:00`;
    end.value = pre?.window ? pre.window.end.slice(0, 16) : `${tp.window.end}T20:00`;
    yue.value = pre?.messages?.call.yue ?? tp.messages.script.yue;
    cmn.value = pre?.messages?.call.cmn ?? tp.messages.script.cmn;
    text.value = pre?.messages?.text ?? tp.messages.text;
    if (pre?.target?.categories) {
      for (const c of categoryChecks) {
        c.box.checked = pre.target.categories.includes(c.k);
        c.box.dispatchEvent(new Event('change'));
      }
    }
    for (const k of CATEGORIES) {
      const hours = pre?.cadence?.[k]?.everyHours;
      if (hours !== undefined) {
        if (![...cadenceSelects[k].options].some((o) => o.value === String(hours)))
          cadenceSelects[k].append(
            h('option', { value: String(hours) }, t('campaigns.everyHours', { n: hours })),
          );
        cadenceSelects[k].value = String(hours);
      }
    }
    countText();
    announce(t('campaigns.templateApplied', { name: title.value }));
    void refreshPreview();
  });

  const box = alertBox();
  const previewBox = h('div', { 'aria-busy': 'false' }, h('p', {}, t('preview.empty')));
  const save = h('button', { type: 'submit', class: 'primary' }, t('campaigns.save'));
  const previewButton = h('button', { type: 'button' }, t('campaigns.preview'));
  const form = h(
    'form',
    { class: 'card campaign-form', novalidate: true },
    box,
    h(
      'fieldset',
      {},
      h('legend', {}, t('campaigns.fromTemplate')),
      templateBox,
      h(
        'div',
        { class: 'row' },
        field('campaigns.year', year),
        field('campaigns.template', templateSelect),
        templateApply,
      ),
    ),
    field('col.title', title, { path: 'title', required: true }),
    field('col.kind', kind, { path: 'kind', required: true }),
    counties,
    categories,
    flags,
    h(
      'fieldset',
      {},
      h('legend', {}, t('campaigns.window')),
      h(
        'div',
        { class: 'row' },
        field('campaigns.start', start, { path: 'window.start', required: true }),
        field('campaigns.end', end, { path: 'window.end', required: true, hint: t('campaigns.windowHint') }),
      ),
    ),
    h(
      'fieldset',
      { 'data-path': 'messages', tabindex: -1 },
      h('legend', {}, t('campaigns.messages')),
      field('campaigns.yue', yue, { path: 'messages.call.yue', required: true }),
      field('campaigns.cmn', cmn, { path: 'messages.call.cmn', required: true }),
      field('campaigns.text', text, {
        path: 'messages.text',
        required: true,
        hint: h('span', {}, counter, counterLive),
      }),
    ),
    h('div', { class: 'actions' }, previewButton, save),
  );

  const body = (): CampaignBody => {
    const checked = countyChecks.filter((c) => c.box.checked);
    const townships = checked.flatMap((c) =>
      splitTownships(c.towns.value).map((township) => ({ county: c.code, township })),
    );
    const cats = categoryChecks.filter((c) => c.box.checked).map((c) => c.k);
    const flagValues = Object.fromEntries(
      flagSelects.filter(({ s }) => s.value !== '').map(({ f, s }) => [f, s.value === 'true']),
    );
    return {
      title: title.value.trim(),
      kind: kind.value as CampaignBody['kind'],
      source,
      target: {
        counties: checked.map((c) => c.code),
        ...(townships.length > 0 ? { townships } : {}),
        categories: cats,
        ...(Object.keys(flagValues).length > 0 ? { flags: flagValues } : {}),
      },
      window: {
        start: shanghaiInstant(start.value) ?? start.value,
        end: shanghaiInstant(end.value) ?? end.value,
      },
      cadence: Object.fromEntries(cats.map((k) => [k, { everyHours: Number(cadenceSelects[k].value) }])),
      messages: { call: { yue: yue.value.trim(), cmn: cmn.value.trim() }, text: text.value.trim() },
    };
  };

  // a preview is asked for when enough is filled in; only the newest answer is shown
  let asked = 0;
  const ready = () =>
    countyChecks.some((c) => c.box.checked) &&
    start.value &&
    end.value &&
    text.value.trim() &&
    yue.value.trim() &&
    cmn.value.trim();
  const refreshPreview = async (force = false) => {
    if (!force && !ready()) return;
    const mine = ++asked;
    previewBox.setAttribute('aria-busy', 'true');
    try {
      const p = await postJson<Preview>('/api/campaigns/preview', body());
      if (mine !== asked || signal.aborted) return;
      clearErrors(form);
      showAlert(box, undefined);
      replace(previewBox, previewView(me, p));
      // the whole table is not read out on every change: the audience and any warning are (worded
      // apart from the page's own line, so the live region never repeats a text of the page)
      announce(
        [
          t('preview.updated', { audience: t('preview.audience', { n: integer(p.audience.total, lang()) }) }),
          ...p.warnings.map((w) => warningText(w, lang())),
        ].join('；'),
      );
    } catch (error) {
      if (mine !== asked || signal.aborted) return;
      if (force) showErrors(form, box, error);
      replace(previewBox, h('p', {}, t('preview.notYet')));
    } finally {
      if (mine === asked) previewBox.setAttribute('aria-busy', 'false');
    }
  };
  previewButton.addEventListener('click', () => void refreshPreview(true));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    try {
      const created = await postJson<Campaign>('/api/campaigns', body());
      announce(t('campaigns.saved'));
      location.hash = `#/campaigns/${created.id}`;
    } catch (error) {
      showErrors(form, box, error);
    } finally {
      save.disabled = false;
    }
  });

  main.append(
    h('p', { class: 'crumbs' }, link('#/campaigns', t('campaigns.back'))),
    heading(t('campaigns.new')),
    h(
      'div',
      { class: 'split' },
      form,
      h(
        'section',
        { 'aria-labelledby': 'cn-preview', class: 'card' },
        h('h2', { id: 'cn-preview' }, t('campaigns.previewTitle')),
        previewBox,
      ),
    ),
  );
  await loadTemplates();
};

function progressView(p: Progress): HTMLElement {
  const n = (v: number) => integer(v, lang());
  const open = Math.max(0, p.casesOpened - p.casesClosed);
  return figures([
    [t('progress.started'), n(p.started)],
    [t('progress.well'), badge(n(p.well), 'ok')],
    [t('progress.needsHelp'), badge(n(p.needsHelp), p.needsHelp > 0 ? 'bad' : 'muted')],
    [t('progress.notReached'), badge(n(p.notReached), p.notReached > 0 ? 'warn' : 'muted')],
    [
      t('progress.casesOpen'),
      [
        badge(n(open), open > 0 ? 'bad' : 'muted'),
        ' ',
        h('small', {}, t('progress.casesTotal', { opened: n(p.casesOpened), closed: n(p.casesClosed) })),
      ],
    ],
  ]);
}

const LIVE: readonly string[] = ['scheduled', 'running', 'paused'];

export const campaignDetailPage: Page = async (ctx) => {
  const { main, me, signal, params } = ctx;
  const id = params[0] as string;
  main.append(loading());
  // the preview says whether starting needs a second administrator: asked with the campaign, so the
  // actions are drawn once, right
  const firstPreview = getJson<Preview>(`/api/campaigns/${id}/preview`, signal).then(
    (p) => ({ p }),
    (error: unknown) => ({ error }),
  );
  let c = await getJson<Campaign>(`/api/campaigns/${id}`, signal);
  const previewed = await firstPreview;
  /** true when the audience is over the approval threshold; undefined while the preview is unknown */
  const approvalNeeded = 'p' in previewed ? previewed.p.needsSecondApproval : undefined;
  const box = alertBox();
  const statusEl = h('span', {});
  const approvedEl = h('span', {});
  const actions = h('div', { class: 'actions' });
  const previewBox = h('div', {}, loading());
  const progressBox = h('div', { 'aria-live': 'polite' }, loading());
  const updated = h('p', { class: 'hint' });
  const historyBox = h('div', {});
  ctx.title(c.title);

  const drawHistory = () =>
    replace(
      historyBox,
      table(
        t('campaigns.historyCaption'),
        [
          { key: 'col.time', cell: (x) => dateTime(x.at), rowHeader: true },
          { key: 'col.by', cell: (x) => x.by },
          { key: 'col.from', cell: (x) => (x.from ? t(`campaignStatus.${x.from}` as MessageKey) : '—') },
          { key: 'col.to', cell: (x) => t(`campaignStatus.${x.to}` as MessageKey) },
        ],
        c.history ?? [],
      ),
    );

  const act = async (action: string) => {
    if (action === 'cancel' && !window.confirm(t('campaigns.confirmCancel'))) return;
    for (const b of actions.querySelectorAll('button')) b.disabled = true;
    try {
      const answer = await postJson<Campaign | { campaign: Campaign }>(`/api/campaigns/${id}/${action}`);
      c = 'campaign' in answer ? answer.campaign : answer;
      showAlert(box, undefined);
      announce(t('campaigns.nowStatus', { status: t(`campaignStatus.${c.status}` as MessageKey) }));
    } catch (error) {
      showAlert(box, errorText(error));
    }
    drawStatus();
    drawHistory();
  };

  const startHintId = nextId('start-hint');
  const drawStatus = () => {
    replace(approvedEl, c.approvedBy ? `${c.approvedBy} · ${dateTime(c.approvedAt)}` : '—');
    replace(statusEl, statusBadge(c.status));
    const viewerIsCreator = isCreator(c, me.principal);
    const allowed = me.principal.role === 'townshipOperator' ? [] : actionsFor(c.status, viewerIsCreator);
    // a draft over the approval threshold starts only once another administrator approved it: the
    // start button stays (focusable, aria-disabled, described by the hint next to it) and activating
    // it sends nothing, only says the hint again to a screen reader
    const waiting = c.status === 'draft' && approvalNeeded === true && allowed.includes('start');
    const hint = waiting ? t(viewerIsCreator ? 'campaigns.needsOther' : 'campaigns.needsApproval') : '';
    replace(
      actions,
      ...allowed.map((a) => {
        const held = a === 'start' && waiting;
        return h(
          'button',
          {
            type: 'button',
            class: held
              ? null
              : a === 'approve' || a === 'start'
                ? 'primary'
                : a === 'cancel'
                  ? 'danger'
                  : null,
            'aria-disabled': held ? 'true' : null,
            'aria-describedby': held ? startHintId : null,
            onclick: () => {
              if (held) announce(hint);
              else void act(a);
            },
          },
          t(`campaigns.action.${a}`),
        );
      }),
      waiting ? h('p', { class: 'hint', id: startHintId }, hint) : null,
    );
  };

  const target = c.target;
  replace(
    main,
    h('p', { class: 'crumbs' }, link('#/campaigns', t('campaigns.back'))),
    heading(c.title),
    box,
    h('p', {}, t('col.status'), '：', statusEl),
    actions,
    section('cd-progress', t('campaigns.progress'), progressBox, updated),
    section(
      'cd-def',
      t('campaigns.definition'),
      facts([
        ['col.kind', t(`kind.${c.kind}` as MessageKey)],
        ['col.window', `${dateTime(c.window.start)} – ${dateTime(c.window.end)}`],
        ['col.counties', target.counties.map((k) => countyName(me, k)).join('、')],
        [
          'campaigns.townships',
          target.townships?.length
            ? target.townships.map((w) => `${countyName(me, w.county)}${w.township}`).join('、')
            : t('campaigns.allTownships'),
        ],
        [
          'campaigns.categoriesCadence',
          target.categories
            .map((k) => `${k}：${t('campaigns.everyHours', { n: c.cadence[k]?.everyHours ?? 0 })}`)
            .join('；'),
        ],
        [
          'campaigns.flags',
          Object.entries(target.flags ?? {})
            .map(([f, v]) => `${t(`flag.${f}` as MessageKey)}：${v ? t('flag.only') : t('flag.exclude')}`)
            .join('；') || t('flag.any'),
        ],
        ['campaigns.yue', c.messages.call.yue],
        ['campaigns.cmn', c.messages.call.cmn],
        ['campaigns.text', `${c.messages.text}（${t('sms.counter', smsInfo(c.messages.text))}）`],
        ['col.createdBy', `${c.createdBy} · ${dateTime(c.createdAt)}`],
        ['campaigns.approvedBy', approvedEl],
        ...(c.alert
          ? ([['campaigns.alert', `${c.alert.event}（${c.alert.severity}）${c.alert.headline ?? ''}`]] as [
              MessageKey,
              string,
            ][])
          : []),
      ]),
    ),
    section('cd-preview', t('campaigns.previewTitle'), previewBox),
    section('cd-history', t('campaigns.history'), historyBox),
  );
  drawStatus();
  drawHistory();

  replace(previewBox, 'p' in previewed ? previewView(me, previewed.p) : errorLine(previewed.error));

  let lastStatus = c.status;
  let lastProgress = '';
  every(signal, PROGRESS_EVERY_MS, async () => {
    // a draft, a cancelled or a finished campaign does not move: read once, then only while it can
    if (lastProgress && !LIVE.includes(c.status) && c.status !== 'approved') return;
    try {
      const body = await getJson<unknown>(`/api/campaigns/${id}/progress`, signal);
      const p = figuresOf(body, PROGRESS_FIELDS, ['progress']);
      // redrawn only when a figure moved, so a screen reader hears changes, not every refresh
      const seen = JSON.stringify(p);
      if (p && seen !== lastProgress) {
        replace(progressBox, progressView(p));
        lastProgress = seen;
      }
      updated.textContent = t('campaigns.updatedAt', { time: dateTime(serverNow().toISOString()).slice(11) });
      // the status moves by itself (scheduled → running at the window's start, → done at its end)
      if (LIVE.includes(c.status) || c.status === 'approved') {
        const fresh = await getJson<Campaign>(`/api/campaigns/${id}`, signal);
        if (fresh.status !== lastStatus) {
          c = fresh;
          lastStatus = fresh.status;
          drawStatus();
          drawHistory();
          announce(t('campaigns.nowStatus', { status: t(`campaignStatus.${c.status}` as MessageKey) }));
        }
      }
    } catch (error) {
      if (!signal.aborted) replace(progressBox, errorLine(error));
    }
  });
};
