/**
 * Add or edit an elder (issue 13, part 2): the registration form's main fields with the message of
 * each API error under its field (POST /api/elders, PATCH /api/elders/{id} with only the fields that
 * changed, so a masked number shown in the form is never written back); and the profile's actions:
 * mark in hospital, moved, died or left (calls stop, history stays) or active again, and raise the
 * category with a reason.
 */
import { Button, Checkbox, Form, Input } from 'antd';
import { useState } from 'react';
import { patchJson, postJson } from '../api.js';
import { type MessageKey, t } from '../i18n.js';
import { countyName, defaultCounty, type PageProps } from '../page.js';
import type { Me } from '../session.js';
import { AlertBox, announce, Field, Group, Heading, useFormErrors, useTitle } from '../ui.js';
import { type ElderRow, Options } from './elder-bits.js';
import { ELDER_STATUSES } from './register.js';

const GENDERS = ['male', 'female'] as const;
const LIVING = ['alone', 'couple', 'withFamily', 'other'] as const;
const CHANNELS = ['voice', 'sms'] as const;
const LANGUAGES = ['yue', 'cmn'] as const;
const CONSENT = ['accepted', 'refused'] as const;

interface Values {
  name: string;
  gender: string;
  birthDate: string;
  idNumber: string;
  phone: string;
  address: string;
  county: string;
  township: string;
  village: string;
  living: string;
  channel: string;
  language: string;
  consent: string;
  emptyNest: boolean;
  leftBehind: boolean;
  lowIncome: boolean;
}

function initial(me: Me, e: (ElderRow & { address?: string }) | undefined): Values {
  return {
    name: e?.name ?? '',
    gender: e?.gender ?? 'female',
    birthDate: e?.birthDate ?? '',
    // numbers are never filled in from the API (they come masked): typing one replaces it
    idNumber: '',
    phone: '',
    address: e?.address ?? '',
    county: e?.region.county ?? defaultCounty(me),
    township: e?.region.township ?? me.principal.township ?? '',
    village: e?.region.village ?? '',
    living: e?.living ?? 'alone',
    channel: e?.channel ?? 'voice',
    language: e?.language ?? 'yue',
    consent: e?.consent ?? 'accepted',
    emptyNest: Boolean((e as { emptyNest?: boolean } | undefined)?.emptyNest),
    leftBehind: Boolean((e as { leftBehind?: boolean } | undefined)?.leftBehind),
    lowIncome: Boolean((e as { lowIncome?: boolean } | undefined)?.lowIncome),
  };
}

/** The body the API takes: everything for a new elder, only what changed for an edit. */
function bodyOf(v: Values, before: Values | undefined): Record<string, unknown> {
  const all: Record<string, unknown> = {
    name: v.name.trim(),
    gender: v.gender,
    birthDate: v.birthDate,
    ...(v.idNumber.trim() ? { idNumber: v.idNumber.trim() } : {}),
    ...(v.phone.trim() || !before ? { phone: v.phone.trim() } : {}),
    address: v.address.trim(),
    region: { county: v.county, township: v.township.trim(), village: v.village.trim() },
    living: v.living,
    channel: v.channel,
    language: v.language,
    consent: v.consent,
    emptyNest: v.emptyNest,
    leftBehind: v.leftBehind,
    lowIncome: v.lowIncome,
  };
  if (!before) return all;
  const changed: Record<string, unknown> = {};
  const was = bodyOf(before, undefined);
  for (const [k, value] of Object.entries(all))
    if (JSON.stringify(value) !== JSON.stringify(was[k])) changed[k] = value;
  return changed;
}

export function ElderForm({
  me,
  existing,
  onSaved,
}: {
  me: Me;
  existing?: ElderRow & { address?: string };
  onSaved: (e: ElderRow) => void;
}) {
  const [before] = useState(() => (existing ? initial(me, existing) : undefined));
  const [v, setV] = useState<Values>(() => initial(me, existing));
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState(false);
  const fe = useFormErrors();
  const set = (patch: Partial<Values>) => setV({ ...v, ...patch });
  const submit = async () => {
    fe.clear();
    setAlert(undefined);
    const body = bodyOf(v, before);
    if (existing && Object.keys(body).length === 0) {
      setAlert(t('elderForm.nothingChanged'));
      return;
    }
    setBusy(true);
    try {
      const saved = existing
        ? await patchJson<ElderRow>(`/api/elders/${existing.id}`, body)
        : await postJson<ElderRow>('/api/elders', body);
      announce(t('common.saved'));
      onSaved(saved);
    } catch (error) {
      setAlert(fe.show(error));
    } finally {
      setBusy(false);
    }
  };
  const text = (key: keyof Values, label: MessageKey, path: string, extra: Record<string, unknown> = {}) => (
    <Field label={t(label)} path={path} required={!extra.optional}>
      {(p) => (
        <Input
          {...p}
          name={key}
          autoComplete="off"
          value={v[key] as string}
          onChange={(e) => set({ [key]: e.target.value } as Partial<Values>)}
          {...(extra.placeholder ? { placeholder: extra.placeholder as string } : {})}
          {...(extra.type ? { type: extra.type as string } : {})}
        />
      )}
    </Field>
  );
  const choice = (key: keyof Values, label: MessageKey, options: readonly string[], prefix: string) => (
    <Field label={t(label)} path={key} required>
      {(p) => (
        <select
          {...p}
          name={key}
          value={v[key] as string}
          onChange={(e) => set({ [key]: e.target.value } as Partial<Values>)}
        >
          <Options options={options.map((o) => ({ value: o, label: t(`${prefix}.${o}` as MessageKey) }))} />
        </select>
      )}
    </Field>
  );
  return (
    <fe.Provider>
      <Form layout="vertical" className="card elder-form" onFinish={submit} noValidate>
        <AlertBox text={alert} />
        <div className="row">
          {text('name', 'elderForm.name', 'name')}
          {choice('gender', 'col.gender', GENDERS, 'gender')}
          {text('birthDate', 'elderForm.birthDate', 'birthDate', { type: 'date' })}
        </div>
        <div className="row">
          {text('idNumber', 'col.idNumber', 'idNumber', {
            optional: true,
            placeholder: existing ? t('elderForm.keepNumber') : '',
          })}
          {text('phone', 'elderForm.phone', 'phone', {
            placeholder: existing ? t('elderForm.keepNumber') : '',
            optional: Boolean(existing),
          })}
        </div>
        <Group legend={t('elderForm.where')} path="region">
          <div className="row">
            <Field label={t('field.county')} path="region.county" required>
              {(p) => (
                <select
                  {...p}
                  name="county"
                  value={v.county}
                  onChange={(e) => set({ county: e.target.value })}
                >
                  <Options
                    options={me.counties.map((c) => ({ value: c.code, label: countyName(me, c.code) }))}
                  />
                </select>
              )}
            </Field>
            {text('township', 'col.township', 'region.township')}
            {text('village', 'col.village', 'region.village')}
          </div>
          {text('address', 'elderForm.address', 'address')}
        </Group>
        <div className="row">
          {choice('living', 'col.living', LIVING, 'living')}
          {choice('channel', 'col.channel', CHANNELS, 'channel')}
          {choice('language', 'col.language', LANGUAGES, 'language')}
          {choice('consent', 'col.consent', CONSENT, 'consent')}
        </div>
        <div className="row">
          {(['emptyNest', 'leftBehind', 'lowIncome'] as const).map((k) => (
            <Checkbox
              key={k}
              className="check"
              checked={v[k]}
              onChange={(e) => set({ [k]: e.target.checked })}
            >
              {t(`elderForm.${k}` as MessageKey)}
            </Checkbox>
          ))}
        </div>
        <Button type="primary" htmlType="submit" disabled={busy}>
          {existing ? t('common.save') : t('elderForm.create')}
        </Button>
      </Form>
    </fe.Provider>
  );
}

export function ElderNewPage({ me }: PageProps) {
  useTitle(t('elderForm.newTitle'));
  return (
    <>
      <p className="crumbs">
        <a href="#/elders">{t('elders.back')}</a>
      </p>
      <Heading>{t('elderForm.newTitle')}</Heading>
      <ElderForm
        me={me}
        onSaved={(e) => {
          location.hash = `#/elders/${e.id}`;
        }}
      />
    </>
  );
}

/** Mark in hospital, moved, died, left or active again, with a note. */
export function StatusForm({ elder, onSaved }: { elder: ElderRow; onSaved: (e: ElderRow) => void }) {
  const [status, setStatus] = useState(elder.status);
  const [note, setNote] = useState('');
  const [alert, setAlert] = useState<string>();
  const fe = useFormErrors();
  const submit = async () => {
    fe.clear();
    try {
      onSaved(
        await postJson<ElderRow>(`/api/elders/${elder.id}/status`, {
          status,
          ...(note.trim() ? { note: note.trim() } : {}),
        }),
      );
      announce(t('elderForm.statusSaved', { status: t(`elderStatus.${status}` as MessageKey) }));
      setAlert(undefined);
    } catch (error) {
      setAlert(fe.show(error));
    }
  };
  return (
    <fe.Provider>
      <Form layout="vertical" className="card" onFinish={submit} aria-label={t('elderForm.statusTitle')}>
        <h3>{t('elderForm.statusTitle')}</h3>
        <p className="hint">{t('elderForm.statusLead')}</p>
        <AlertBox text={alert} />
        <div className="row">
          <Field label={t('col.status')} path="status" required>
            {(p) => (
              <select {...p} name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
                <Options
                  options={ELDER_STATUSES.map((s) => ({
                    value: s,
                    label: t(`elderStatus.${s}` as MessageKey),
                  }))}
                />
              </select>
            )}
          </Field>
          <Field label={t('elderForm.note')} path="note">
            {(p) => (
              <Input
                {...p}
                name="note"
                maxLength={200}
                value={note}
                onChange={(e) => setNote(e.target.value)}
              />
            )}
          </Field>
          <Button htmlType="submit">{t('elderForm.statusSubmit')}</Button>
        </div>
      </Form>
    </fe.Provider>
  );
}

/** Raise the category above what the rules give, with a reason. */
export function CategoryForm({ elder, onSaved }: { elder: ElderRow; onSaved: (e: ElderRow) => void }) {
  const [category, setCategory] = useState<string>(elder.category === 'C' ? 'B' : 'A');
  const [reason, setReason] = useState('');
  const [alert, setAlert] = useState<string>();
  const fe = useFormErrors();
  const submit = async () => {
    fe.clear();
    try {
      onSaved(
        await postJson<ElderRow>(`/api/elders/${elder.id}/category`, { category, reason: reason.trim() }),
      );
      announce(t('common.saved'));
      setAlert(undefined);
      setReason('');
    } catch (error) {
      setAlert(fe.show(error));
    }
  };
  return (
    <fe.Provider>
      <Form layout="vertical" className="card" onFinish={submit} aria-label={t('elderForm.categoryTitle')}>
        <h3>{t('elderForm.categoryTitle')}</h3>
        <AlertBox text={alert} />
        <div className="row">
          <Field label={t('elderForm.categoryTo')} path="category" required>
            {(p) => (
              <select {...p} name="category" value={category} onChange={(e) => setCategory(e.target.value)}>
                <Options
                  options={(['A', 'B'] as const).map((c) => ({ value: c, label: t(`category.${c}`) }))}
                />
              </select>
            )}
          </Field>
          <Field label={t('elderForm.reason')} path="reason" required>
            {(p) => (
              <Input
                {...p}
                name="reason"
                maxLength={200}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            )}
          </Field>
          <Button htmlType="submit">{t('elderForm.categorySubmit')}</Button>
        </div>
      </Form>
    </fe.Provider>
  );
}
