/**
 * The web console: county and city civil-affairs staff run the programme from here. Hash routes with
 * ids only (#/elders/<id>); every string from the catalogue; the shell has a skip link, the main
 * navigation, a polite live region (progress) and the page in <main>.
 */
import { ApiError, configureApi } from './api.js';
import { h, replace } from './dom.js';
import { initialLang, lang, type MessageKey, setLang, t } from './i18n.js';
import type { Page, PageContext } from './page.js';
import { campaignDetailPage, campaignListPage, campaignNewPage } from './pages/campaigns.js';
import { caseDetailPage, caseListPage } from './pages/cases.js';
import { contactDetailPage, contactListPage, contactNewPage } from './pages/contacts.js';
import { dashboardPage } from './pages/dashboard.js';
import { importPage } from './pages/import.js';
import { loginPage } from './pages/login.js';
import { elderListPage, elderProfilePage } from './pages/register.js';
import { reportsPage } from './pages/reports.js';
import {
  type ConsoleConfig,
  fetchMe,
  loadConfig,
  logout,
  type Me,
  storedToken,
  useToken,
} from './session.js';
import { errorText, heading } from './ui.js';

interface Route {
  pattern: RegExp;
  page: Page;
  /** the nav entry it belongs to */
  nav: string;
}

const ID = '([A-Za-z0-9-]{1,64})';
const ROUTES: Route[] = [
  { pattern: /^\/?$/, page: dashboardPage, nav: '' },
  { pattern: /^\/elders$/, page: elderListPage, nav: 'elders' },
  { pattern: new RegExp(`^/elders/${ID}$`), page: elderProfilePage, nav: 'elders' },
  { pattern: /^\/import$/, page: importPage, nav: 'import' },
  { pattern: /^\/contacts$/, page: contactListPage, nav: 'contacts' },
  { pattern: /^\/contacts\/new$/, page: contactNewPage, nav: 'contacts' },
  { pattern: new RegExp(`^/contacts/${ID}$`), page: contactDetailPage, nav: 'contacts' },
  { pattern: /^\/campaigns$/, page: campaignListPage, nav: 'campaigns' },
  { pattern: /^\/campaigns\/new$/, page: campaignNewPage, nav: 'campaigns' },
  { pattern: new RegExp(`^/campaigns/${ID}$`), page: campaignDetailPage, nav: 'campaigns' },
  { pattern: /^\/cases$/, page: caseListPage, nav: 'cases' },
  { pattern: new RegExp(`^/cases/${ID}$`), page: caseDetailPage, nav: 'cases' },
  { pattern: /^\/reports$/, page: reportsPage, nav: 'reports' },
];

/** The main navigation; import and campaigns are for administrators (a township operator reads and records). */
const NAV: [string, MessageKey, boolean][] = [
  ['', 'nav.dashboard', false],
  ['elders', 'nav.elders', false],
  ['import', 'nav.import', true],
  ['contacts', 'nav.contacts', false],
  ['campaigns', 'nav.campaigns', true],
  ['cases', 'nav.cases', false],
  ['reports', 'nav.reports', false],
];

const app = document.getElementById('app') as HTMLElement;
let config: ConsoleConfig;
let me: Me | undefined;
let leave: AbortController | undefined;

const currentPath = () => decodeURIComponent(location.hash.replace(/^#/, '')) || '/';

function languageButton(): HTMLButtonElement {
  const other = lang() === 'zh' ? 'en' : 'zh';
  return h(
    'button',
    {
      type: 'button',
      class: 'lang',
      lang: other === 'zh' ? 'zh-CN' : 'en',
      onclick: () => {
        setLang(other);
        render();
      },
    },
    t('lang.switch'),
  );
}

function roleText(m: Me): string {
  const p = m.principal;
  const where = p.county
    ? (m.counties.find((c) => c.code === p.county)?.[lang() === 'zh' ? 'zh' : 'en'] ?? p.county)
    : '';
  return [t(`role.${p.role}` as MessageKey), where, p.township ?? ''].filter(Boolean).join(' · ');
}

function shell(m: Me, active: string): HTMLElement {
  const main = h('main', { id: 'main', tabindex: -1 });
  replace(
    app,
    h('a', { class: 'skip', href: '#main', onclick: skipToMain }, t('skip.toMain')),
    h(
      'header',
      { class: 'top' },
      h('p', { class: 'brand' }, t('app.name')),
      h(
        'div',
        { class: 'who' },
        h('span', {}, t('who.signedInAs', { name: m.principal.username }), ' (', roleText(m), ')'),
        languageButton(),
        h('button', { type: 'button', onclick: onLogout }, t('auth.logout')),
      ),
    ),
    h(
      'nav',
      { 'aria-label': t('nav.label'), class: 'main-nav' },
      h(
        'ul',
        {},
        ...NAV.filter(([, , adminOnly]) => !adminOnly || m.principal.role !== 'townshipOperator').map(
          ([key, label]) =>
            h(
              'li',
              {},
              h('a', { href: `#/${key}`, 'aria-current': key === active ? 'page' : null }, t(label)),
            ),
        ),
      ),
    ),
    main,
  );
  return main;
}

/** The skip link must not change the hash (the router reads it): focus <main> instead. */
function skipToMain(event: Event): void {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

function onLogout(): void {
  leave?.abort();
  logout(config);
  me = undefined;
  history.replaceState(null, '', '#/');
  render();
}

async function renderPage(moveFocus: boolean): Promise<void> {
  if (!me) return;
  leave?.abort();
  leave = new AbortController();
  const path = currentPath();
  const route = ROUTES.find((r) => r.pattern.test(path));
  const main = shell(me, route?.nav ?? '');
  const ctx: PageContext = {
    main,
    params: route ? (route.pattern.exec(path)?.slice(1) ?? []) : [],
    me,
    signal: leave.signal,
    title: (text) => {
      document.title = `${text} · ${t('app.name')}`;
    },
  };
  if (!route) {
    replace(main, heading(t('error.notFound')));
    ctx.title(t('error.notFound'));
  } else {
    try {
      await route.page(ctx);
    } catch (error) {
      if ((error as Error).name === 'AbortError') return;
      if (error instanceof ApiError && error.status === 401) return;
      if (!main.querySelector('h1')) main.prepend(heading(t('error.pageFailed')));
      main.append(h('div', { class: 'alert', role: 'alert' }, errorText(error)));
    }
  }
  // after a navigation in the console the new page's heading gets the focus, so a screen reader reads
  // where the user is; on a fresh load the focus stays at the start, where Tab finds the skip link
  if (moveFocus && !leave.signal.aborted && document.activeElement?.closest('main') === null) {
    main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
  }
}

function renderLogin(): void {
  document.title = `${t('auth.title')} · ${t('app.name')}`;
  replace(app, h('a', { class: 'skip', href: '#main', onclick: skipToMain }, t('skip.toMain')));
  const main = h('main', { id: 'main', tabindex: -1, class: 'login' });
  app.append(
    h(
      'header',
      { class: 'top' },
      h('p', { class: 'brand' }, t('app.name')),
      h('div', { class: 'who' }, languageButton()),
    ),
    main,
  );
  loginPage(main, config, async () => {
    me = await fetchMe();
    render();
  });
}

function render(moveFocus = true): void {
  if (me) void renderPage(moveFocus);
  else renderLogin();
}

async function boot(): Promise<void> {
  setLang(initialLang());
  try {
    config = await loadConfig();
  } catch {
    replace(
      app,
      h('main', { id: 'main' }, h('h1', {}, t('app.name')), h('p', { role: 'alert' }, t('error.config'))),
    );
    return;
  }
  configureApi({
    onUnauthorized: () => {
      // the token expired or was revoked: back to the login, the page the user was on kept in the hash
      leave?.abort();
      useToken(undefined);
      me = undefined;
      render();
    },
  });
  const token = storedToken();
  if (token) {
    useToken(token);
    try {
      me = await fetchMe();
    } catch {
      useToken(undefined);
      me = undefined;
    }
  }
  window.addEventListener('hashchange', () => render());
  render(false);
}

void boot();
