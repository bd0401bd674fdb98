/**
 * Plain snapshots of the package doc for rendering. The doc is read through
 * the shared/doc helpers after each transaction (batched to one read per
 * animation frame), so React never holds Y types in state.
 */
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { readLinesFromDoc, readMetaFromDoc, readSectionsFromDoc, readVerbalFromDoc, type PackageMeta } from '../../shared/doc/schema';
import { readBaselineFromDoc, type BaselineArea } from '../../shared/doc/baseline';
import type { PackageLine, PackageSection, VerbalInstruction } from '../../shared/types';
import type { Awareness } from 'y-protocols/awareness';
import type { AwarenessState } from './connection';

export interface PackageSnapshot {
  meta: PackageMeta;
  sections: PackageSection[];
  lines: PackageLine[];
  verbal: VerbalInstruction[];
  baseline: BaselineArea[];
  /** Increases with every transaction seen. */
  version: number;
}

function read(doc: Y.Doc, version: number): PackageSnapshot {
  return {
    meta: readMetaFromDoc(doc),
    sections: readSectionsFromDoc(doc),
    lines: readLinesFromDoc(doc),
    verbal: readVerbalFromDoc(doc),
    baseline: readBaselineFromDoc(doc),
    version,
  };
}

export function usePackageSnapshot(doc: Y.Doc): PackageSnapshot {
  const [snap, setSnap] = useState(() => read(doc, 0));
  useEffect(() => {
    let version = 0;
    let frame = 0;
    const onTx = () => {
      version++;
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setSnap(read(doc, version));
      });
    };
    doc.on('afterTransaction', onTx);
    setSnap(read(doc, ++version));
    return () => {
      doc.off('afterTransaction', onTx);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [doc]);
  return snap;
}

export interface RemotePeer {
  clientId: number;
  name: string;
  color: string;
  party?: string;
  editing: { lineId: string; year: string } | null;
}

/** Everyone else in the package (awareness states with a user). */
export function useRemotePeers(awareness: Awareness): RemotePeer[] {
  const [peers, setPeers] = useState<RemotePeer[]>([]);
  useEffect(() => {
    const update = () => {
      const out: RemotePeer[] = [];
      awareness.getStates().forEach((raw, clientId) => {
        if (clientId === awareness.clientID) return;
        const st = raw as AwarenessState;
        if (!st?.user?.name) return;
        const ed = st.editing && typeof st.editing.lineId === 'string' ? st.editing : null;
        const peer: RemotePeer = { clientId, name: st.user.name, color: st.user.color || '#3b6ea5', editing: ed };
        if (st.user.party) peer.party = st.user.party;
        out.push(peer);
      });
      setPeers(out);
    };
    update();
    awareness.on('change', update);
    return () => awareness.off('change', update);
  }, [awareness]);
  return peers;
}
