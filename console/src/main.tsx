/**
 * The web console (React + Ant Design): county and city civil-affairs staff run the programme from
 * here. Hash routes with ids only (#/elders/<id>); every string from the catalogue; the shell has a
 * skip link, the main navigation, a polite live region (progress, in index.html) and the page in
 * <main>. Each page is its own chunk, loaded when first opened.
 */
import ConfigProvider from 'antd/es/config-provider';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import {
  Component,
  type ComponentType,
  type ErrorInfo,
  lazy,
  type ReactNode,
  Suspense,
  useCallback,
  useEffect,
  useState,
} from 'react';
import { createRoot } from 'react-dom/client';
import { configureApi } from './api.js';
import { initialLang, lang, type MessageKey, setLang, t } from './i18n.js';
import { IdleGuard } from './idle.js';
import { countyName, type PageProps } from './page.js';
import {
  type ConsoleConfig,
  fetchMe,
  loadConfig,
  logout,
  type Me,
  setToken,
  storedToken,
} from './session.js';
import { ErrorLine, focusNextHeading, Heading, Loading, useTitle } from './shell.js';
import { THEME } from './theme.js';

type Lazy = ComponentType<PageProps>;
const page = <K extends string>(load: () => Promise<Record<K, Lazy>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] }));

const Dashboard = page(() => import('./pages/dashboard.js'), 'DashboardPage');
const ElderList = page(() => import('./pages/register.js'), 'ElderListPage');
const ElderProfile = page(() => import('./pages/profile.js'), 'ElderProfilePage');
const ElderNew = page(() => import('./pages/elder-form.js'), 'ElderNewPage');
const ImportPage = page(() => import('./pages/import.js'), 'ImportPage');
const ContactList = page(() => import('./pages/contacts.js'), 'ContactListPage');
const ContactNew = page(() => import('./pages/contacts.js'), 'ContactNewPage');
const ContactDetail = page(() => import('./pages/contacts.js'), 'ContactDetailPage');
const CampaignList = page(() => import('./pages/campaigns.js'), 'CampaignListPage');
const CampaignNew = page(() => import('./pages/campaign-new.js'), 'CampaignNewPage');
const CampaignDetail = page(() => import('./pages/campaign-detail.js'), 'CampaignDetailPage');
const CaseList = page(() => import('./pages/cases.js'), 'CaseListPage');
const CaseDetail = page(() => import('./pages/cases.js'), 'CaseDetailPage');
const Reports = page(() => import('./pages/reports.js'), 'ReportsPage');
const Login = lazy(async () => ({ default: (await import('./pages/login.js')).LoginPage }));

interface Route {
  pattern: RegExp;
  page: Lazy;
  /** the nav entry it belongs to */
  nav: string;
}

const ID = '([A-Za-z0-9-]{1,64})';
const ROUTES: Route[] = [
  { pattern: /^\/?$/, page: Dashboard, nav: '' },
  { pattern: /^\/elders$/, page: ElderList, nav: 'elders' },
  { pattern: /^\/elders\/new$/, page: ElderNew, nav: 'elders' },
  { pattern: new RegExp(`^/elders/${ID}$`), page: ElderProfile, nav: 'elders' },
  { pattern: /^\/import$/, page: ImportPage, nav: 'import' },
  { pattern: /^\/contacts$/, page: ContactList, nav: 'contacts' },
  { pattern: /^\/contacts\/new$/, page: ContactNew, nav: 'contacts' },
  { pattern: new RegExp(`^/contacts/${ID}$`), page: ContactDetail, nav: 'contacts' },
  { pattern: /^\/campaigns$/, page: CampaignList, nav: 'campaigns' },
  { pattern: /^\/campaigns\/new$/, page: CampaignNew, nav: 'campaigns' },
  { pattern: new RegExp(`^/campaigns/${ID}$`), page: CampaignDetail, nav: 'campaigns' },
  { pattern: /^\/cases$/, page: CaseList, nav: 'cases' },
  { pattern: new RegExp(`^/cases/${ID}$`), page: CaseDetail, nav: 'cases' },
  { pattern: /^\/reports$/, page: Reports, nav: 'reports' },
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

const currentPath = () => decodeURIComponent(location.hash.replace(/^#/, '')) || '/';

/** The skip link must not change the hash (the router reads it): focus <main> instead. */
function SkipLink() {
  return (
    // biome-ignore lint/a11y/useValidAnchor: a skip link (keeps the hash, which the router reads)
    <a
      className="skip"
      href="#main"
      onClick={(event) => {
        event.preventDefault();
        document.getElementById('main')?.focus();
      }}
    >
      {t('skip.toMain')}
    </a>
  );
}

function LanguageButton({ onSwitch }: { onSwitch: () => void }) {
  const other = lang() === 'zh' ? 'en' : 'zh';
  return (
    <button
      type="button"
      className="lang"
      lang={other === 'zh' ? 'zh-CN' : 'en'}
      onClick={() => {
        setLang(other);
        onSwitch();
      }}
    >
      {t('lang.switch')}
    </button>
  );
}

function roleText(m: Me): string {
  const p = m.principal;
  const where = p.county ? countyName(m, p.county) : '';
  return [t(`role.${p.role}` as MessageKey), where, p.township ?? ''].filter(Boolean).join(' · ');
}

function NotFound() {
  useTitle(t('error.notFound'));
  return <Heading>{t('error.notFound')}</Heading>;
}

function Shell({
  me,
  path,
  onSwitch,
  onLogout,
}: {
  me: Me;
  path: string;
  onSwitch: () => void;
  onLogout: () => void;
}) {
  const route = ROUTES.find((r) => r.pattern.test(path));
  const params = route ? (route.pattern.exec(path)?.slice(1) ?? []) : [];
  const Page = route?.page;
  const active = route?.nav ?? '';
  return (
    <>
      <SkipLink />
      <header className="top">
        <p className="brand">{t('app.name')}</p>
        <div className="who">
          <span>
            {t('who.signedInAs', { name: me.principal.username })} ({roleText(me)})
          </span>
          <LanguageButton onSwitch={onSwitch} />
          <button type="button" onClick={onLogout}>
            {t('auth.logout')}
          </button>
        </div>
      </header>
      <nav aria-label={t('nav.label')} className="main-nav">
        <ul>
          {NAV.filter(([, , adminOnly]) => !adminOnly || me.principal.role !== 'townshipOperator').map(
            ([key, label]) => (
              <li key={key}>
                <a href={`#/${key}`} aria-current={key === active ? 'page' : undefined}>
                  {t(label)}
                </a>
              </li>
            ),
          )}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <PageBoundary key={path}>
          <Suspense fallback={<Loading />}>
            {Page ? <Page me={me} params={params} key={path} /> : <NotFound />}
          </Suspense>
        </PageBoundary>
      </main>
      <IdleGuard onTimeout={onLogout} />
    </>
  );
}

/** A page whose loading threw (a 404 for its record): its heading and the error, the shell kept. */
class PageBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override componentDidCatch(_error: unknown, _info: ErrorInfo): void {
    // shown in the page; nothing personal is logged
  }
  override render() {
    if (this.state.error === undefined) return this.props.children;
    return (
      <>
        <Heading>{t('error.pageFailed')}</Heading>
        <ErrorLine error={this.state.error} />
      </>
    );
  }
}

function LoginShell({
  config,
  onDone,
  onSwitch,
}: {
  config: ConsoleConfig;
  onDone: () => Promise<void>;
  onSwitch: () => void;
}) {
  useTitle(t('auth.title'));
  return (
    <>
      <SkipLink />
      <header className="top">
        <p className="brand">{t('app.name')}</p>
        <div className="who">
          <LanguageButton onSwitch={onSwitch} />
        </div>
      </header>
      <main id="main" tabIndex={-1} className="login">
        <Suspense fallback={<Loading />}>
          <Login config={config} done={onDone} />
        </Suspense>
      </main>
    </>
  );
}

function App({ config, initialMe }: { config: ConsoleConfig; initialMe: Me | undefined }) {
  const [me, setMe] = useState(initialMe);
  const [path, setPath] = useState(currentPath);
  const [, setLangRound] = useState(0);
  const onSwitch = useCallback(() => setLangRound((n) => n + 1), []);
  useEffect(() => {
    const onHash = () => {
      focusNextHeading(true);
      setPath(currentPath());
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    configureApi({
      onUnauthorized: () => {
        // the token expired or was revoked: back to the login, the page the user was on kept in the hash
        setToken(undefined);
        setMe(undefined);
      },
    });
  }, []);
  const onLogout = useCallback(() => {
    logout(config);
    setMe(undefined);
    history.replaceState(null, '', '#/');
    setPath('/');
  }, [config]);
  const zh = lang() === 'zh';
  dayjs.locale(zh ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={zh ? zhCN : enUS} theme={THEME} button={{ autoInsertSpace: false }}>
      {me ? (
        <Shell me={me} path={path} onSwitch={onSwitch} onLogout={onLogout} />
      ) : (
        <LoginShell
          config={config}
          onSwitch={onSwitch}
          onDone={async () => {
            focusNextHeading(true);
            setMe(await fetchMe());
          }}
        />
      )}
    </ConfigProvider>
  );
}

async function boot(): Promise<void> {
  setLang(initialLang());
  const root = createRoot(document.getElementById('app') as HTMLElement);
  let config: ConsoleConfig;
  try {
    config = await loadConfig();
  } catch {
    root.render(
      <main id="main">
        <h1>{t('app.name')}</h1>
        <p role="alert">{t('error.config')}</p>
      </main>,
    );
    return;
  }
  let me: Me | undefined;
  const token = storedToken();
  if (token) {
    setToken(token);
    try {
      me = await fetchMe();
    } catch {
      setToken(undefined);
      me = undefined;
    }
  }
  root.render(<App config={config} initialMe={me} />);
}

void boot();
