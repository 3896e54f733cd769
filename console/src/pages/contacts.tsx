/**
 * Visit contacts and pairing: a county's contacts, a new contact, a contact's load and elders with an
 * edit form, and the county's unpaired elders, each paired from the list (PATCH /api/elders/{id}
 * {contactId}). Phone numbers are shown masked; editing a number means typing a new one.
 */
import { Button, Form, Input } from 'antd';
import { useRef, useState } from 'react';
import { patchJson, postJson, qs } from '../api.js';
import { maskPhone } from '../format.js';
import { type MessageKey, t } from '../i18n.js';
import { CONTACT_ROLES, contactsFor } from '../logic.js';
import { countyName, defaultCounty, type PageProps } from '../page.js';
import type { Me } from '../session.js';
import {
  AlertBox,
  announce,
  Badge,
  DataTable,
  errorText,
  Facts,
  Field,
  Heading,
  Loading,
  Section,
  Show,
  useApi,
  useFormErrors,
  useTitle,
} from '../ui.js';
import { CategoryBadge, Options } from './elder-bits.js';

export interface Contact {
  id: string;
  name: string;
  phone: string;
  role: (typeof CONTACT_ROLES)[number];
  county: string;
  township: string;
  supervisors?: { name: string; phone: string }[];
}

interface ContactDetail extends Contact {
  load: {
    elders: number;
    byCategory: Record<'A' | 'B' | 'C', number>;
    homeVisitsDueThisMonth: number;
    homeVisitsOverdue: number;
    openFollowUps: number;
  };
  elders: { id: string; name: string; category: string; village: string; code: string | null }[];
}

interface Unpaired {
  id: string;
  name: string;
  category: string;
  region: { county: string; township: string; village: string };
}

const isAdmin = (me: Me) => me.principal.role !== 'townshipOperator';
const countyOptions = (me: Me) => me.counties.map((c) => ({ value: c.code, label: countyName(me, c.code) }));

export function ContactListPage({ me }: PageProps) {
  useTitle(t('contacts.title'));
  const [county, setCounty] = useState(defaultCounty(me));
  const contacts = useApi<{ items: Contact[] }>(`/api/contacts${qs({ county })}`);
  const unpaired = useApi<{ items: Unpaired[] }>(
    contacts.data ? `/api/elders/unpaired${qs({ county })}` : null,
  );
  return (
    <>
      <Heading>{t('contacts.title')}</Heading>
      <Form layout="vertical" className="filters">
        <Field label={t('field.county')}>
          {(p) => (
            <select {...p} name="county" value={county} onChange={(e) => setCounty(e.target.value)}>
              <Options options={countyOptions(me)} />
            </select>
          )}
        </Field>
      </Form>
      {isAdmin(me) ? (
        <p>
          <Button type="primary" href="#/contacts/new">
            {t('contacts.new')}
          </Button>
        </p>
      ) : null}
      <Section title={t('contacts.list')}>
        <Show loaded={contacts}>
          {({ items }) => (
            <DataTable
              caption={t('contacts.listCaption', { county: countyName(me, county) })}
              rowKey={(c) => c.id}
              columns={[
                {
                  key: 'col.name',
                  cell: (c) => <a href={`#/contacts/${c.id}`}>{c.name}</a>,
                  rowHeader: true,
                },
                { key: 'col.role', cell: (c) => t(`contactRole.${c.role}` as MessageKey) },
                { key: 'col.township', cell: (c) => c.township },
                { key: 'col.phone', cell: (c) => maskPhone(c.phone) },
                { key: 'col.supervisors', cell: (c) => String(c.supervisors?.length ?? 0), numeric: true },
              ]}
              rows={items}
              empty="contacts.none"
            />
          )}
        </Show>
      </Section>
      <Section title={t('contacts.unpaired')}>
        {contacts.error !== undefined ? null : (
          <Show loaded={unpaired}>
            {({ items }) => (
              <UnpairedList key={county} items={items} contacts={contacts.data?.items ?? []} me={me} />
            )}
          </Show>
        )}
      </Section>
    </>
  );
}

function UnpairedList({ items: initial, contacts, me }: { items: Unpaired[]; contacts: Contact[]; me: Me }) {
  const [items, setItems] = useState(initial);
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const choices = useRef(new Map<string, string>());
  const count = useRef<HTMLParagraphElement>(null);
  const pair = async (e: Unpaired) => {
    const options = contactsFor(contacts, e.region.township);
    const contactId = choices.current.get(e.id) ?? options[0]?.id;
    if (!contactId) return;
    setBusy(e.id);
    try {
      await patchJson(`/api/elders/${e.id}`, { contactId });
      const c = contacts.find((x) => x.id === contactId);
      const index = items.indexOf(e);
      const rest = items.filter((x) => x !== e);
      setItems(rest);
      setAlert(undefined);
      announce(t('contacts.paired', { elder: e.name, contact: c ? `${c.name}（${c.township}）` : '' }));
      // the next row's choice takes the focus, else the count
      setTimeout(() => {
        const next = rest[index];
        const el = next ? document.querySelector<HTMLSelectElement>(`select[data-elder="${next.id}"]`) : null;
        (el ?? count.current)?.focus();
      }, 0);
    } catch (error) {
      setAlert(errorText(error));
    } finally {
      setBusy(undefined);
    }
  };
  const pairCell = (e: Unpaired) => {
    if (!isAdmin(me) || contacts.length === 0) return '—';
    return (
      <span className="inline">
        <select
          data-elder={e.id}
          aria-label={t('contacts.pairWith', { name: e.name })}
          onChange={(ev) => choices.current.set(e.id, ev.target.value)}
        >
          <Options
            options={contactsFor(contacts, e.region.township).map((c) => ({
              value: c.id,
              label: `${c.name}（${c.township}）`,
            }))}
          />
        </select>
        <Button disabled={busy === e.id} onClick={() => void pair(e)}>
          {t('contacts.pair')}
        </Button>
      </span>
    );
  };
  return (
    <>
      <AlertBox text={alert} />
      <p role="status" tabIndex={-1} ref={count}>
        {t('contacts.unpairedCount', { n: items.length })}
      </p>
      <DataTable
        caption={t('contacts.unpairedCaption')}
        rowKey={(e) => e.id}
        columns={[
          { key: 'col.name', cell: (e) => <a href={`#/elders/${e.id}`}>{e.name}</a>, rowHeader: true },
          { key: 'col.category', cell: (e) => <CategoryBadge category={e.category} /> },
          { key: 'col.township', cell: (e) => e.region.township },
          { key: 'col.village', cell: (e) => e.region.village },
          { key: 'contacts.pairColumn', cell: pairCell },
        ]}
        rows={items}
        empty="contacts.noneUnpaired"
      />
    </>
  );
}

/** The form of a contact: create (all fields) or edit (the number only when a new one is typed). */
function ContactForm({
  me,
  existing,
  onSaved,
}: {
  me: Me;
  existing: Contact | undefined;
  onSaved: (c: Contact) => void;
}) {
  const [name, setName] = useState(existing?.name ?? '');
  const [phone, setPhone] = useState('');
  const [role, setRole] = useState<string>(existing?.role ?? 'committeeStaff');
  const [county, setCounty] = useState(existing?.county ?? defaultCounty(me));
  const [township, setTownship] = useState(existing?.township ?? '');
  const [sups, setSups] = useState<{ name: string; phone: string; keep?: string }[]>(
    (existing?.supervisors ?? []).map((s) => ({ name: s.name, phone: '', keep: s.phone })),
  );
  const [alert, setAlert] = useState<string>();
  const fe = useFormErrors();
  const setSup = (i: number, patch: Partial<{ name: string; phone: string }>) =>
    setSups(sups.map((s, k) => (k === i ? { ...s, ...patch } : s)));
  const submit = async () => {
    fe.clear();
    setAlert(undefined);
    const supervisors = sups
      .filter((r) => r.name.trim() || r.phone.trim())
      .map((r) => ({ name: r.name.trim(), phone: r.phone.trim() || r.keep || '' }));
    const body: Record<string, unknown> = {
      name: name.trim(),
      role,
      county,
      township: township.trim(),
      supervisors,
    };
    if (phone.trim() || !existing) body.phone = phone.trim();
    try {
      const saved = existing
        ? await patchJson<Contact>(`/api/contacts/${existing.id}`, body)
        : await postJson<Contact>('/api/contacts', body);
      announce(t('common.saved'));
      onSaved(saved);
    } catch (error) {
      setAlert(fe.show(error));
    }
  };
  return (
    <fe.Provider>
      <Form layout="vertical" className="card" onFinish={submit} noValidate>
        <AlertBox text={alert} />
        <Field label={t('col.name')} path="name" required>
          {(p) => (
            <Input
              {...p}
              name="name"
              autoComplete="off"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('col.phone')}
          path="phone"
          required={!existing}
          hint={existing ? t('contacts.phoneKeep') : t('contacts.phoneHint')}
        >
          {(p) => (
            <Input
              {...p}
              name="phone"
              type="tel"
              inputMode="tel"
              autoComplete="off"
              placeholder={existing ? maskPhone(existing.phone) : '13800138000'}
              value={phone}
              onChange={(e) => setPhone(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('col.role')} path="role" required>
          {(p) => (
            <select {...p} name="role" value={role} onChange={(e) => setRole(e.target.value)}>
              <Options
                options={CONTACT_ROLES.map((r) => ({ value: r, label: t(`contactRole.${r}` as MessageKey) }))}
              />
            </select>
          )}
        </Field>
        <Field label={t('field.county')} path="county" required>
          {(p) => (
            <select {...p} name="county" value={county} onChange={(e) => setCounty(e.target.value)}>
              <Options options={countyOptions(me)} />
            </select>
          )}
        </Field>
        <Field label={t('col.township')} path="township" required>
          {(p) => (
            <Input
              {...p}
              name="township"
              autoComplete="off"
              value={township}
              onChange={(e) => setTownship(e.target.value)}
            />
          )}
        </Field>
        <fieldset className="supervisors">
          <legend>{t('contacts.supervisors')}</legend>
          {sups.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are only added at the end
            <div className="row" key={i}>
              <Field label={t('contacts.supervisorName')} path={`supervisors.${i}.name`}>
                {(p) => (
                  <Input
                    {...p}
                    autoComplete="off"
                    value={s.name}
                    onChange={(e) => setSup(i, { name: e.target.value })}
                  />
                )}
              </Field>
              <Field
                label={t('contacts.supervisorPhone')}
                path={`supervisors.${i}.phone`}
                hint={s.keep ? t('contacts.phoneKeep') : undefined}
              >
                {(p) => (
                  <Input
                    {...p}
                    type="tel"
                    inputMode="tel"
                    autoComplete="off"
                    placeholder={s.keep ? maskPhone(s.keep) : ''}
                    value={s.phone}
                    onChange={(e) => setSup(i, { phone: e.target.value })}
                  />
                )}
              </Field>
            </div>
          ))}
          <Button
            disabled={sups.length >= 5}
            onClick={() => {
              setSups([...sups, { name: '', phone: '' }]);
            }}
          >
            {t('contacts.addSupervisor')}
          </Button>
        </fieldset>
        <Button type="primary" htmlType="submit">
          {t(existing ? 'common.save' : 'contacts.create')}
        </Button>
      </Form>
    </fe.Provider>
  );
}

export function ContactNewPage({ me }: PageProps) {
  useTitle(t('contacts.new'));
  return (
    <>
      <p className="crumbs">
        <a href="#/contacts">{t('contacts.back')}</a>
      </p>
      <Heading>{t('contacts.new')}</Heading>
      <ContactForm
        me={me}
        existing={undefined}
        onSaved={(c) => {
          location.hash = `#/contacts/${c.id}`;
        }}
      />
    </>
  );
}

export function ContactDetailPage({ me, params }: PageProps) {
  const id = params[0] as string;
  // the window title goes into the browser's history: a page name, never the contact's name
  useTitle(t('contacts.detailTitle'));
  const loaded = useApi<ContactDetail>(`/api/contacts/${id}`);
  const [saved, setSaved] = useState('');
  if (loaded.error !== undefined) throw loaded.error;
  const c = loaded.data;
  if (!c) return <Loading />;
  return (
    <>
      <p className="crumbs">
        <a href="#/contacts">{t('contacts.back')}</a>
      </p>
      <Heading>{c.name}</Heading>
      <Facts
        pairs={[
          ['col.role', t(`contactRole.${c.role}` as MessageKey)],
          ['col.phone', maskPhone(c.phone)],
          ['col.county', countyName(me, c.county)],
          ['col.township', c.township],
          [
            'contacts.loadElders',
            `${c.load.elders}（A ${c.load.byCategory.A} · B ${c.load.byCategory.B} · C ${c.load.byCategory.C}）`,
          ],
          ['contacts.loadDue', String(c.load.homeVisitsDueThisMonth)],
          [
            'contacts.loadOverdue',
            c.load.homeVisitsOverdue > 0 ? (
              <Badge key="o" text={String(c.load.homeVisitsOverdue)} tone="bad" />
            ) : (
              <Badge key="o" text="0" tone="ok" />
            ),
          ],
          ['contacts.loadFollowUps', String(c.load.openFollowUps)],
        ]}
      />
      <Section title={t('contacts.elders')}>
        <DataTable
          caption={t('contacts.eldersCaption', { name: c.name })}
          rowKey={(e) => e.id}
          columns={[
            { key: 'col.code', cell: (e) => e.code ?? '—' },
            { key: 'col.name', cell: (e) => <a href={`#/elders/${e.id}`}>{e.name}</a>, rowHeader: true },
            { key: 'col.category', cell: (e) => <CategoryBadge category={e.category} /> },
            { key: 'col.village', cell: (e) => e.village },
          ]}
          rows={c.elders}
          empty="contacts.noElders"
        />
      </Section>
      {isAdmin(me) ? (
        <Section title={t('contacts.edit')}>
          <p role="status">{saved}</p>
          <ContactForm
            me={me}
            existing={c}
            onSaved={(after) => setSaved(t('contacts.savedAs', { name: after.name }))}
          />
        </Section>
      ) : null}
    </>
  );
}
