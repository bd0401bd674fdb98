import { Suspense, lazy, useEffect, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppLink } from './app/AppLink';
import { currentPath, navigate, parseRoute, useRoute } from './app/router';
import { logout, refreshSession, useSession } from './app/session';
import { InvitePage, LoginPage, SetupPage } from './pages/AuthPages';
import { PackageListPage } from './pages/PackageListPage';
import { getLang, setLang, useLang, useT } from './i18n';
import { prewarmBalanceWorker } from './worker/start';
import './styles.css';

// The log-in pages and the package list are in this first chunk; the package
// workspace (Yjs, the grids, the balance worker; the editors and the import/export
// code load later still, on use) and the members page are chunks of their own.
const loadPackageView = () => import('./package/PackageView');
const PackageView = lazy(() => loadPackageView().then((m) => ({ default: m.PackageView })));
const MembersPage = lazy(() => import('./pages/MembersPage').then((m) => ({ default: m.MembersPage })));

// Opened at a package address: fetch its chunk, the session and the balance worker at
// once, side by side, instead of one after the other (each is a round trip on a slow line).
const firstRoute = parseRoute(location.pathname, location.search, location.hash);
if (firstRoute.name === 'package') {
  void loadPackageView();
  prewarmBalanceWorker(firstRoute.id);
}
void refreshSession();

function TopBar() {
  const t = useT();
  const lang = useLang();
  const session = useSession();
  return (
    <header className="top-bar">
      <AppLink className="brand" href="/">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        {t('appName')}
      </AppLink>
      <div className="top-actions">
        <button type="button" className="ghost" onClick={() => setLang(lang === 'nb' ? 'en' : 'nb')} aria-label={t('langToggleLabel')}>
          {t('langToggle')}
        </button>
        {session.user && (
          <>
            <span className="muted user-name">{session.user.name || session.user.email}</span>
            <button type="button" className="ghost" onClick={() => void logout().then(() => navigate('/login', true))}>
              {t('logout')}
            </button>
          </>
        )}
      </div>
    </header>
  );
}

/** A page under the app's top bar (every page but the package workspace, which has its own header). */
function withTopBar(page: ReactNode) {
  return (
    <>
      <TopBar />
      {page}
    </>
  );
}

function App() {
  const route = useRoute();
  const session = useSession();
  const t = useT();
  const needsLogin = route.name === 'list' || route.name === 'package' || route.name === 'members';

  useEffect(() => {
    if (needsLogin && session.status === 'ready' && !session.user) navigate(`/login?next=${encodeURIComponent(currentPath())}`, true);
  }, [needsLogin, session.status, session.user]);

  if (session.status === 'loading') return <p className="page muted">{t('loading')}</p>;
  if (session.status === 'error')
    return (
      <p className="page form-error" role="alert">
        {t('genericError', { message: session.error ?? '' })}
      </p>
    );
  if (needsLogin && !session.user) return null;

  const loading = <p className="page muted">{t('loading')}</p>;
  switch (route.name) {
    case 'login':
      return withTopBar(<LoginPage next={route.next} />);
    case 'setup':
      return withTopBar(<SetupPage token={route.token} />);
    case 'invite':
      return withTopBar(<InvitePage token={route.token} />);
    case 'list':
      return withTopBar(<PackageListPage />);
    case 'members':
      return withTopBar(
        <Suspense fallback={loading}>
          <MembersPage id={route.id} />
        </Suspense>,
      );
    case 'package':
      return (
        <Suspense fallback={loading}>
          <PackageView id={route.id} />
        </Suspense>
      );
    default:
      return withTopBar(
        <main className="page">
          <p>404</p>
        </main>,
      );
  }
}

document.documentElement.lang = getLang() === 'nb' ? 'nb' : 'en';
createRoot(document.getElementById('root')!).render(<App />);
