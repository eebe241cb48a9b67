// The page of a fork link (/?fork=<slug>, handed out by a repl's owner from its Share dialog): once signed in, the
// user sees what the repl is (title, description, template, owner) and forks it into a new repl of their own, which
// the IDE then opens. A link that is off, or a repl that is gone, says so instead.
import { h } from '../lib/dom';
import { ApiError, errorTitle, forkRepl, getForkCard, isUnauthenticated } from '../lib/api';
import { confirmDialog } from '../lib/modal';
import { toastError } from '../lib/toast';
import { ideHref } from './repllist';

/** The slug a fork link names, or null; read before the home page tidies its address. */
export function forkLinkSlug(search: string): string | null {
  const slug = new URLSearchParams(search).get('fork');
  return slug && slug.trim() ? slug.trim() : null;
}

export async function offerFork(slug: string): Promise<void> {
  let card;
  try {
    card = await getForkCard(slug);
  } catch (e) {
    if (!isUnauthenticated(e)) toastError(e instanceof ApiError ? `Cannot fork ${slug}: ${errorTitle(e.code).toLowerCase()}` : `Cannot fork ${slug}`, e, 'fork');
    return;
  }
  const message = h('div', { class: 'fork-card', testid: 'fork-card' },
    card.description ? h('p', null, card.description) : null,
    h('p', { class: 'fork-card-meta' },
      'A ', h('code', null, card.template), ' repl by ', h('strong', { testid: 'fork-card-owner' }, card.owner),
      '. Your fork gets a copy of its files as a new repl of your own; never its secrets or variables.'));
  const ok = await confirmDialog({ title: `Fork ${card.title || card.slug}?`, message, confirmLabel: 'Fork' });
  if (!ok) return;
  try {
    const fork = await forkRepl(slug);
    location.href = ideHref(fork.slug);
  } catch (e) {
    if (!isUnauthenticated(e)) toastError(e instanceof ApiError ? `Could not fork: ${errorTitle(e.code).toLowerCase()}` : 'Could not fork', e, 'fork');
  }
}
