/** An elder's profile: the details, the category's rules, the month's compliance and the timeline. */
import { Input } from 'antd';
import { useState } from 'react';
import { qs } from '../api.js';
import { serverNow } from '../clock.js';
import { dateTime, maskPhone, monthOf, todayIn } from '../format.js';
import { hasKey, type MessageKey, t } from '../i18n.js';
import { ageOn } from '../logic.js';
import { countyName, type PageProps } from '../page.js';
import {
  Badge,
  DataTable,
  ErrorLine,
  Facts,
  Field,
  Heading,
  Loading,
  Section,
  Show,
  type Tone,
  useApi,
  useTitle,
} from '../ui.js';
import { CategoryBadge, type ElderRow, StatusBadge } from './elder-bits.js';
import { CategoryForm, ElderForm, StatusForm } from './elder-form.js';

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

function caseLink(e: TimelineEntry) {
  const id = typeof e.caseId === 'string' ? e.caseId : typeof e.id === 'string' ? e.id : undefined;
  return e.kind === 'case' && id ? <a href={`#/cases/${id}`}>{t('cases.open')}</a> : '';
}

export function ElderProfilePage({ me, params }: PageProps) {
  const id = params[0] as string;
  // the window title goes into the browser's history: a page name, never the elder's name
  useTitle(t('profile.title'));
  const elder = useApi<ElderRow>(`/api/elders/${id}`);
  if (elder.error !== undefined) throw elder.error;
  if (!elder.data) return <Loading />;
  return <Profile key={JSON.stringify(elder.data)} me={me} elder={elder.data} reload={elder.reload} />;
}

function Profile({ me, elder, reload }: { me: PageProps['me']; elder: ElderRow; reload: () => void }) {
  const admin = me.principal.role !== 'townshipOperator';
  const today = todayIn(serverNow());
  const [month, setMonth] = useState(monthOf(serverNow()));
  const compliance = useApi<ComplianceJson>(`/api/elders/${elder.id}/compliance${qs({ month })}`);
  const timeline = useApi<{ items: TimelineEntry[] }>(`/api/elders/${elder.id}/timeline`);
  return (
    <>
      <p className="crumbs">
        <a href="#/elders">{t('elders.back')}</a>
      </p>
      <Heading>{elder.name}</Heading>
      <Section title={t('profile.details')}>
        <Facts
          pairs={[
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
            ['col.status', <StatusBadge key="s" status={elder.status} />],
            ['col.registeredOn', elder.registeredOn],
            [
              'col.contact',
              elder.contactId ? (
                <a key="c" href={`#/contacts/${elder.contactId}`}>
                  {t('profile.openContact')}
                </a>
              ) : (
                <Badge key="c" text={t('profile.unpaired')} tone="warn" />
              ),
            ],
            ['profile.emergency', String(elder.emergencyContacts?.length ?? 0)],
          ]}
        />
      </Section>
      <Section title={t('profile.category')}>
        <p>
          <CategoryBadge category={elder.category} />
        </p>
        <h3>{t('profile.rules')}</h3>
        <ul className="rules">
          {elder.rules.map((r) => (
            <li key={r}>
              <strong>{r}</strong> {hasKey(`rule.${r}`) ? t(`rule.${r}` as MessageKey) : ''}
            </li>
          ))}
        </ul>
        {elder.categoryOverride ? (
          <p>
            {t('profile.override', {
              category: elder.categoryOverride.category,
              computed: elder.computedCategory ?? '',
              reason: elder.categoryOverride.reason,
            })}
          </p>
        ) : null}
      </Section>
      {admin ? (
        <Section title={t('elderForm.edit')}>
          <StatusForm elder={elder} onSaved={reload} />
          <CategoryForm elder={elder} onSaved={reload} />
          <ElderForm me={me} existing={elder} onSaved={reload} />
        </Section>
      ) : null}
      <Section title={t('profile.compliance')}>
        <div className="filters">
          <Field label={t('field.month')}>
            {(p) => (
              <Input
                {...p}
                type="month"
                name="month"
                value={month}
                onChange={(e) => setMonth(e.target.value)}
              />
            )}
          </Field>
        </div>
        <Show loaded={compliance}>
          {(c) =>
            !c.applicable ? (
              <p>{t('profile.notApplicable')}</p>
            ) : (
              <div>
                <p>
                  {c.monthlyMet ? (
                    <Badge text={t('profile.monthlyMet')} tone="ok" />
                  ) : (
                    <Badge text={t('profile.monthlyOpen')} tone="warn" />
                  )}
                </p>
                <DataTable
                  caption={t('profile.obligations', { month: c.month })}
                  columns={[
                    {
                      key: 'col.obligation',
                      cell: (o) => t(`obligation.${o.kind}` as MessageKey),
                      rowHeader: true,
                    },
                    { key: 'col.period', cell: (o) => `${o.period.start} – ${o.period.end}` },
                    {
                      key: 'col.status',
                      cell: (o) => (
                        <Badge
                          text={t(`obligationStatus.${o.status}` as MessageKey)}
                          tone={obligationTone(o.status)}
                        />
                      ),
                    },
                    { key: 'col.metOn', cell: (o) => o.metOn ?? '—' },
                  ]}
                  rows={c.obligations}
                />
                <p>{t('profile.nextDue', { visit: c.nextDue.visit, home: c.nextDue.homeVisit })}</p>
              </div>
            )
          }
        </Show>
      </Section>
      <Section title={t('profile.timeline')}>
        {timeline.error !== undefined ? (
          <ErrorLine error={timeline.error} />
        ) : !timeline.data ? (
          <Loading />
        ) : (
          <DataTable
            caption={t('profile.timelineCaption')}
            columns={[
              { key: 'col.time', cell: (e) => dateTime(e.at), rowHeader: true },
              {
                key: 'col.kind',
                cell: (e) => (hasKey(`tl.kind.${e.kind}`) ? t(`tl.kind.${e.kind}` as MessageKey) : e.kind),
              },
              { key: 'col.detail', cell: (e) => timelineDetail(e) },
              { key: 'col.link', cell: caseLink },
            ]}
            rows={[...timeline.data.items].sort((a, b) => b.at.localeCompare(a.at))}
            empty="profile.noTimeline"
          />
        )}
      </Section>
    </>
  );
}
