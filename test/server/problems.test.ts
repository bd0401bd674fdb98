/**
 * Malformed frames are counted by kind and summarised in the log, not logged one
 * line each: the counter on its own (virtual time) and the real server under a
 * burst of bad frames over real sockets (attack row W19).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLineInDoc, readLinesFromDoc } from '../../shared/doc/schema';
import { ProblemLog, type ProblemKind, type RoomLogger } from '../../server/sync';
import { ManualScheduler } from '../helpers/manualScheduler';
import { CLOSING_KINDS } from '../helpers/malformedFrames';
import { mulberry32 } from '../helpers/random';
import { connectClient, sendRaw, startTestServer, waitFor, type TestServer } from './serverHarness';

function capturingLog(): RoomLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: () => {}, warn: (msg: string) => lines.push(msg), error: (msg: string) => lines.push(msg) };
}

describe('ProblemLog', () => {
  it('logs at most one summary per interval, naming counts by kind and room, and the rest on stop', () => {
    const scheduler = new ManualScheduler();
    const log = capturingLog();
    const problems = new ProblemLog({ log, scheduler, intervalMs: 60_000 });
    for (let i = 0; i < 1000; i++) problems.count({ kind: 'malformed-truncated', docName: i % 2 ? 'p1' : 'p2', userId: 'u1', detail: 'Ugyldig melding: Unexpected end of array' });
    problems.count({ kind: 'text-frame', docName: 'p1', userId: 'u2' });
    expect(log.lines).toEqual([]);
    scheduler.advance(0);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/1001 \(malformed-truncated 1000, text-frame 1\)/);
    expect(log.lines[0]).toMatch(/rooms: p1 501, p2 500/);
    expect(log.lines[0]).toMatch(/text-frame from u2/);
    // A second burst within the interval waits for it.
    for (let i = 0; i < 500; i++) problems.count({ kind: 'malformed-bad-varint', docName: 'p1', userId: 'u3' });
    scheduler.advance(59_000);
    expect(log.lines).toHaveLength(1);
    expect(problems.counts().sinceSummary).toEqual({ 'malformed-bad-varint': 500 });
    scheduler.advance(1_000);
    expect(log.lines).toHaveLength(2);
    expect(log.lines[1]).toMatch(/500 \(malformed-bad-varint 500\)/);
    // Shutdown logs what is left.
    problems.count({ kind: 'too-big', docName: 'p3', userId: 'u4' });
    problems.stop();
    expect(log.lines).toHaveLength(3);
    expect(problems.counts().totals).toEqual({ 'malformed-truncated': 1000, 'text-frame': 1, 'malformed-bad-varint': 500, 'too-big': 1 });
    expect(problems.counts().summaries).toBe(3);
  });

  it('counts coalesced and foreign awareness but never logs them (honest clients cause both)', () => {
    const scheduler = new ManualScheduler();
    const log = capturingLog();
    const problems = new ProblemLog({ log, scheduler });
    for (let i = 0; i < 50; i++) problems.count({ kind: 'awareness-coalesced', docName: 'p1', userId: 'u1' });
    for (let i = 0; i < 20; i++) problems.count({ kind: 'awareness-foreign-client', docName: 'p1', userId: 'u2' });
    scheduler.advance(120_000);
    problems.stop();
    expect(log.lines).toEqual([]);
    expect(problems.counts().totals).toEqual({ 'awareness-coalesced': 50, 'awareness-foreign-client': 20 });
  });
});

describe('malformed frames on the real server', () => {
  let ts: TestServer | null = null;
  afterEach(async () => {
    await ts?.close();
    ts = null;
  });

  it('W29 a burst of 300 malformed frames of every kind closes only their senders, is counted by kind and gives one summary line (and one at shutdown)', async () => {
    const log = capturingLog();
    ts = await startTestServer({ log });
    const id = await ts.createPackage(undefined, { a: 'editor', b: 'editor', bad: 'editor' });
    const a = connectClient(ts, id, 'a');
    const b = connectClient(ts, id, 'b');
    try {
      await Promise.all([a.synced(), b.synced()]);
      const rnd = mulberry32(11);
      const expected = new Map<string, number>();
      const url = `${ts.wsBase}/${id}`;
      for (let round = 0; round < 300 / CLOSING_KINDS.length; round++) {
        const results = await Promise.all(
          CLOSING_KINDS.map(async (kind) => ({ kind, got: await sendRaw(url, ts!.auth.cookieFor('bad'), [kind.make(rnd)]) })),
        );
        for (const { kind, got } of results) {
          expect(got.code, kind.name).toBe(kind.closes);
          expected.set(kind.name, (expected.get(kind.name) ?? 0) + 1);
        }
      }
      const sent = [...expected.values()].reduce((x, y) => x + y, 0);
      expect(sent).toBeGreaterThanOrEqual(300);
      createLineInDoc(a.doc, { id: 'etter-flommen', ledger: 'drift', group: 'tiltak', title: 'Etter flommen' });
      await waitFor(() => readLinesFromDoc(b.doc).some((l) => l.id === 'etter-flommen'), 5000, 'an honest edit after the burst');
      const totals = ts.server.rooms.problems.counts().totals;
      const counted = Object.entries(totals)
        .filter(([k]) => k.startsWith('malformed-') || k === 'text-frame' || k === 'too-big')
        .reduce((n, [, v]) => n + (v ?? 0), 0);
      expect(counted).toBe(sent);
      const kinds = Object.keys(totals) as ProblemKind[];
      for (const k of ['malformed-truncated', 'malformed-bad-varint', 'malformed-unknown-message-type', 'malformed-unknown-sync-type', 'malformed-unreadable-update', 'malformed-bad-state-vector', 'malformed-trailing-bytes', 'malformed-bad-awareness', 'text-frame', 'too-big'] as const) {
        expect(kinds, k).toContain(k);
      }
      // The burst's first problem is logged at once, the rest wait for the interval (a minute).
      expect(log.lines.length).toBeLessThanOrEqual(1);
      expect(a.closes).toEqual([]);
      expect(b.closes).toEqual([]);
    } finally {
      a.destroy();
      b.destroy();
    }
    await ts.close();
    ts = null;
    expect(log.lines.length).toBeLessThanOrEqual(2);
    expect(log.lines.at(-1)).toMatch(/websocket problems: \d+ \(/);
  });
});
