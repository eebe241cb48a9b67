// The editor of a viewer: its text can be read, selected, searched and copied, never changed. CodeMirror refuses
// every change itself (EditorState.readOnly); an attempt to type, paste, cut or drop text is reported, so that the
// viewer is told why nothing happens rather than left guessing.
import { EditorState, Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';

export function readOnlyEditing(onRefused: () => void): Extension {
  // Typing, pasting and dropping are stopped before the browser touches the page: CodeMirror would undo the browser's
  // change to its DOM, but the page (and its scroll) would move meanwhile.
  const refuse = (e: Event) => { e.preventDefault(); onRefused(); return true; };
  // A cut in a read-only editor copies, as CodeMirror does it; only the notice is added.
  const refuseCut = () => { onRefused(); return false; };
  return [
    EditorState.readOnly.of(true),
    EditorView.domEventHandlers({ beforeinput: refuse, paste: refuse, drop: refuse, cut: refuseCut }),
    EditorView.contentAttributes.of({ 'aria-readonly': 'true' }),
  ];
}
