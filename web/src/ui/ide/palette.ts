// The command palette (Ctrl+Shift+P): the IDE's actions by name, picked fuzzily.
import { isMac } from '../lib/dom';
import { fuzzyScore, openPicker, PickItem } from './picker';

export interface Command { title: string; keys?: string; run: () => void }

/** Ctrl or ⌘ followed by the rest, as this machine writes a shortcut. */
export const shortcut = (keys: string) => (isMac ? keys.replace(/Ctrl\+/g, '⌘').replace(/Shift\+/g, '⇧') : keys);

export function openPalette(commands: Command[]): void {
  openPicker<PickItem & { command: Command }>({
    placeholder: 'Type a command',
    testid: 'palette',
    empty: 'No matching commands',
    filter: (query) => commands
      .map((command) => ({ command, score: fuzzyScore(query, command.title) }))
      .filter((x) => x.score !== null)
      .sort((a, b) => (query ? b.score! - a.score! : 0))
      .map(({ command }) => ({ command, label: command.title, hint: command.keys ? shortcut(command.keys) : undefined })),
    pick: (item) => item.command.run(),
  });
}
