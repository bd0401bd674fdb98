/**
 * Headless Lexical set-up shared by the editor tests: an editor with the app's
 * nodes and no DOM, and a provider that talks to no network.
 */
import { createEditor, type LexicalEditor } from 'lexical';
import type { Provider } from '@lexical/yjs';
import { EDITOR_NODES } from '../../../client/editor/nodes';

/**
 * A provider for `registerTextCollaboration` that is never connected and has an
 * empty awareness: the tests deliver document updates themselves.
 */
export const offlineProvider = {
  awareness: { getLocalState: () => null, getStates: () => new Map(), on() {}, off() {}, setLocalState() {}, setLocalStateField() {} },
  connect() {},
  disconnect() {},
  on() {},
  off() {},
} as unknown as Provider;

/** A headless editor with the app's nodes that rethrows every error, so a test cannot pass over one. */
export function headlessEditor(namespace = 'test'): LexicalEditor {
  return createEditor({
    namespace,
    nodes: EDITOR_NODES,
    onError: (e) => {
      throw e;
    },
  });
}
