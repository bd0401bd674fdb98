/**
 * Seeded convergence fuzz of the rich-text binding: 2–5 headless Lexical
 * editors, each bound (through client/editor/collab.ts) to the same rationale
 * in its own replica of the package doc, type, delete, split and remove
 * paragraphs (and, where said, bold ranges) at random, while a relay under the
 * test's control delivers the updates in a seeded random order and peers drop
 * off and come back. In the end every replica has the same content and state
 * vector, and every editor shows exactly what its replica holds.
 *
 * The relay works like the sync server: each peer has a link up to a hub doc
 * and one down from it, each first-in-first-out; which link delivers next, and
 * how much, is random. The hub forwards what it applied to the online peers.
 * An offline peer's own updates wait on its uplink until it is back; what the
 * hub forwards while it is away is lost, so on reconnect it exchanges state
 * vectors with the hub, as y-websocket does. The "any order" relay instead
 * hands every peer the others' updates in a random order, also before updates
 * they depend on — something the server never does.
 *
 * A failure names the seed and lists every operation. Pin a failing seed
 * below as a named case, with what it exercises, so every run replays it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { $createParagraphNode, $createTextNode, $getRoot, $getSelection, $isElementNode, $isRangeSelection, $isTextNode, type LexicalEditor } from 'lexical';
import { createLineInDoc, getLinesMap } from '../../../shared/doc/schema';
import { readRichTextFromXml } from '../../../shared/doc/richtext';
import { createTextBinding, registerTextCollaboration } from '../../../client/editor/collab';
import { headlessEditor, offlineProvider as provider } from './headless';
import { mulberry32 } from '../../helpers/random';

const tick = () => new Promise((r) => setTimeout(r, 0));
/** The transaction origin of updates the relay applies (an editor's own edits have its binding as origin). */
const NET = 'net';
const WORDS = ['skole', 'mat', ' ', 'økt', 'ramme', '2024', 'å'];

interface Options {
  /** Whether editors also toggle bold on ranges. */
  bold: boolean;
  /** `server`: per-link FIFO through a hub, as in production; `any`: every update in random order. */
  relay: 'server' | 'any';
  steps: number;
}
const DEFAULTS: Options = { bold: false, relay: 'server', steps: 60 };

/** One random edit in `editor`; returns what it did, for the failure report. */
function randomEdit(editor: LexicalEditor, rand: () => number, bold: boolean): string {
  const word = WORDS[Math.floor(rand() * WORDS.length)]!;
  const op = rand();
  let did = '';
  editor.update(
    () => {
      const root = $getRoot();
      const blocks = root.getChildren().filter($isElementNode);
      const b = Math.floor(rand() * blocks.length);
      const block = blocks[b];
      if (!block) {
        root.append($createParagraphNode().append($createTextNode(word)));
        did = `append paragraph "${word}"`;
        return;
      }
      const text = block.getAllTextNodes()[0];
      const size = text?.getTextContentSize() ?? 0;
      if (op < 0.12) {
        block.insertAfter($createParagraphNode().append($createTextNode(word)));
        did = `new paragraph "${word}" after #${b}`;
      } else if (op < 0.2 && blocks.length > 1) {
        block.remove();
        did = `remove paragraph #${b}`;
      } else if (op < 0.38 && text && size > 1) {
        const at = Math.floor(rand() * (size - 1));
        const len = 1 + Math.floor(rand() * Math.min(3, size - at - 1));
        text.select(at, at + len);
        const sel = $getSelection();
        if ($isRangeSelection(sel)) sel.removeText();
        did = `delete #${b} [${at}, ${at + len})`;
      } else if (bold && op < 0.48 && text && size > 1) {
        const at = Math.floor(rand() * (size - 1));
        text.select(at, size);
        const sel = $getSelection();
        if ($isRangeSelection(sel)) sel.formatText('bold');
        did = `toggle bold #${b} [${at}, ${size})`;
      } else if ($isTextNode(text)) {
        const at = Math.floor(rand() * (size + 1));
        text.select(at, at);
        const sel = $getSelection();
        if ($isRangeSelection(sel)) sel.insertText(word);
        did = `insert "${word}" in #${b} at ${at}`;
      } else {
        block.append($createTextNode(word));
        did = `append "${word}" to #${b}`;
      }
    },
    { discrete: true },
  );
  return did;
}

type Run = Array<{ text: string; bold: boolean }>;

/** Paragraph by paragraph, runs of equal formatting merged, bold runs in *stars*: what a reader sees. */
function render(blocks: Run[]): string {
  return blocks
    .map((runs) => {
      const merged: Run = [];
      for (const r of runs) {
        if (r.text === '') continue;
        const last = merged.at(-1);
        if (last && last.bold === r.bold) last.text += r.text;
        else merged.push({ ...r });
      }
      return merged.map((r) => (r.bold ? `*${r.text}*` : r.text)).join('');
    })
    .join('\n');
}

/** What the editor shows. */
const shown = (editor: LexicalEditor): string =>
  editor.getEditorState().read(() =>
    render(
      $getRoot()
        .getChildren()
        .map((block) => ($isElementNode(block) ? block.getAllTextNodes().map((t) => ({ text: t.getTextContent(), bold: t.hasFormat('bold') })) : [{ text: block.getTextContent(), bold: false }])),
    ),
  );

/** What the replica holds, read the way the server and the exports read it. */
const stored = (x: Y.XmlText): string =>
  render(
    readRichTextFromXml(x).flatMap((b) =>
      b.type === 'list' ? b.items.map((item) => item.map((r) => ({ text: r.text, bold: !!r.bold }))) : [b.runs.map((r) => ({ text: r.text, bold: !!r.bold }))],
    ),
  );

interface Peer {
  doc: Y.Doc;
  editor: LexicalEditor;
  x: Y.XmlText;
  stop: () => void;
  online: boolean;
  /** Server relay: own updates on their way to the hub (held while offline). Any-order relay: own updates made offline. */
  up: Uint8Array[];
  /** Server relay: updates from the hub, in order. Any-order relay: the others' updates, taken in random order. */
  down: Uint8Array[];
}

/** What a seed exercised, so a pinned case can check it still does. */
interface RunStats {
  peers: number;
  /** Edits made by a peer while it was offline, and by how many different peers. */
  offlineEdits: number;
  offlineEditors: number;
  reconnects: number;
}

/**
 * Runs one seed: the number of peers, the client ids, every edit, delivery,
 * disconnect and reconnect follow from it. Throws, naming the seed and
 * listing the operations, if the replicas or editors end up different.
 */
async function runSeed(seed: number, options: Partial<Options> = {}): Promise<RunStats> {
  const opts = { ...DEFAULTS, ...options };
  const rand = mulberry32(seed);
  const n = 2 + Math.floor(rand() * 4);
  const log: string[] = [`${n} peers, relay ${opts.relay}${opts.bold ? ', with bold' : ''}`];
  const stats: RunStats = { peers: n, offlineEdits: 0, offlineEditors: 0, reconnects: 0 };
  const offlineEditors = new Set<number>();
  // Client ids decide the order of concurrent inserts: seeded too, so a seed replays exactly.
  const ids = new Set<number>();
  while (ids.size < n + 1) ids.add(1 + Math.floor(rand() * 2 ** 30));
  const [hubId, ...peerIds] = [...ids];
  const hub = new Y.Doc();
  hub.clientID = hubId!;
  const lineId = createLineInDoc(hub, { ledger: 'drift', group: 'tiltak', title: 'T', rationale: [{ type: 'paragraph', runs: [{ text: 'Start' }] }] });
  const initial = Y.encodeStateAsUpdate(hub);
  const peers: Peer[] = [];
  // The hub forwards what it applied to every other online peer, as the server's room does.
  hub.on('update', (u: Uint8Array, from: unknown) => peers.forEach((p, j) => j !== from && p.online && p.down.push(u)));

  for (let i = 0; i < n; i++) {
    const doc = new Y.Doc();
    doc.clientID = peerIds[i]!;
    Y.applyUpdate(doc, initial, NET);
    const x = getLinesMap(doc).get(lineId)!.get('rationale') as Y.XmlText;
    const editor = headlessEditor(`c${seed}-${i}`);
    const stop = registerTextCollaboration(createTextBinding(editor, doc, x, `line:${lineId}`), provider);
    const peer: Peer = { doc, editor, x, stop, online: true, up: [], down: [] };
    doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin === NET) return;
      if (opts.relay === 'server' || !peer.online) peer.up.push(u);
      else peers.forEach((q, j) => j !== i && q.down.push(u));
    });
    peers.push(peer);
  }

  /** Delivers one message on a link of peer j, if it has one; returns whether it did. */
  const deliver = (j: number, link: 'up' | 'down'): boolean => {
    const p = peers[j]!;
    if (!p.online || p[link].length === 0) return false;
    if (opts.relay === 'any') {
      if (link === 'up') return false;
      const k = Math.floor(rand() * p.down.length);
      const [u] = p.down.splice(k, 1);
      Y.applyUpdate(p.doc, u!, NET);
      log.push(`deliver to ${j} (${k + 1} of ${p.down.length + 1} waiting)`);
      return true;
    }
    const u = p[link].shift()!;
    if (link === 'up') Y.applyUpdate(hub, u, j);
    else Y.applyUpdate(p.doc, u, NET);
    log.push(link === 'up' ? `${j} → hub` : `hub → ${j}`);
    return true;
  };
  const goOffline = (j: number) => {
    const p = peers[j]!;
    p.online = false;
    // What was on its way down is lost with the connection; its own updates stay queued.
    if (opts.relay === 'server') p.down.length = 0;
    log.push(`${j} goes offline`);
  };
  const reconnect = (j: number) => {
    const p = peers[j]!;
    p.online = true;
    stats.reconnects++;
    if (opts.relay === 'any') {
      log.push(`${j} reconnects, sends ${p.up.length} queued updates`);
      for (const u of p.up.splice(0)) peers.forEach((q, k) => k !== j && q.down.push(u));
      return;
    }
    // Sync step 1/2 with the hub: it gets what it lacks from the peer (now or, half the
    // time, through the queued updates still on the uplink), the peer what it missed.
    const both = rand() < 0.5;
    if (both) Y.applyUpdate(hub, Y.encodeStateAsUpdate(p.doc, Y.encodeStateVector(hub)), j);
    Y.applyUpdate(p.doc, Y.encodeStateAsUpdate(hub, Y.encodeStateVector(p.doc)), NET);
    log.push(`${j} reconnects and exchanges state vectors with the hub${both ? ' both ways' : ''} (${p.up.length} updates still queued)`);
  };

  try {
    for (let s = 0; s < opts.steps; s++) {
      const r = rand();
      const j = Math.floor(rand() * n);
      const p = peers[j]!;
      if (r < 0.45) {
        const did = randomEdit(p.editor, rand, opts.bold);
        if (!p.online) {
          stats.offlineEdits++;
          offlineEditors.add(j);
          stats.offlineEditors = offlineEditors.size;
        }
        log.push(`${j}${p.online ? '' : ' (offline)'}: ${did}`);
      } else if (r < 0.85) {
        const link = rand() < 0.5 ? 'up' : 'down';
        for (let d = 1 + Math.floor(rand() * 3); d > 0; d--) deliver(j, link);
      } else if (p.online) {
        goOffline(j);
      } else {
        reconnect(j);
      }
      await tick();
    }
    peers.forEach((p, j) => !p.online && reconnect(j));
    // A reconnect applies what the peer missed at once: let its editor commit that
    // (Lexical commits a remote change after the current task) before anything is compared.
    await tick();
    await tick();
    // Deliver everything; an editor may answer a remote change with one of its own
    // (normalisation), so repeat until a round brings nothing new.
    const busy = () => peers.some((p) => p.up.length > 0 || p.down.length > 0);
    for (let round = 0; busy(); round++) {
      if (round === 20) throw new Error('the editors keep producing updates after 20 delivery rounds');
      while (busy()) for (let j = 0; j < n; j++) if (!deliver(j, 'up')) deliver(j, 'down');
      log.push(`all delivered (round ${round + 1})`);
      await tick();
      await tick();
    }

    // toJSON shows a paragraph inside the rationale as [object Object]: compare its blocks too.
    const json = peers.map((p) => JSON.stringify(p.doc.toJSON()) + JSON.stringify(readRichTextFromXml(p.x)));
    const vector = (d: Y.Doc) => [...Y.decodeStateVector(Y.encodeStateVector(d))].sort(([a], [b]) => a - b);
    if (opts.relay === 'server') expect(vector(peers[0]!.doc), 'state vector of peer 0 vs the hub').toEqual(vector(hub));
    for (let j = 1; j < n; j++) {
      expect(json[j], `doc of peer ${j} vs peer 0`).toBe(json[0]);
      expect(vector(peers[j]!.doc), `state vector of peer ${j} vs peer 0`).toEqual(vector(peers[0]!.doc));
    }
    for (const [j, p] of peers.entries()) {
      expect(p.doc.store.pendingStructs, `updates still pending at peer ${j}`).toBeNull();
      expect(shown(p.editor), `editor of peer ${j} vs its doc`).toBe(stored(p.x));
      expect(shown(p.editor), `editor of peer ${j} vs editor of peer 0`).toBe(shown(peers[0]!.editor));
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`convergence failed for seed ${seed}: ${message}\noperations:\n  ${log.join('\n  ')}`, { cause: err });
  } finally {
    for (const p of peers) p.stop();
  }
  return stats;
}

/**
 * Seeds replayed on every run. Neither of the first two has failed: they are
 * pinned as regression cases for disconnects, with every peer editing while
 * offline. The next two failed until @lexical/yjs was patched (patches/): they
 * are the two bugs the fuzz found. A seed that fails below goes here (or, until
 * it is fixed, to KNOWN_FAILURES), with what it exercises.
 */
const PINNED: Array<{ name: string; seed: number; options?: Partial<Options>; exercises: Partial<RunStats> }> = [
  { name: 'five peers, all of them editing offline, ten reconnects', seed: 4, exercises: { peers: 5, offlineEditors: 5, reconnects: 10 } },
  { name: 'two peers, both editing offline, twenty offline edits', seed: 65, exercises: { peers: 2, offlineEditors: 2, offlineEdits: 20 } },
  // Peer 1 bolds "tart" while peer 0 deletes "Sta". The remote delete empties peer 1's
  // "S" node; Lexical's normalization removed it without telling the binding (only
  // merges are reported), its collab node stayed, and peer 1's next edit was written
  // to that collab node by index: its editor showed "art", every doc held "tart".
  { name: 'two peers, a bold range and a concurrent delete (an emptied text node)', seed: 56, options: { bold: true, steps: 12 }, exercises: { peers: 2 } },
  // Updates delivered before updates they depend on (the server never does that).
  // Peer 0's editor lost its first paragraph's text: the same stale, emptied collab
  // node, here left by a delete that arrived out of order.
  { name: 'four peers, updates delivered before updates they depend on', seed: 113, options: { relay: 'any' }, exercises: { peers: 4 } },
];

/**
 * Seeds that do not converge today (found by the bold sweep's longer runs; about
 * 0.7 % of 60-step runs with bold, none in the sweep below): @lexical/yjs's v1
 * binding drops characters someone typed into a text node that another person
 * deleted at the same time (its "dangling text" heuristic deletes them from the
 * doc) and can then misplace text appended after a concurrent format run. A patch
 * that kept such characters under a new text map made other seeds diverge, so it
 * is not applied. Each case expects exactly its failure; once a fix makes one
 * converge, the test fails and the seed moves to PINNED.
 */
const KNOWN_FAILURES: Array<{ name: string; seed: number; options: Partial<Options>; failure: RegExp }> = [
  // Peer 0 (offline) types into "Start" while peer 1 deletes its start; text appended
  // later ("ramme") reaches the docs but not peer 0's editor.
  { name: 'three peers, typing into a node deleted concurrently, then appending', seed: 610, options: { bold: true, steps: 12 }, failure: /editor of peer 0 vs its doc: expected '' to be 'ramme'/ },
];

describe('editors on one rationale converge', () => {
  it.each(PINNED)('pinned: $name (seed $seed)', async ({ seed, options, exercises }) => {
    const stats = await runSeed(seed, options);
    // The seed still exercises what it was pinned for (a change in the generator would change that silently).
    expect(stats).toMatchObject(exercises);
  });

  it('for random seeded edits, delivery orders and disconnects through a server-like relay', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        await runSeed(seed);
      }),
      // A seed is the whole case: shrinking it only tries unrelated seeds.
      { numRuns: 25, endOnFailure: true },
    );
  });

  it('with bold ranges too: every seed of a fixed sweep (1–120, 20 steps) through the server-like relay', async () => {
    // A fixed sweep rather than random seeds: with bold, about one 60-step run in
    // 150 still meets a known binding bug (KNOWN_FAILURES), which would make a
    // random run fail now and then for a reason already known.
    for (let seed = 1; seed <= 120; seed++) await runSeed(seed, { bold: true, steps: 20 });
  });

  it.each(KNOWN_FAILURES)('known bug, still failing: $name (seed $seed)', async ({ seed, options, failure }) => {
    await expect(runSeed(seed, options)).rejects.toThrow(failure);
  });
});
