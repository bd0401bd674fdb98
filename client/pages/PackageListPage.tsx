import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { apiGet, apiSend } from '../app/api';
import { navigate } from '../app/router';
import { FilePicker, useUpload } from '../app/useUpload';
import { useSession, type Membership } from '../app/session';
import { useT, type MessageId } from '../i18n';
import { FundOpeningField, PartiesFieldset, YearRangeFieldset } from '../package/PackageFields';
import type { BalanceReport, Party } from '../../shared/types';
import { formatDateTime } from '../app/format';
import { borrowingLabel, listBalanceOf } from '../balance/flags';
import { AppLink } from '../app/AppLink';

interface PackageSummary {
  id: string;
  title: string;
  role?: string;
  party?: string | null;
  updatedAt?: string | number | null;
  lastChange?: string | number | null;
}

function normaliseList(body: unknown): PackageSummary[] {
  const arr = Array.isArray(body) ? body : ((body as { packages?: unknown })?.packages ?? []);
  return (arr as PackageSummary[]).filter((p) => p && typeof p.id === 'string');
}

function BalanceCell({ id }: { id: string }) {
  const t = useT();
  const [report, setReport] = useState<BalanceReport | 'loading' | 'failed'>('loading');
  useEffect(() => {
    apiGet<BalanceReport>(`/api/packages/${encodeURIComponent(id)}/balance`)
      .then(setReport)
      .catch(() => setReport('failed'));
  }, [id]);
  if (report === 'loading') return <span className="muted">…</span>;
  if (report === 'failed') return <span className="muted">{t('unknown')}</span>;
  const verdict = listBalanceOf(report);
  // The budget year's change in borrowing, shown neutrally beside the verdict.
  const year = report.planYears[0];
  const borrowing = year !== undefined ? report.ledgers.investering.borrowing[year] : undefined;
  return (
    <span className="balance-cell" data-state={verdict.state}>
      {/* The sign is decoration; the words alone are the text ("Ikke i balanse", as everywhere else). */}
      {verdict.state === 'ok' && (
        <span className="pill pill-ok" data-balance="ok">
          <span aria-hidden="true">✓ </span>
          {t('balanced')}
        </span>
      )}
      {verdict.state === 'off' && (
        <span className="pill pill-bad" data-balance="off">
          <span aria-hidden="true">▲ </span>
          {t('notBalanced')}
        </span>
      )}
      {verdict.state === 'unknown' && (
        <span className="pill pill-bad" data-balance="unknown">
          <span aria-hidden="true">? </span>
          {t('balanceUnknownShort')} ({verdict.cells === 1 ? t('unreadableOne') : t('unreadableMany', { n: verdict.cells })})
        </span>
      )}
      {borrowing !== undefined && borrowing !== '0' && (
        <>
          {' '}
          <span className="pill pill-borrow" title={t('financedByBorrowing')}>
            {year}: {borrowingLabel(t, borrowing)}
          </span>
        </>
      )}
    </span>
  );
}

export function PackageListPage() {
  const t = useT();
  const session = useSession();
  const [packages, setPackages] = useState<PackageSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    apiGet<unknown>('/api/packages')
      .then((b) => setPackages(normaliseList(b)))
      .catch((e: Error) => setError(e.message));
  }, []);
  useEffect(load, [load]);
  const membershipOf = (id: string): Membership | undefined => session.memberships.find((m) => m.packageId === id);

  return (
    <main className="page" id="main">
      <h1>{t('myPackages')}</h1>
      {error && (
        <p className="form-error" role="alert">
          {t('genericError', { message: error })}
        </p>
      )}
      {packages === null && !error && <p className="muted">{t('loading')}</p>}
      {packages && packages.length === 0 && <p className="muted">{t('noPackages')}</p>}
      {packages && packages.length > 0 && (
        <div className="table-scroll">
          <table className="list-table">
            <thead>
              <tr>
                <th scope="col">{t('colTitle')}</th>
                <th scope="col">{t('colRole')}</th>
                <th scope="col">{t('colParty')}</th>
                <th scope="col">{t('colLastChange')}</th>
                <th scope="col">{t('colBalance')}</th>
              </tr>
            </thead>
            <tbody>
              {packages.map((p) => {
                const m = membershipOf(p.id);
                const role = p.role ?? m?.role;
                const party = p.party ?? m?.party;
                return (
                  <tr key={p.id}>
                    <td>
                      <AppLink href={`/packages/${encodeURIComponent(p.id)}`}>
                        {p.title || p.id}
                      </AppLink>
                    </td>
                    <td>{role ? t(`role_${role}` as MessageId) : '—'}</td>
                    <td>{party || '—'}</td>
                    <td>{formatDateTime(p.lastChange ?? p.updatedAt) ?? '—'}</td>
                    <td>
                      <BalanceCell id={p.id} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {session.user?.isAdmin && <ImportPackageFile />}
      {session.user?.isAdmin && <CreatePackageForm />}
    </main>
  );
}

const DEFAULT_PARTIES: Party[] = [
  { id: 'Ap', name: 'Ap', color: '#c8102e' },
  { id: 'SV', name: 'SV', color: '#b5317c' },
  { id: 'Sp', name: 'Sp', color: '#14773d' },
];

function yearRange(from: number, to: number): string[] {
  const out: string[] = [];
  for (let y = from; y <= to; y++) out.push(String(y));
  return out;
}

/** A package file (the product's JSON format) becomes a new package; the admin lands in it. */
function ImportPackageFile() {
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  const { progress, upload } = useUpload<{ id: string }>('/api/packages/import');
  const choose = async (file: File) => {
    setError(null);
    await upload(
      file,
      (res) => navigate(`/packages/${encodeURIComponent(res.id)}`),
      (d) => setError(d.field ? `${d.message} (${d.field})` : d.message),
    );
  };
  return (
    <section className="card import-package" aria-labelledby="import-package-title">
      <h2 id="import-package-title">{t('packageFileImport')}</h2>
      <p className="hint">{t('packageFileIntro')}</p>
      <label>
        {t('chooseFile')}
        <FilePicker accept=".json,application/json" disabled={progress !== null} onFile={(f) => void choose(f)} />
      </label>
      {progress !== null && <progress max={1} value={progress} aria-label={t('uploading')} />}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function CreatePackageForm() {
  const t = useT();
  const thisYear = new Date().getFullYear();
  const [title, setTitle] = useState('');
  const [from, setFrom] = useState(thisYear);
  const [to, setTo] = useState(thisYear + 4);
  const [planFrom, setPlanFrom] = useState(thisYear + 1);
  const [planTo, setPlanTo] = useState(thisYear + 4);
  const [parties, setParties] = useState<Party[]>(DEFAULT_PARTIES);
  const [fund, setFund] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const body = {
        title: title.trim(),
        years: yearRange(from, to),
        planYears: yearRange(planFrom, planTo),
        parties: parties.filter((p) => p.name.trim()).map((p) => ({ id: p.name.trim(), name: p.name.trim(), color: p.color })),
        ...(fund.trim() ? { fundOpeningBalance: fund.trim() } : {}),
      };
      const res = await apiSend<{ id: string }>('POST', '/api/packages', body);
      navigate(`/packages/${encodeURIComponent(res.id)}`);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section className="card create-package" aria-labelledby="create-title">
      <h2 id="create-title">{t('createPackage')}</h2>
      <form onSubmit={submit} className="form-grid">
        <label className="span-2">
          {t('colTitle')}
          <input required value={title} onChange={(e) => setTitle(e.target.value)} placeholder={t('packageTitlePlaceholder')} />
        </label>
        <YearRangeFieldset legend={t('years')} from={from} to={to} setFrom={setFrom} setTo={setTo} />
        <YearRangeFieldset legend={t('planYears')} from={planFrom} to={planTo} setFrom={setPlanFrom} setTo={setPlanTo} />
        <FundOpeningField value={fund} onChange={setFund} hintId="fund-hint" />
        <PartiesFieldset parties={parties} setParties={setParties} idFollowsName removable />
        {error && (
          <p className="form-error span-2" role="alert">
            {error}
          </p>
        )}
        <div className="span-2">
          <button type="submit" className="primary">
            {t('createButton')}
          </button>
        </div>
      </form>
    </section>
  );
}
