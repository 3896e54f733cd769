/**
 * The register: a paged list of a county's elders (filter by county and category on the server; by
 * name or village within the loaded page) and an elder's profile with the category's rules, the
 * month's compliance and the timeline of calls, texts, visits and cases.
 */
import { getJson, qs } from '../api.js';
import { serverNow } from '../clock.js';
import { h, replace } from '../dom.js';
import { dateTime, maskPhone, monthOf, todayIn } from '../format.js';
import { hasKey, type MessageKey, t } from '../i18n.js';
import { ageOn, CATEGORIES, filterRows } from '../logic.js';
import { countyName, type Page } from '../page.js';
import {
  badge,
  errorLine,
  facts,
  field,
  heading,
  input,
  link,
  loading,
  section,
  select,
  type Tone,
  table,
} from '../ui.js';

interface ElderRow {
  id: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  phone: string;
  region: { county: string; township: string; village: string };
  category: 'A' | 'B' | 'C';
  computedCategory?: 'A' | 'B' | 'C';
  rules: string[];
  categoryOverride?: { category: string; reason: string; by: string; at: string };
  status: string;
  living: string;
  channel: string;
  language: string;
  consent: string;
  contactId?: string;
  registeredOn: string;
  emergencyContacts?: { name: string; relation: string; phone: string }[];
}

const categoryTone = (c: string): Tone => (c === 'A' ? 'bad' : c === 'B' ? 'warn' : 'info');
/** A category by its text and a shape of its own (▲ A, ◆ B, ● C), not by colour alone. */
const CATEGORY_SHAPES: Record<string, string> = { A: '▲', B: '◆', C: '●' };
export const categoryBadge = (c: string) =>
  badge(t(`category.${c}` as MessageKey), categoryTone(c), CATEGORY_SHAPES[c]);
const statusBadge = (s: string) =>
  badge(t(`elderStatus.${s}` as MessageKey), s === 'active' ? 'ok' : 'muted');

export const elderListPage: Page = async (ctx) => {
  const { main, me, signal } = ctx;
  ctx.title(t('elders.title'));
  const countyOptions = [
    ...(me.principal.role === 'cityAdmin' ? [{ value: '', label: t('common.allCounties') }] : []),
    ...me.counties.map((c) => ({ value: c.code, label: countyName(me, c.code) })),
  ];
  const county = select(countyOptions, me.principal.county ?? '', { name: 'county' });
  const category = select(
    [
      { value: '', label: t('common.allCategories') },
      ...CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) })),
    ],
    '',
    { name: 'category' },
  );
  const text = input({ type: 'search', name: 'filter', autocomplete: 'off' });
  const results = h('div', { class: 'results' });
  const pager = h('div', { class: 'pager' });
  const count = h('p', { role: 'status', class: 'count' });
  main.append(
    heading(t('elders.title')),
    h(
      'form',
      { class: 'filters', role: 'search', 'aria-label': t('elders.search') },
      field('field.county', county),
      field('field.category', category),
      field('elders.filterText', text, { hint: t('elders.filterHint') }),
    ),
    count,
    results,
    pager,
  );

  // cursors of the pages seen, so "previous" goes back without keeping elders in the URL
  let cursors: (string | undefined)[] = [undefined];
  let page = 0;
  let rows: ElderRow[] = [];
  const today = todayIn(serverNow());

  const draw = () => {
    const shown = filterRows(rows, text.value);
    count.textContent = t('elders.count', { shown: shown.length, loaded: rows.length, page: page + 1 });
    replace(
      results,
      table(
        t('elders.tableCaption', { page: page + 1 }),
        [
          { key: 'col.name', cell: (e) => link(`#/elders/${e.id}`, e.name), rowHeader: true },
          { key: 'col.gender', cell: (e) => t(`gender.${e.gender}` as MessageKey) },
          { key: 'col.age', cell: (e) => String(ageOn(e.birthDate, today)), numeric: true },
          { key: 'col.county', cell: (e) => countyName(me, e.region.county) },
          { key: 'col.township', cell: (e) => e.region.township },
          { key: 'col.village', cell: (e) => e.region.village },
          { key: 'col.category', cell: (e) => categoryBadge(e.category) },
          { key: 'col.status', cell: (e) => statusBadge(e.status) },
          { key: 'col.phone', cell: (e) => maskPhone(e.phone) },
          {
            key: 'col.paired',
            cell: (e) => (e.contactId ? badge(t('common.yes'), 'ok') : badge(t('common.no'), 'warn')),
          },
        ],
        shown,
        'elders.none',
      ),
    );
  };

  const load = async () => {
    replace(results, loading());
    try {
      const body = await getJson<{ items: ElderRow[]; cursor?: string }>(
        `/api/elders${qs({ county: county.value, category: category.value, limit: 50, cursor: cursors[page] })}`,
        signal,
      );
      rows = body.items;
      cursors = [...cursors.slice(0, page + 1), body.cursor];
      draw();
      replace(
        pager,
        h(
          'button',
          { type: 'button', disabled: page === 0, onclick: () => void go(page - 1) },
          t('common.prev'),
        ),
        h('span', {}, t('common.page', { n: page + 1 })),
        h(
          'button',
          { type: 'button', disabled: !body.cursor, onclick: () => void go(page + 1) },
          t('common.next'),
        ),
      );
    } catch (error) {
      if (!signal.aborted) replace(results, errorLine(error));
    }
  };
  const go = async (n: number) => {
    page = n;
    await load();
  };
  const restart = () => {
    cursors = [undefined];
    void go(0);
  };
  county.addEventListener('change', restart);
  category.addEventListener('change', restart);
  text.addEventListener('input', draw);
  await load();
};

interface Obligation {
  kind: string;
  period: { start: string; end: string };
  status: 'met' | 'open' | 'missed';
  metOn?: string;
}

interface ComplianceJson {
  month: string;
  applicable: boolean;
  obligations: Obligation[];
  monthlyMet: boolean;
  nextDue: { visit: string; homeVisit: string };
}

export interface TimelineEntry {
  at: string;
  kind: string;
  [key: string]: unknown;
}

const obligationTone = (s: Obligation['status']): Tone =>
  s === 'met' ? 'ok' : s === 'missed' ? 'bad' : 'warn';

/** A code as its label in the catalogue (`tl.status.well` → 安好), or the code itself when unknown. */
const label = (group: string, value: unknown): string => {
  const k = `tl.${group}.${String(value)}`;
  return hasKey(k) ? t(k) : String(value);
};

/**
 * What a timeline entry says besides its time and kind: channel, mode, reason, status and closure;
 * each call or text of a check-in with its outcome; a kept text; the safety risks a visit found.
 */
export function timelineDetail(e: TimelineEntry): string {
  const parts: string[] = [];
  for (const key of ['channel', 'mode', 'reason', 'status', 'closure'] as const) {
    if (typeof e[key] === 'string') parts.push(label(key, e[key]));
  }
  if (Array.isArray(e.attempts)) {
    for (const a of e.attempts as { n: number; channel: string; status: string; outcome?: string }[]) {
      parts.push(
        `${t('tl.attemptN', { n: a.n })} ${label('channel', a.channel)} ${a.outcome ? label('outcome', a.outcome) : label('attempt', a.status)}`,
      );
    }
  }
  if (Array.isArray(e.safetyRisks) && e.safetyRisks.length > 0)
    parts.push(t('tl.risks', { risks: (e.safetyRisks as string[]).map((r) => label('risk', r)).join('、') }));
  if (typeof e.text === 'string') parts.push(`“${e.text}”`);
  return parts.join(' · ');
}

export const elderProfilePage: Page = async (ctx) => {
  const { main, me, signal, params } = ctx;
  const id = params[0] as string;
  main.append(loading());
  const elder = await getJson<ElderRow>(`/api/elders/${id}`, signal);
  // the window title goes into the browser's history: a page name, never the elder's name
  ctx.title(t('profile.title'));
  const today = todayIn(serverNow());
  const month = input({ type: 'month', value: monthOf(serverNow()), name: 'month' });
  const complianceBox = h('div', {});
  const timelineBox = h('div', {}, loading());
  replace(
    main,
    h('p', { class: 'crumbs' }, link('#/elders', t('elders.back'))),
    heading(elder.name),
    section(
      'p-details',
      t('profile.details'),
      facts([
        ['col.gender', t(`gender.${elder.gender}` as MessageKey)],
        ['col.age', `${ageOn(elder.birthDate, today)}（${elder.birthDate}）`],
        ['col.phone', maskPhone(elder.phone)],
        ['col.county', countyName(me, elder.region.county)],
        ['col.township', elder.region.township],
        ['col.village', elder.region.village],
        ['col.living', t(`living.${elder.living}` as MessageKey)],
        ['col.channel', t(`channel.${elder.channel}` as MessageKey)],
        ['col.language', t(`language.${elder.language}` as MessageKey)],
        ['col.consent', t(`consent.${elder.consent}` as MessageKey)],
        ['col.status', statusBadge(elder.status)],
        ['col.registeredOn', elder.registeredOn],
        [
          'col.contact',
          elder.contactId
            ? link(`#/contacts/${elder.contactId}`, t('profile.openContact'))
            : badge(t('profile.unpaired'), 'warn'),
        ],
        ['profile.emergency', String(elder.emergencyContacts?.length ?? 0)],
      ]),
    ),
    section(
      'p-category',
      t('profile.category'),
      h('p', {}, categoryBadge(elder.category)),
      h('h3', {}, t('profile.rules')),
      h(
        'ul',
        { class: 'rules' },
        ...elder.rules.map((r) =>
          h('li', {}, h('strong', {}, r), ' ', hasKey(`rule.${r}`) ? t(`rule.${r}` as MessageKey) : ''),
        ),
      ),
      elder.categoryOverride
        ? h(
            'p',
            {},
            t('profile.override', {
              category: elder.categoryOverride.category,
              computed: elder.computedCategory ?? '',
              reason: elder.categoryOverride.reason,
            }),
          )
        : null,
    ),
    section(
      'p-compliance',
      t('profile.compliance'),
      h('div', { class: 'filters' }, field('field.month', month)),
      complianceBox,
    ),
    section('p-timeline', t('profile.timeline'), timelineBox),
  );

  const loadCompliance = async () => {
    replace(complianceBox, loading());
    try {
      const c = await getJson<ComplianceJson>(
        `/api/elders/${id}/compliance${qs({ month: month.value })}`,
        signal,
      );
      replace(
        complianceBox,
        !c.applicable
          ? h('p', {}, t('profile.notApplicable'))
          : h(
              'div',
              {},
              h(
                'p',
                {},
                c.monthlyMet ? badge(t('profile.monthlyMet'), 'ok') : badge(t('profile.monthlyOpen'), 'warn'),
              ),
              table(
                t('profile.obligations', { month: c.month }),
                [
                  {
                    key: 'col.obligation',
                    cell: (o) => t(`obligation.${o.kind}` as MessageKey),
                    rowHeader: true,
                  },
                  { key: 'col.period', cell: (o) => `${o.period.start} – ${o.period.end}` },
                  {
                    key: 'col.status',
                    cell: (o) =>
                      badge(t(`obligationStatus.${o.status}` as MessageKey), obligationTone(o.status)),
                  },
                  { key: 'col.metOn', cell: (o) => o.metOn ?? '—' },
                ],
                c.obligations,
              ),
              h('p', {}, t('profile.nextDue', { visit: c.nextDue.visit, home: c.nextDue.homeVisit })),
            ),
      );
    } catch (error) {
      if (!signal.aborted) replace(complianceBox, errorLine(error));
    }
  };
  month.addEventListener('change', () => void loadCompliance());

  const loadTimeline = async () => {
    try {
      const body = await getJson<{ items: TimelineEntry[] }>(`/api/elders/${id}/timeline`, signal);
      const items = [...body.items].sort((a, b) => b.at.localeCompare(a.at));
      replace(
        timelineBox,
        table(
          t('profile.timelineCaption'),
          [
            { key: 'col.time', cell: (e) => dateTime(e.at), rowHeader: true },
            {
              key: 'col.kind',
              cell: (e) => (hasKey(`tl.kind.${e.kind}`) ? t(`tl.kind.${e.kind}` as MessageKey) : e.kind),
            },
            { key: 'col.detail', cell: (e) => timelineDetail(e) },
            {
              key: 'col.link',
              cell: (e) =>
                e.kind === 'case' && typeof e.caseId === 'string'
                  ? link(`#/cases/${e.caseId}`, t('cases.open'))
                  : typeof e.id === 'string' && e.kind === 'case'
                    ? link(`#/cases/${e.id}`, t('cases.open'))
                    : '',
            },
          ],
          items,
          'profile.noTimeline',
        ),
      );
    } catch (error) {
      if (!signal.aborted) replace(timelineBox, errorLine(error));
    }
  };
  await Promise.all([loadCompliance(), loadTimeline()]);
};
