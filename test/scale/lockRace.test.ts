/**
 * Locking while a partner keeps typing (lock and seal), on PostgreSQL where every
 * storage call is real I/O, so a write can land between the lock's agreement read
 * and the lock itself. A raw y-websocket client writes an amount every 2 ms while
 * the owner locks — on the same instance, and on the other one. Every lock that
 * succeeds must have sealed exactly the content the servers hold once writes are
 * dropped; a lock whose package moved while it was being sealed is undone (409)
 * and leaves no sealed round.
 */
import { describe, expect, it } from 'vitest';
import { createLineInDoc, setLineAmount } from '../../shared/doc/schema';
import { clusterScope, sharedPackage, type Instance } from './clusterHarness';

const scope = clusterScope();

type Amounts = Record<string, string>;

async function amountsOn(inst: Instance, id: string): Promise<Amounts | undefined> {
  const res = await inst.ts.http("GET", `/api/packages/${id}`, { user: "ap" });
  const pkg = (await res.json()) as { lines: { amounts: Amounts }[] };
  if (!pkg.lines) throw new Error(`GET package: ${res.status} ${JSON.stringify(pkg)}`);
  return pkg.lines[0]?.amounts;
}


for (const where of ['the same instance', 'the other instance'] as const) {
  describe(`lock while a partner types on ${where}`, () => {
    it('every lock that succeeds sealed exactly the locked content; one that raced a write is undone and leaves no sealed round', async () => {
      const [a, b] = await scope.twoInstances(['ap']);
      const id = await sharedPackage([a, b], { ap: 'editor' });
      const typingOn = where === 'the same instance' ? a : b;
      const first = scope.client(typingOn, id, 'ap');
      await first.synced();
      const line = createLineInDoc(first.doc, { ledger: 'drift', group: 'tiltak', title: 'Lærere', amounts: { '2024': '1' } });
      for (let i = 0; (await amountsOn(a, id))?.['2024'] !== '1'; i++) {
        if (i > 200) throw new Error('the line never reached A');
        await new Promise((r) => setTimeout(r, 50));
      }

      const outcomes: number[] = [];
      let n = 2;
      for (let round = 0; round < 10; round++) {
        // A fresh writer each round (one whose writes were dropped while locked falls behind the server).
        const writer = scope.client(typingOn, id, 'ap');
        await writer.synced();
        const typing = setInterval(() => setLineAmount(writer.doc, line, '2024', String(n++)), 2);
        await new Promise((r) => setTimeout(r, 20 + round * 5));
        const res = await a.ts.http('POST', `/api/packages/${id}/lock`, { json: { override: 'Låsing under skriving' } });
        clearInterval(typing);
        outcomes.push(res.status);
        if (res.status === 200) {
          const { version } = (await res.json()) as { version: { id: string } };
          // Let writes still on their way arrive (and be dropped) on both instances.
          await new Promise((r) => setTimeout(r, 300));
          const sealed = JSON.parse(await (await a.ts.http('GET', `/api/packages/${id}/versions/${version.id}`)).text()) as { package: { lines: { amounts: Amounts }[] } };
          expect(sealed.package.lines[0]!.amounts).toEqual(await amountsOn(a, id));
          expect(sealed.package.lines[0]!.amounts).toEqual(await amountsOn(b, id));
          expect((await a.ts.http('POST', `/api/packages/${id}/unlock`, { json: { reason: 'Neste runde' } })).status).toBe(200);
        } else {
          expect(res.status).toBe(409);
          expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/endret mens den ble låst/);
          expect(((await (await a.ts.http('GET', `/api/packages/${id}/lock`)).json()) as { locked: boolean }).locked).toBe(false);
        }
        writer.destroy();
        await new Promise((r) => setTimeout(r, 100));
      }
      // Undone locks left no sealed round: exactly the successful locks are listed as sealed.
      const versions = (await (await a.ts.http('GET', `/api/packages/${id}/versions`)).json()) as { versions: { sealed?: unknown }[] };
      expect(versions.versions.filter((v) => v.sealed).length).toBe(outcomes.filter((s) => s === 200).length);
      // With nobody typing, the lock holds.
      expect((await a.ts.http('POST', `/api/packages/${id}/lock`, { json: { override: 'Ferdig' } })).status).toBe(200);
    });
  });
}
