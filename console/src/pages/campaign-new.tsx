/**
 * A new campaign (or one prefilled from a festival template) with its live preview: the preview is
 * asked for when enough is filled in (and on 预估), only the newest answer shown.
 */
import { Button, Checkbox, Form, Input } from 'antd';
import { useEffect, useState } from 'react';
import { getJson, postJson, qs } from '../api.js';
import { serverNow } from '../clock.js';
import { integer, shanghaiInstant, smsInfo, todayIn, warningText } from '../format.js';
import { lang, type MessageKey, t } from '../i18n.js';
import {
  CADENCES,
  CAMPAIGN_FLAGS,
  CAMPAIGN_KINDS,
  CATEGORIES,
  type Category,
  splitTownships,
} from '../logic.js';
import { countyName, type PageProps } from '../page.js';
import {
  AlertBox,
  announce,
  ErrorUnder,
  Field,
  Group,
  Heading,
  useFieldPath,
  useFormErrors,
  useTitle,
} from '../ui.js';
import { type Campaign, type CampaignBody, listOf, type Preview, PreviewView } from './campaigns.js';
import { CapacityView } from './capacity.js';
import { Options } from './elder-bits.js';

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

function CadenceSelect({
  k,
  value,
  disabled,
  extra,
  onChange,
}: {
  k: Category;
  value: string;
  disabled: boolean;
  extra: number[];
  onChange: (v: string) => void;
}) {
  const { id, error } = useFieldPath(`cadence.${k}`);
  const hours = [...new Set([...CADENCES, ...extra])].sort((a, b) => a - b);
  return (
    <>
      <select
        id={id}
        name={`cadence-${k}`}
        aria-label={t('campaigns.cadenceOf', { category: t(`category.${k}`) })}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        {...(error ? { 'aria-invalid': true, 'aria-describedby': `${id}-err` } : {})}
      >
        <Options
          options={hours.map((h) => ({ value: String(h), label: t('campaigns.everyHours', { n: h }) }))}
        />
      </select>
      {error ? <ErrorUnder id={`${id}-err`} text={error} /> : null}
    </>
  );
}

export function CampaignNewPage({ me }: PageProps) {
  useTitle(t('campaigns.new'));
  const [source, setSource] = useState<'manual' | 'festival'>('manual');
  // this year on the server's clock (a demo's clock may be on another year)
  const [year, setYear] = useState(todayIn(serverNow()).slice(0, 4));
  const [templates, setTemplates] = useState<Template[]>([]);
  const [templateId, setTemplateId] = useState('');
  const [templateError, setTemplateError] = useState<string>();
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<string>('typhoon');
  const [counties, setCounties] = useState<Record<string, { on: boolean; towns: string }>>(() =>
    Object.fromEntries(me.counties.map((c) => [c.code, { on: me.counties.length === 1, towns: '' }])),
  );
  const [cats, setCats] = useState<Record<Category, boolean>>({ A: true, B: true, C: false });
  const [cadence, setCadence] = useState<Record<Category, string>>({ A: '12', B: '24', C: '24' });
  const [extraHours, setExtraHours] = useState<number[]>([]);
  const [flags, setFlags] = useState<Record<string, string>>({});
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [yue, setYue] = useState('');
  const [cmn, setCmn] = useState('');
  const [text, setText] = useState('');
  const [alert, setAlert] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [preview, setPreview] = useState<Preview | 'notYet' | undefined>();
  const [busy, setBusy] = useState(false);
  // a preview is asked for after a change has been drawn: { n, force }
  const [ask, setAsk] = useState({ n: 0, force: false });
  const refresh = (force = false) => setAsk((a) => ({ n: a.n + 1, force }));
  const fe = useFormErrors();

  useEffect(() => {
    const abort = new AbortController();
    getJson<Template[] | { items: Template[] }>(`/api/campaigns/templates${qs({ year })}`, abort.signal).then(
      (body) => {
        setTemplates(listOf(body));
        setTemplateError(undefined);
      },
      (error: unknown) => {
        if (!abort.signal.aborted) setTemplateError(fe.show(error));
      },
    );
    return () => abort.abort();
  }, [year, fe.show]);

  const body = (): CampaignBody => {
    const checked = me.counties.filter((c) => counties[c.code]?.on);
    const townships = checked.flatMap((c) =>
      splitTownships(counties[c.code]?.towns ?? '').map((township) => ({ county: c.code, township })),
    );
    const chosen = CATEGORIES.filter((k) => cats[k]);
    const flagValues = Object.fromEntries(
      Object.entries(flags)
        .filter(([, v]) => v !== '')
        .map(([f, v]) => [f, v === 'true']),
    );
    return {
      title: title.trim(),
      kind: kind as CampaignBody['kind'],
      source,
      target: {
        counties: checked.map((c) => c.code),
        ...(townships.length > 0 ? { townships } : {}),
        categories: chosen,
        ...(Object.keys(flagValues).length > 0 ? { flags: flagValues } : {}),
      },
      window: { start: shanghaiInstant(start) ?? start, end: shanghaiInstant(end) ?? end },
      cadence: Object.fromEntries(chosen.map((k) => [k, { everyHours: Number(cadence[k]) }])),
      messages: { call: { yue: yue.trim(), cmn: cmn.trim() }, text: text.trim() },
    };
  };
  const ready = () =>
    Object.values(counties).some((c) => c.on) && start && end && text.trim() && yue.trim() && cmn.trim();

  // biome-ignore lint/correctness/useExhaustiveDependencies: asked for by `refresh`, with the state as drawn
  useEffect(() => {
    if (ask.n === 0 || (!ask.force && !ready())) return;
    let stale = false;
    setBusy(true);
    postJson<Preview>('/api/campaigns/preview', body()).then(
      (p) => {
        if (stale) return;
        fe.clear();
        setAlert(undefined);
        setPreview(p);
        setBusy(false);
        // the whole table is not read out on every change: the audience and any warning are (worded
        // apart from the page's own line, so the live region never repeats a text of the page)
        announce(
          [
            t('preview.updated', {
              audience: t('preview.audience', { n: integer(p.audience.total, lang()) }),
            }),
            ...p.warnings.map((w) => warningText(w, lang())),
          ].join('；'),
        );
      },
      (error: unknown) => {
        if (stale) return;
        if (ask.force) setAlert(fe.show(error));
        setPreview('notYet');
        setBusy(false);
      },
    );
    return () => {
      stale = true;
    };
  }, [ask]);

  const applyTemplate = () => {
    const tp = templates.find((x) => x.id === templateId);
    if (!tp) return;
    setSource('festival');
    const pre = tp.prefill;
    const name = pre?.title ?? `${lang() === 'zh' ? tp.name.zh : tp.name.en} ${tp.date.slice(0, 4)}`;
    setTitle(name);
    setKind('festival');
    setStart(pre?.window ? pre.window.start.slice(0, 16) : `${tp.window.start}T09:00`);
    setEnd(pre?.window ? pre.window.end.slice(0, 16) : `${tp.window.end}T20:00`);
    setYue(pre?.messages?.call.yue ?? tp.messages.script.yue);
    setCmn(pre?.messages?.call.cmn ?? tp.messages.script.cmn);
    setText(pre?.messages?.text ?? tp.messages.text);
    const preCats = pre?.target?.categories;
    if (preCats) setCats({ A: preCats.includes('A'), B: preCats.includes('B'), C: preCats.includes('C') });
    const next = { ...cadence };
    const extra: number[] = [];
    for (const k of CATEGORIES) {
      const hours = pre?.cadence?.[k]?.everyHours;
      if (hours !== undefined) {
        next[k] = String(hours);
        extra.push(hours);
      }
    }
    setCadence(next);
    setExtraHours([...extraHours, ...extra]);
    announce(t('campaigns.templateApplied', { name }));
    refresh();
  };

  const save = async () => {
    setSaving(true);
    fe.clear();
    try {
      const created = await postJson<Campaign>('/api/campaigns', body());
      announce(t('campaigns.saved'));
      location.hash = `#/campaigns/${created.id}`;
    } catch (error) {
      setAlert(fe.show(error));
    } finally {
      setSaving(false);
    }
  };

  const sms = smsInfo(text);
  return (
    <>
      <p className="crumbs">
        <a href="#/campaigns">{t('campaigns.back')}</a>
      </p>
      <Heading>{t('campaigns.new')}</Heading>
      <div className="split">
        <fe.Provider>
          <Form layout="vertical" className="card campaign-form" onFinish={save} noValidate>
            <AlertBox text={alert} />
            <fieldset>
              <legend>{t('campaigns.fromTemplate')}</legend>
              <AlertBox text={templateError} />
              <div className="row">
                <Field label={t('campaigns.year')}>
                  {(p) => (
                    <Input
                      {...p}
                      type="number"
                      name="year"
                      min={1900}
                      max={2100}
                      inputMode="numeric"
                      value={year}
                      onChange={(e) => setYear(e.target.value)}
                    />
                  )}
                </Field>
                <Field label={t('campaigns.template')}>
                  {(p) => (
                    <select
                      {...p}
                      name="template"
                      value={templateId}
                      onChange={(e) => setTemplateId(e.target.value)}
                    >
                      <Options
                        options={[
                          { value: '', label: t('campaigns.templateNone') },
                          ...templates.map((tp) => ({
                            value: tp.id,
                            label: `${lang() === 'zh' ? tp.name.zh : tp.name.en}（${tp.date}）`,
                          })),
                        ]}
                      />
                    </select>
                  )}
                </Field>
                <Button onClick={applyTemplate}>{t('campaigns.templateApply')}</Button>
              </div>
            </fieldset>
            <Field label={t('col.title')} path="title" required>
              {(p) => (
                <Input
                  {...p}
                  name="title"
                  maxLength={60}
                  autoComplete="off"
                  value={title}
                  onChange={(e) => setTitle(e.target.value)}
                />
              )}
            </Field>
            <Field label={t('col.kind')} path="kind" required>
              {(p) => (
                <select
                  {...p}
                  name="kind"
                  value={kind}
                  onChange={(e) => {
                    setKind(e.target.value);
                    refresh();
                  }}
                >
                  <Options options={CAMPAIGN_KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))} />
                </select>
              )}
            </Field>
            <Group legend={t('campaigns.counties')} path="target.counties">
              {me.counties.map((c) => {
                const v = counties[c.code] ?? { on: false, towns: '' };
                return (
                  <div key={c.code}>
                    <Checkbox
                      className="check"
                      checked={v.on}
                      onChange={(e) => {
                        setCounties({ ...counties, [c.code]: { ...v, on: e.target.checked } });
                        refresh();
                      }}
                    >
                      {countyName(me, c.code)}
                    </Checkbox>
                    {v.on ? (
                      <Field
                        className="sub"
                        label={t('campaigns.townshipsOf', { county: countyName(me, c.code) })}
                        hint={t('campaigns.townshipsHint')}
                      >
                        {(p) => (
                          <Input
                            {...p}
                            autoComplete="off"
                            value={v.towns}
                            onChange={(e) =>
                              setCounties({ ...counties, [c.code]: { ...v, towns: e.target.value } })
                            }
                            onBlur={() => refresh()}
                          />
                        )}
                      </Field>
                    ) : null}
                  </div>
                );
              })}
              <TownshipsSlot />
            </Group>
            <Group legend={t('campaigns.categoriesCadence')} path="target.categories">
              {CATEGORIES.map((k) => (
                <div className="row" key={k}>
                  <Checkbox
                    className="check"
                    checked={cats[k]}
                    onChange={(e) => {
                      setCats({ ...cats, [k]: e.target.checked });
                      refresh();
                    }}
                  >
                    {t(`category.${k}`)}
                  </Checkbox>
                  <CadenceSelect
                    k={k}
                    value={cadence[k]}
                    disabled={!cats[k]}
                    extra={extraHours}
                    onChange={(value) => {
                      setCadence({ ...cadence, [k]: value });
                      refresh();
                    }}
                  />
                </div>
              ))}
            </Group>
            <Group legend={t('campaigns.flags')} path="target.flags">
              <div className="row">
                {CAMPAIGN_FLAGS.map((f) => (
                  <Field key={f} label={t(`flag.${f}` as MessageKey)}>
                    {(p) => (
                      <select
                        {...p}
                        name={`flag-${f}`}
                        value={flags[f] ?? ''}
                        onChange={(e) => {
                          setFlags({ ...flags, [f]: e.target.value });
                          refresh();
                        }}
                      >
                        <Options
                          options={[
                            { value: '', label: t('flag.any') },
                            { value: 'true', label: t('flag.only') },
                            { value: 'false', label: t('flag.exclude') },
                          ]}
                        />
                      </select>
                    )}
                  </Field>
                ))}
              </div>
            </Group>
            <Group legend={t('campaigns.window')} path="window">
              <div className="row">
                <Field label={t('campaigns.start')} path="window.start" required>
                  {(p) => (
                    <Input
                      {...p}
                      type="datetime-local"
                      name="start"
                      value={start}
                      onChange={(e) => setStart(e.target.value)}
                      onBlur={() => refresh()}
                    />
                  )}
                </Field>
                <Field label={t('campaigns.end')} path="window.end" required hint={t('campaigns.windowHint')}>
                  {(p) => (
                    <Input
                      {...p}
                      type="datetime-local"
                      name="end"
                      value={end}
                      onChange={(e) => setEnd(e.target.value)}
                      onBlur={() => refresh()}
                    />
                  )}
                </Field>
              </div>
            </Group>
            <Group legend={t('campaigns.messages')} path="messages">
              <Field label={t('campaigns.yue')} path="messages.call.yue" required>
                {(p) => (
                  <Input.TextArea
                    {...p}
                    name="yue"
                    rows={3}
                    maxLength={2000}
                    value={yue}
                    onChange={(e) => setYue(e.target.value)}
                    onBlur={() => refresh()}
                  />
                )}
              </Field>
              <Field label={t('campaigns.cmn')} path="messages.call.cmn" required>
                {(p) => (
                  <Input.TextArea
                    {...p}
                    name="cmn"
                    rows={3}
                    maxLength={2000}
                    value={cmn}
                    onChange={(e) => setCmn(e.target.value)}
                    onBlur={() => refresh()}
                  />
                )}
              </Field>
              <Field
                label={t('campaigns.text')}
                path="messages.text"
                required
                hint={
                  <span>
                    <span className={sms.parts > 1 ? 'counter over' : 'counter'}>
                      {t('sms.counter', sms)}
                    </span>
                    {/* screen readers hear only when the number of parts changes, not every keystroke */}
                    <span className="visually-hidden" aria-live="polite">
                      {sms.parts > 1 ? t('sms.multipart', { parts: sms.parts }) : ''}
                    </span>
                  </span>
                }
              >
                {(p) => (
                  <Input.TextArea
                    {...p}
                    name="text"
                    rows={3}
                    maxLength={500}
                    value={text}
                    onChange={(e) => setText(e.target.value)}
                    onBlur={() => refresh()}
                  />
                )}
              </Field>
            </Group>
            <div className="actions">
              <Button onClick={() => refresh(true)}>{t('campaigns.preview')}</Button>
              <Button type="primary" htmlType="submit" disabled={saving}>
                {t('campaigns.save')}
              </Button>
            </div>
          </Form>
        </fe.Provider>
        <section aria-labelledby="cn-preview" className="card">
          <h2 id="cn-preview">{t('campaigns.previewTitle')}</h2>
          <div aria-busy={busy}>
            {preview === undefined ? (
              <p>{t('preview.empty')}</p>
            ) : preview === 'notYet' ? (
              <p>{t('preview.notYet')}</p>
            ) : (
              <>
                <PreviewView me={me} p={preview} />
                {preview.capacity ? <CapacityView capacity={preview.capacity} /> : null}
              </>
            )}
          </div>
        </section>
      </div>
    </>
  );
}

/** Where the API's errors about the townships of the target go (under the counties). */
function TownshipsSlot() {
  const { id, error } = useFieldPath('target.townships');
  return (
    <div id={id} tabIndex={-1}>
      {error ? <ErrorUnder id={`${id}-err`} text={error} /> : null}
    </div>
  );
}
