/**
 * Visit contacts and pairing: a county's contacts, a new contact, a contact's load and elders with an
 * edit form, and the county's unpaired elders, each paired from the list (PATCH /api/elders/{id}
 * {contactId}). Phone numbers are shown masked; editing a number means typing a new one.
 */
import { getJson, patchJson, postJson, qs } from '../api.js';
import { h, replace } from '../dom.js';
import { maskPhone } from '../format.js';
import { type MessageKey, t } from '../i18n.js';
import { CONTACT_ROLES, contactsFor } from '../logic.js';
import { countyName, defaultCounty, type Page } from '../page.js';
import type { Me } from '../session.js';
import {
  alertBox,
  announce,
  badge,
  button,
  clearErrors,
  errorLine,
  errorText,
  facts,
  field,
  heading,
  input,
  link,
  loading,
  section,
  select,
  showAlert,
  showErrors,
  table,
} from '../ui.js';
import { categoryBadge } from './register.js';

interface Contact {
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
const roleOptions = () =>
  CONTACT_ROLES.map((r) => ({ value: r, label: t(`contactRole.${r}` as MessageKey) }));

function countySelect(me: Me, value: string): HTMLSelectElement {
  return select(
    me.counties.map((c) => ({ value: c.code, label: countyName(me, c.code) })),
    value,
    { name: 'county' },
  );
}

export const contactListPage: Page = async (ctx) => {
  const { main, me, signal } = ctx;
  ctx.title(t('contacts.title'));
  const county = countySelect(me, defaultCounty(me));
  const list = h('div', {}, loading());
  const unpaired = h('div', {}, loading());
  main.append(
    heading(t('contacts.title')),
    h('div', { class: 'filters' }, field('field.county', county)),
    isAdmin(me) ? h('p', {}, h('a', { href: '#/contacts/new', class: 'button' }, t('contacts.new'))) : '',
    section('c-list', t('contacts.list'), list),
    section('c-unpaired', t('contacts.unpaired'), unpaired),
  );

  const load = async () => {
    replace(list, loading());
    replace(unpaired, loading());
    let contacts: Contact[] = [];
    try {
      contacts = (await getJson<{ items: Contact[] }>(`/api/contacts${qs({ county: county.value })}`, signal))
        .items;
      replace(
        list,
        table(
          t('contacts.listCaption', { county: countyName(me, county.value) }),
          [
            { key: 'col.name', cell: (c) => link(`#/contacts/${c.id}`, c.name), rowHeader: true },
            { key: 'col.role', cell: (c) => t(`contactRole.${c.role}` as MessageKey) },
            { key: 'col.township', cell: (c) => c.township },
            { key: 'col.phone', cell: (c) => maskPhone(c.phone) },
            { key: 'col.supervisors', cell: (c) => String(c.supervisors?.length ?? 0), numeric: true },
          ],
          contacts,
          'contacts.none',
        ),
      );
    } catch (error) {
      if (!signal.aborted) replace(list, errorLine(error));
      return;
    }
    try {
      const { items } = await getJson<{ items: Unpaired[] }>(
        `/api/elders/unpaired${qs({ county: county.value })}`,
        signal,
      );
      drawUnpaired(unpaired, items, contacts, me);
    } catch (error) {
      if (!signal.aborted) replace(unpaired, errorLine(error));
    }
  };
  county.addEventListener('change', () => void load());
  await load();
};

function drawUnpaired(target: HTMLElement, items: Unpaired[], contacts: Contact[], me: Me): void {
  const box = alertBox();
  const count = h('p', { role: 'status', tabindex: -1 }, t('contacts.unpairedCount', { n: items.length }));
  const pairCell = (e: Unpaired) => {
    if (!isAdmin(me) || contacts.length === 0) return '—';
    const choice = select(
      contactsFor(contacts, e.region.township).map((c) => ({
        value: c.id,
        label: `${c.name}（${c.township}）`,
      })),
      undefined,
      { 'aria-label': t('contacts.pairWith', { name: e.name }) },
    );
    const go = h('button', { type: 'button' }, t('contacts.pair'));
    go.addEventListener('click', async () => {
      go.disabled = true;
      try {
        await patchJson(`/api/elders/${e.id}`, { contactId: choice.value });
        const row = go.closest('tr');
        const name = choice.selectedOptions[0]?.textContent ?? '';
        items.splice(items.indexOf(e), 1);
        count.textContent = t('contacts.unpairedCount', { n: items.length });
        showAlert(box, undefined);
        announce(t('contacts.paired', { elder: e.name, contact: name }));
        const next = row?.nextElementSibling?.querySelector('select') ?? null;
        row?.remove();
        (next ?? count).focus();
      } catch (error) {
        showAlert(box, errorText(error));
        go.disabled = false;
      }
    });
    return h('span', { class: 'inline' }, choice, go);
  };
  replace(
    target,
    box,
    count,
    table(
      t('contacts.unpairedCaption'),
      [
        { key: 'col.name', cell: (e) => link(`#/elders/${e.id}`, e.name), rowHeader: true },
        { key: 'col.category', cell: (e) => categoryBadge(e.category) },
        { key: 'col.township', cell: (e) => e.region.township },
        { key: 'col.village', cell: (e) => e.region.village },
        { key: 'contacts.pairColumn', cell: pairCell },
      ],
      items,
      'contacts.noneUnpaired',
    ),
  );
}

/** The form of a contact: create (all fields) or edit (the number only when a new one is typed). */
function contactForm(me: Me, existing: Contact | undefined, onSaved: (c: Contact) => void): HTMLFormElement {
  const name = input({ name: 'name', value: existing?.name ?? '', autocomplete: 'off' });
  const phone = input({
    name: 'phone',
    type: 'tel',
    inputmode: 'tel',
    autocomplete: 'off',
    placeholder: existing ? maskPhone(existing.phone) : '13800138000',
  });
  const role = select(roleOptions(), existing?.role ?? 'committeeStaff', { name: 'role' });
  const county = countySelect(me, existing?.county ?? defaultCounty(me));
  const township = input({ name: 'township', value: existing?.township ?? '', autocomplete: 'off' });
  const supervisors = h('fieldset', { class: 'supervisors' }, h('legend', {}, t('contacts.supervisors')));
  const rows: { name: HTMLInputElement; phone: HTMLInputElement; keep?: string }[] = [];
  const addSupervisor = (s?: { name: string; phone: string }) => {
    const i = rows.length;
    const row = {
      name: input({ value: s?.name ?? '', autocomplete: 'off' }),
      phone: input({
        type: 'tel',
        inputmode: 'tel',
        autocomplete: 'off',
        placeholder: s ? maskPhone(s.phone) : '',
      }),
      ...(s ? { keep: s.phone } : {}),
    };
    rows.push(row);
    supervisors.append(
      h(
        'div',
        { class: 'row' },
        field('contacts.supervisorName', row.name, { path: `supervisors.${i}.name` }),
        field('contacts.supervisorPhone', row.phone, {
          path: `supervisors.${i}.phone`,
          hint: s ? t('contacts.phoneKeep') : undefined,
        }),
      ),
    );
  };
  for (const s of existing?.supervisors ?? []) addSupervisor(s);
  const add = button('contacts.addSupervisor', () => {
    if (rows.length < 5) addSupervisor();
    rows.at(-1)?.name.focus();
    add.disabled = rows.length >= 5;
  });
  supervisors.append(add);
  const box = alertBox();
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    box,
    field('col.name', name, { path: 'name', required: true }),
    field('col.phone', phone, {
      path: 'phone',
      required: !existing,
      hint: existing ? t('contacts.phoneKeep') : t('contacts.phoneHint'),
    }),
    field('col.role', role, { path: 'role', required: true }),
    field('field.county', county, { path: 'county', required: true }),
    field('col.township', township, { path: 'township', required: true }),
    supervisors,
    h('button', { type: 'submit', class: 'primary' }, t(existing ? 'common.save' : 'contacts.create')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    showAlert(box, undefined);
    const sups = rows
      .filter((r) => r.name.value.trim() || r.phone.value.trim())
      .map((r) => ({ name: r.name.value.trim(), phone: r.phone.value.trim() || r.keep || '' }));
    const body: Record<string, unknown> = {
      name: name.value.trim(),
      role: role.value,
      county: county.value,
      township: township.value.trim(),
      supervisors: sups,
    };
    if (phone.value.trim() || !existing) body.phone = phone.value.trim();
    try {
      const saved = existing
        ? await patchJson<Contact>(`/api/contacts/${existing.id}`, body)
        : await postJson<Contact>('/api/contacts', body);
      announce(t('common.saved'));
      onSaved(saved);
    } catch (error) {
      showErrors(form, box, error);
    }
  });
  return form;
}

export const contactNewPage: Page = async (ctx) => {
  const { main, me } = ctx;
  ctx.title(t('contacts.new'));
  main.append(
    h('p', { class: 'crumbs' }, link('#/contacts', t('contacts.back'))),
    heading(t('contacts.new')),
    contactForm(me, undefined, (c) => {
      location.hash = `#/contacts/${c.id}`;
    }),
  );
};

export const contactDetailPage: Page = async (ctx) => {
  const { main, me, signal, params } = ctx;
  const id = params[0] as string;
  main.append(loading());
  const c = await getJson<ContactDetail>(`/api/contacts/${id}`, signal);
  // the window title goes into the browser's history: a page name, never the contact's name
  ctx.title(t('contacts.detailTitle'));
  const saved = h('p', { role: 'status' });
  replace(
    main,
    h('p', { class: 'crumbs' }, link('#/contacts', t('contacts.back'))),
    heading(c.name),
    facts([
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
        c.load.homeVisitsOverdue > 0 ? badge(String(c.load.homeVisitsOverdue), 'bad') : badge('0', 'ok'),
      ],
      ['contacts.loadFollowUps', String(c.load.openFollowUps)],
    ]),
    section(
      'cd-elders',
      t('contacts.elders'),
      table(
        t('contacts.eldersCaption', { name: c.name }),
        [
          { key: 'col.code', cell: (e) => e.code ?? '—' },
          { key: 'col.name', cell: (e) => link(`#/elders/${e.id}`, e.name), rowHeader: true },
          { key: 'col.category', cell: (e) => categoryBadge(e.category) },
          { key: 'col.village', cell: (e) => e.village },
        ],
        c.elders,
        'contacts.noElders',
      ),
    ),
    isAdmin(me)
      ? section(
          'cd-edit',
          t('contacts.edit'),
          saved,
          contactForm(me, c, (after) => {
            saved.textContent = t('contacts.savedAs', { name: after.name });
          }),
        )
      : null,
  );
};
