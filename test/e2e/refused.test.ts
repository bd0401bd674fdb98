/**
 * A refused write in real Chromium: the tab's offline copy (y-indexeddb) holds a
 * malformed change — written into the page's IndexedDB before the package is
 * opened, as a corrupted copy or an old bug would leave it. Opening the package
 * sends it with the tab's sync; the server refuses it (4422); the tab discards its
 * local copy, loads the package from the server, says plainly what happened and
 * afterwards works normally (an edit reaches another client).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { createLineInDoc, getLinesMap, readLinesFromDoc } from '../../shared/doc/schema';
import { contentDbName } from '../../client/offline/persistence';
import { webSocketWith } from '../server/auth/target';
import { cellOf, contextFor, startPackageEnv, type PackageEnv } from './harness';

let pe: PackageEnv;
let other: { doc: Y.Doc; provider: WebsocketProvider };

/** Writes raw Yjs updates into the page origin's y-indexeddb store of `dbName` (before the package is opened). */
async function seedIndexedDb(page: Page, dbName: string, updates: Uint8Array[]): Promise<void> {
  await page.evaluate(
    async ({ name, blobs }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(name);
        // The layout of y-indexeddb: an auto-increment store of updates, and a key-value store.
        req.onupgradeneeded = () => {
          req.result.createObjectStore('updates', { autoIncrement: true });
          req.result.createObjectStore('custom');
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('updates', 'readwrite');
        for (const b of blobs) tx.objectStore('updates').add(new Uint8Array(b));
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { name: dbName, blobs: updates.map((u) => [...u]) },
  );
}

/** Every update y-indexeddb holds for `dbName` in the page (empty when the database is gone). */
async function readIndexedDb(page: Page, dbName: string): Promise<number[][]> {
  return page.evaluate(async (name) => {
    const known = await indexedDB.databases();
    if (!known.some((d) => d.name === name)) return [];
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    if (!db.objectStoreNames.contains('updates')) {
      db.close();
      return [];
    }
    const all = await new Promise<unknown[]>((resolve, reject) => {
      const req = db.transaction('updates').objectStore('updates').getAll();
      req.onsuccess = () => resolve(req.result as unknown[]);
      req.onerror = () => reject(req.error);
    });
    db.close();
    return all.map((u) => [...(u as Uint8Array)]);
  }, dbName);
}

beforeAll(async () => {
  pe = await startPackageEnv('Pakke med skadet lokal kopi');
  // Another client: a real y-websocket provider in Node, logged in as the admin.
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(pe.env.url.replace(/^http/, 'ws') + '/ws', pe.packageId, doc, {
    WebSocketPolyfill: webSocketWith({ cookie: pe.admin.cookie, origin: pe.env.url }) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
  createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: 'Flere lærere', amounts: { '2025': '10' } });
  other = { doc, provider };
});

afterAll(async () => {
  other?.provider.destroy();
  await pe?.env.close();
});

describe('a refused write from a corrupted offline copy', () => {
  it('is refused (4422); the tab discards its copy, reloads from the server, says so, and then works normally', async () => {
    const ctx = await contextFor(pe.env, pe.kari);
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Same origin as the app, so the page's IndexedDB is the app's.
    await page.goto(`${pe.env.url}/`);
    const bad = new Y.Doc();
    getLinesMap(bad).set('x', 'a string' as never);
    await seedIndexedDb(page, contentDbName(pe.packageId), [Y.encodeStateAsUpdate(bad)]);

    await page.goto(`${pe.env.url}/packages/${pe.packageId}`);
    const notice = page.locator('[data-testid="refused-notice"]');
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.innerText()).toMatch(/avviste en endring fra denne nettleseren/);
    expect(await notice.innerText()).toMatch(/Ikke lagret/);
    await page.locator('[data-testid="connection-status"][data-state="synced"]').waitFor({ timeout: 15_000 });
    await page.locator('.balance-bar .flag').first().waitFor({ timeout: 15_000 });

    // The server never took it; the tab's new offline copy does not hold it either.
    const room = pe.env.server.rooms.list().find((r) => r.docName === pe.packageId)!;
    expect(getLinesMap(room.doc).has('x')).toBe(false);
    await expect
      .poll(async () => {
        const copy = new Y.Doc();
        for (const u of await readIndexedDb(page, contentDbName(pe.packageId))) Y.applyUpdate(copy, new Uint8Array(u));
        return { x: getLinesMap(copy).has('x'), synced: readLinesFromDoc(copy).some((l) => l.title === 'Flere lærere') };
      }, { timeout: 10_000 })
      .toEqual({ x: false, synced: true });

    // Working normally: an amount typed here reaches the other client.
    await cellOf(page, 'Flere lærere', '2026').click();
    await page.keyboard.type('7');
    await page.keyboard.press('Enter');
    await expect.poll(() => readLinesFromDoc(other.doc).find((l) => l.title === 'Flere lærere')?.amounts['2026'], { timeout: 10_000 }).toBe('7');
    // And one made there reaches this tab.
    const id = readLinesFromDoc(other.doc).find((l) => l.title === 'Flere lærere')!.id;
    other.doc.transact(() => (getLinesMap(other.doc).get(id)!.get('amounts') as Y.Map<string>).set('2027', '4'));
    await expect.poll(() => cellOf(page, 'Flere lærere', '2027').innerText(), { timeout: 10_000 }).toMatch(/4/);
    expect(await page.locator('[data-testid="refused-notice"]').count()).toBe(1);
    expect(errors).toEqual([]);
    await ctx.close();
  }, 60_000);
});
