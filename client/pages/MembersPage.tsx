/** Members and invitations of a package (owners): invite with role and party, copy the link, change roles, remove. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { MemberView } from '../../shared/protocol';
import { ROLES, type Role } from '../../shared/protocol';
import type { Party } from '../../shared/types';
import { apiGet, apiSend } from '../app/api';
import { useT, type MessageId, type TFunction } from '../i18n';
import { AppLink } from '../app/AppLink';

/** A member as the members API returns it (the server's own type, so the two cannot drift apart). */
type Member = MemberView;

/** The role choices, the same in the invite form and in each member's row. */
function RoleOptions({ t }: { t: TFunction }) {
  return (
    <>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`role_${r}` as MessageId)}
        </option>
      ))}
    </>
  );
}

/** The party choices with "none" first (value ''), the same in the invite form and in each member's row. */
function PartyOptions({ parties, t }: { parties: Party[]; t: TFunction }) {
  return (
    <>
      <option value="">{t('none')}</option>
      {parties.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
        </option>
      ))}
    </>
  );
}

export function MembersPage({ id }: { id: string }) {
  const t = useT();
  const base = `/api/packages/${encodeURIComponent(id)}`;
  const [members, setMembers] = useState<Member[] | null>(null);
  const [parties, setParties] = useState<Party[]>([]);
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [party, setParty] = useState('');
  const [invite, setInvite] = useState<{ email: string; url: string } | null>(null);
  const [awaiting, setAwaiting] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  const load = useCallback(() => {
    apiGet<{ members: Member[] }>(`${base}/members`)
      .then((r) => setMembers(r.members))
      .catch((e: Error) => setError(e.message));
  }, [base]);
  useEffect(load, [load]);
  useEffect(() => {
    apiGet<{ title?: string; parties?: Party[] }>(base)
      .then((p) => {
        setParties(p.parties ?? []);
        setTitle(p.title ?? '');
        if (p.parties?.[0]) setParty((cur) => cur || p.parties![0]!.id);
      })
      .catch(() => undefined);
  }, [base]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setInvite(null);
    setAwaiting(null);
    try {
      const body: Record<string, string | null> = { email, role, party: party || null };
      if (name.trim()) body.name = name.trim();
      const r = await apiSend<{ inviteUrl: string | null; member: Member | null }>('POST', `${base}/members`, body);
      if (r.inviteUrl) setInvite({ email, url: r.inviteUrl });
      else if (r.member?.status === 'invited') setAwaiting(email);
      setEmail('');
      setName('');
      load();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  /** One member request: clear the old error, send, reload the list on success, show the message on failure. */
  const changeMember = async (send: () => Promise<unknown>) => {
    setError(null);
    try {
      await send();
      load();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const patch = (userId: string, p: { role?: Role; party?: string | null }) => changeMember(() => apiSend('PATCH', `${base}/members/${encodeURIComponent(userId)}`, p));
  const reissue = (m: Member) =>
    changeMember(async () => {
      setInvite(null);
      setAwaiting(null);
      const r = await apiSend<{ inviteUrl: string }>('POST', `${base}/members/${encodeURIComponent(m.userId)}/invitation`);
      setInvite({ email: m.email, url: r.inviteUrl });
    });
  const remove = (userId: string) => changeMember(() => apiSend('DELETE', `${base}/members/${encodeURIComponent(userId)}`));

  return (
    <main className="page" id="main">
      <AppLink href={`/packages/${encodeURIComponent(id)}`}>
        ← {title || t('backToList')}
      </AppLink>
      <h1>{t('membersHeading')}</h1>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <section className="card" aria-labelledby="invite-h">
        <h2 id="invite-h">{t('invite')}</h2>
        <form className="row wrap" onSubmit={submit}>
          <label>
            {t('email')}
            <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label>
            {t('name')}
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            {t('role')}
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              <RoleOptions t={t} />
            </select>
          </label>
          <label>
            {t('party')}
            <select value={party} onChange={(e) => setParty(e.target.value)}>
              <PartyOptions parties={parties} t={t} />
            </select>
          </label>
          <button type="submit" className="primary">
            {t('invite')}
          </button>
        </form>
        {awaiting && (
          <p className="invite-link" role="status">
            {t('awaitsActivation', { email: awaiting })}
          </p>
        )}
        {invite && (
          <div className="invite-link" role="status">
            <p>{t('inviteLink', { email: invite.email })}</p>
            <div className="row">
              <input readOnly value={invite.url} aria-label={t('inviteLink', { email: invite.email })} onFocus={(e) => e.currentTarget.select()} />
              <button
                type="button"
                className="secondary"
                onClick={async () => {
                  try {
                    await navigator.clipboard.writeText(invite.url);
                    setCopied(true);
                    setTimeout(() => setCopied(false), 2000);
                  } catch {
                    setCopied(false);
                  }
                }}
              >
                {copied ? t('copied') : t('copy')}
              </button>
            </div>
          </div>
        )}
      </section>
      {members && (
        <div className="table-scroll">
          <table className="list-table">
            <thead>
              <tr>
                <th scope="col">{t('name')}</th>
                <th scope="col">{t('email')}</th>
                <th scope="col">{t('role')}</th>
                <th scope="col">{t('party')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">
                  <span className="sr-only">{t('remove')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.userId}>
                  <td>{m.name}</td>
                  <td>{m.email}</td>
                  <td>
                    <select aria-label={`${t('role')}: ${m.name}`} value={m.role} onChange={(e) => void patch(m.userId, { role: e.target.value as Role })}>
                      <RoleOptions t={t} />
                    </select>
                  </td>
                  <td>
                    <select aria-label={`${t('party')}: ${m.name}`} value={m.party ?? ''} onChange={(e) => void patch(m.userId, { party: e.target.value || null })}>
                      <PartyOptions parties={parties} t={t} />
                    </select>
                  </td>
                  <td>
                    {m.status === 'invited' ? t('pendingInvite') : t('active')}
                    {m.status === 'invited' && (
                      <button type="button" className="ghost small" onClick={() => void reissue(m)} aria-label={`${t('newInviteLink')}: ${m.name || m.email}`}>
                        {t('newInviteLink')}
                      </button>
                    )}
                  </td>
                  <td>
                    <button type="button" className="ghost small danger-text" onClick={() => void remove(m.userId)} aria-label={`${t('remove')}: ${m.name}`}>
                      {t('remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
