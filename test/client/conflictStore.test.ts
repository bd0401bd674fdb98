/**
 * The tab's view of the package's conflicts (client/conflicts/conflictStore.ts):
 * the shared list from the server kept current by notices — also those that arrive
 * while the list is being fetched — my notices until I close them, and names.
 */
import { describe, expect, it } from 'vitest';
import { ConflictStore, typedForm } from '../../client/conflicts/conflictStore';
import type { ConflictNotice, ConflictView } from '../../shared/protocol';

function conflict(id: string, written: string, other: string | null): ConflictView {
  return {
    id,
    packageId: 'p1',
    lineId: 'l1',
    year: '2024',
    lineTitle: 'Brygga',
    written: { value: { amount: '2.4' }, userId: written, at: '2026-01-01T10:00:00.000Z' },
    other: { value: { amount: '2.6' }, userId: other, at: null },
    kept: 'written',
    at: '2026-01-01T10:00:00.000Z',
    dismissed: null,
  };
}

/** A store over fake API and connection; `answer` resolves the pending list request. */
function setup(me = 'ola') {
  let notify: (n: ConflictNotice) => void = () => {};
  const requests: Array<{ path: string; resolve: (v: unknown) => void }> = [];
  const posts: string[] = [];
  const saved = new Map<string, string>();
  const store = new ConflictStore(
    {
      packageId: 'p1',
      user: { id: me, name: 'Ola Hansen' },
      onConflictNotice: (l) => {
        notify = l;
        return () => {};
      },
      provider: { on() {}, off() {} } as never,
    },
    {
      get: <T,>(path: string) => new Promise<T>((resolve) => requests.push({ path, resolve: resolve as (v: unknown) => void })),
      post: async <T,>(path: string) => {
        posts.push(path);
        return {} as T;
      },
      storage: { getItem: (k) => saved.get(k) ?? null, setItem: (k, v) => void saved.set(k, v) },
    },
  );
  const stop = store.start();
  const answer = async (conflicts: ConflictView[]) => {
    const r = requests.find((x) => x.path.endsWith('/conflicts'))!;
    requests.splice(requests.indexOf(r), 1);
    r.resolve({ conflicts });
    await new Promise((res) => setTimeout(res, 0));
  };
  return { store, notice: (n: ConflictNotice) => notify(n), answer, requests, posts, saved, stop };
}

describe('the conflict store of a tab', () => {
  it('keeps a conflict whose notice arrived while the (older) list was being fetched', async () => {
    const s = setup();
    s.notice({ kind: 'conflict', conflict: conflict('c1', 'ola', 'kari') });
    await s.answer([]);
    expect(s.store.get().list.map((c) => c.id)).toEqual(['c1']);
  });

  it('applies a dismissal that arrived while the list was being fetched', async () => {
    const s = setup();
    s.notice({ kind: 'conflict-dismissed', id: 'c1', by: 'kari' });
    await s.answer([conflict('c1', 'ola', 'kari'), conflict('c2', 'kari', 'per')]);
    expect(s.store.get().list.map((c) => c.id)).toEqual(['c2']);
  });

  it('shows me the conflicts I am part of until I close them here; the list keeps them', async () => {
    const s = setup();
    await s.answer([conflict('c1', 'ola', 'kari'), conflict('c2', 'kari', 'per'), conflict('c3', 'per', 'ola')]);
    expect(s.store.get().mine.map((c) => c.id)).toEqual(['c1', 'c3']);
    s.store.close('c1');
    expect(s.store.get().mine.map((c) => c.id)).toEqual(['c3']);
    expect(s.store.get().list).toHaveLength(3);
    expect(JSON.parse(s.saved.get('budsjett:conflicts-closed:p1')!)).toEqual(['c1']);
  });

  it('dismisses through the API and removes it; asks for members to name people it does not know', async () => {
    const s = setup();
    await s.answer([conflict('c1', 'ola', 'kari')]);
    expect(s.requests.map((r) => r.path)).toEqual(['/api/packages/p1/members']);
    s.requests[0]!.resolve({ members: [{ userId: 'kari', name: 'Kari Nordmann' }] });
    await new Promise((res) => setTimeout(res, 0));
    expect(s.store.get().names.get('kari')).toBe('Kari Nordmann');
    await s.store.dismiss('c1');
    expect(s.posts).toEqual(['/api/packages/p1/conflicts/c1/dismiss']);
    expect(s.store.get().list).toEqual([]);
  });

  it('writes a lost value back in the form the cell reads back to the same value', () => {
    expect(typedForm({ amount: '-93.65' })).toBe('−93,65');
    expect(typedForm({ typed: 'tolv' })).toBe('tolv');
    expect(typedForm(null)).toBe('');
  });
});
