import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { AppLink } from '../app/AppLink';
import { ApiError, apiGet, apiSend } from '../app/api';
import { navigate } from '../app/router';
import { refreshSession } from '../app/session';
import { useT } from '../i18n';

function AuthCard({ title, children, intro }: { title: string; intro?: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <section className="auth-card" aria-labelledby="auth-title">
        <h1 id="auth-title">{title}</h1>
        {intro && <p className="muted">{intro}</p>}
        {children}
      </section>
    </main>
  );
}

function ErrorMessage({ text }: { text: string | null }) {
  return text ? (
    <p className="form-error" role="alert">
      {text}
    </p>
  ) : null;
}

/** The new password (at least 10 characters) with its hint, as the setup and invitation forms ask for it. */
function NewPasswordField({ value, onChange }: { value: string; onChange: (password: string) => void }) {
  const t = useT();
  return (
    <>
      <label>
        {t('password')}
        <input type="password" required minLength={10} autoComplete="new-password" aria-describedby="pw-hint" value={value} onChange={(e) => onChange(e.target.value)} />
      </label>
      <span id="pw-hint" className="hint">
        {t('passwordHint')}
      </span>
    </>
  );
}

/**
 * Sends a request that creates a session (setup, accepted invitation), then refreshes the session and
 * goes to `target`, replacing the history entry; a failure shows the server's message instead.
 */
async function enterAfter(request: () => Promise<unknown>, target: string, setError: (message: string | null) => void): Promise<void> {
  setError(null);
  try {
    await request();
    await refreshSession();
    navigate(target, true);
  } catch (err) {
    setError((err as Error).message);
  }
}

/** Only same-site paths are followed after log-in, so a crafted ?next cannot send people elsewhere. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function LoginPage({ next }: { next: string | null }) {
  const t = useT();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await apiSend('POST', '/api/auth/login', { email, password });
      await refreshSession();
      navigate(safeNext(next), true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t('loginFailed'));
      else if (err instanceof ApiError && err.status === 429) setError(err.message || t('loginRateLimited'));
      else setError(t('genericError', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthCard title={t('loginTitle')}>
      <form onSubmit={submit} className="form-stack">
        <label>
          {t('email')}
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </label>
        <label>
          {t('password')}
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <ErrorMessage text={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('loginButton')}
        </button>
      </form>
    </AuthCard>
  );
}

/** A one-time link that no longer works: the reason, and the way to log in instead of a form. */
function UsedLink({ title, message }: { title: string; message: string }) {
  const t = useT();
  return (
    <AuthCard title={title}>
      <p className="form-error" role="alert">
        {message}
      </p>
      <p>
        <AppLink href="/login">{t('linkUsedLogin')}</AppLink>
      </p>
    </AuthCard>
  );
}

/** Whether a one-time link still works, asked before its form is shown: null while asking, then ok or the server's reason. */
function useLinkCheck(check: (() => Promise<unknown>) | null, missing: string): { ok: true } | { ok: false; message: string } | null {
  const [state, setState] = useState<{ ok: true } | { ok: false; message: string } | null>(null);
  useEffect(() => {
    let live = true;
    if (!check) {
      setState({ ok: false, message: missing });
      return undefined;
    }
    setState(null);
    check()
      .then(() => live && setState({ ok: true }))
      .catch((e: Error) => live && setState({ ok: false, message: e.message }));
    return () => {
      live = false;
    };
  }, [check, missing]);
  return state;
}

export function SetupPage({ token }: { token: string }) {
  const t = useT();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const check = useMemo(() => (token ? () => apiSend('POST', '/api/auth/setup/check', { token }) : null), [token]);
  const link = useLinkCheck(check, t('setupMissingToken'));
  if (!link)
    return (
      <AuthCard title={t('setupTitle')}>
        <p className="muted" role="status">
          {t('linkChecking')}
        </p>
      </AuthCard>
    );
  if (!link.ok) return <UsedLink title={t('setupTitle')} message={link.message} />;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    return enterAfter(() => apiSend('POST', '/api/auth/setup', { token, email, password, name }), '/', setError);
  };
  return (
    <AuthCard title={t('setupTitle')} intro={t('setupIntro')}>
      <form onSubmit={submit} className="form-stack">
        <label>
          {t('name')}
          <input required autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('email')}
          <input type="email" required autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <NewPasswordField value={password} onChange={setPassword} />
        <ErrorMessage text={error} />
        <button type="submit" className="primary">
          {t('setupButton')}
        </button>
      </form>
    </AuthCard>
  );
}

interface InviteInfo {
  email: string;
  name: string;
  packageId: string | null;
  packageTitle: string | null;
}

export function InvitePage({ token }: { token: string }) {
  const t = useT();
  const [info, setInfo] = useState<InviteInfo | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const check = useMemo(
    () =>
      token
        ? () =>
            apiGet<InviteInfo>(`/api/auth/invitations/${encodeURIComponent(token)}`).then((i) => {
              setInfo(i);
              setName(i.name ?? '');
            })
        : null,
    [token],
  );
  const link = useLinkCheck(check, t('inviteMissingToken'));
  if (!link)
    return (
      <AuthCard title={t('inviteTitle')}>
        <p className="muted" role="status">
          {t('linkChecking')}
        </p>
      </AuthCard>
    );
  if (!link.ok) return <UsedLink title={t('inviteTitle')} message={link.message} />;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: { password: string; name?: string } = { password };
    if (name.trim()) body.name = name.trim();
    return enterAfter(() => apiSend('POST', `/api/auth/invitations/${encodeURIComponent(token)}/accept`, body), info?.packageId ? `/packages/${encodeURIComponent(info.packageId)}` : '/', setError);
  };
  return (
    <AuthCard title={t('inviteTitle')} intro={info?.packageTitle ? `${t('inviteIntro')} (${info.packageTitle})` : t('inviteIntro')}>
      <form onSubmit={submit} className="form-stack">
        {info && (
          <p>
            <strong>{info.email}</strong>
          </p>
        )}
        <label>
          {t('name')}
          <input required autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <NewPasswordField value={password} onChange={setPassword} />
        <ErrorMessage text={error} />
        <button type="submit" className="primary">
          {t('inviteButton')}
        </button>
      </form>
    </AuthCard>
  );
}
