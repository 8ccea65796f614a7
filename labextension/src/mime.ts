/**
 * The notebook's finished outputs, live: `%authsome login`'s account card and
 * `%authsome list`'s table, saved in the notebook as account facts
 * (`application/vnd.authsome.connection(s)+json`, never a token) beside static HTML.
 *
 * In JupyterLab and Notebook 7 these renderers show the saved facts at once (no kernel, no
 * widget state needed), then follow the store: a card says "signed out" as soon as the
 * connection is gone, shows the new account when someone signs in again elsewhere, and can
 * sign out itself. Everything is built from text nodes: the facts cannot inject markup.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';

import type { Connection, ConnectionFacts, SavedCard, SavedTable } from './api';
import { Child, describeToken, h } from './dom';
import { sharedModel } from './live';
import { ConnectionsModel } from './model';
import { confirmSignOut } from './signout';

export const CONNECTION_MIME = 'application/vnd.authsome.connection+json';
export const CONNECTIONS_MIME = 'application/vnd.authsome.connections+json';

function initials(name: string): string {
  const parts = name
    .replace(/[@.]/g, ' ')
    .split(/\s+/)
    .filter(p => /^\p{L}/u.test(p));
  return (
    parts
      .slice(0, 2)
      .map(p => p[0].toUpperCase())
      .join('') || '?'
  );
}

/** The card's head: initials, name and account, and the state as a badge. */
function header(c: ConnectionFacts, state: string): HTMLElement {
  const name = c.display_name || c.username || 'Unknown account';
  return h(
    'div',
    { class: 'authsome-CardHeader' },
    h('div', { class: 'authsome-Avatar', 'aria-hidden': 'true' }, initials(name)),
    h(
      'div',
      { class: 'authsome-Who' },
      h('div', { class: 'authsome-Name' }, name),
      h('div', { class: 'authsome-Account' }, c.username || '')
    ),
    h('span', { class: 'authsome-Badge', 'data-state': state }, state)
  );
}

function command(c: ConnectionFacts, verb: string): string {
  const name = c.connection === 'default' ? '' : ` ${c.connection}`;
  return `%authsome ${verb} ${c.provider}${name}`;
}

/**
 * A widget that re-renders whenever the shared model changes, until disposed.
 *
 * Its saved facts may be newer than the page's list (the card of a sign-in that just
 * ended): until a list fetched after it came, it shows what it was given, never "signed
 * out" from an older list, and asks for a newer list at once.
 */
abstract class LiveOutput extends Widget implements IRenderMime.IRenderer {
  constructor() {
    super();
    this.model = sharedModel();
    this.model.changed.connect(this.render, this);
  }

  readonly model: ConnectionsModel;

  async renderModel(mimeModel: IRenderMime.IMimeModel): Promise<void> {
    this.load(mimeModel);
    this.seenAt = this.model.generation;
    this.render();
    this.model.requestNewerThan(this.seenAt);
  }

  /** Take the saved facts out of the output's data. */
  protected abstract load(mimeModel: IRenderMime.IMimeModel): void;

  protected abstract render(): void;

  /** The model's generation when these facts appeared: only a newer list may contradict them. */
  protected seenAt = 0;

  dispose(): void {
    this.model.changed.disconnect(this.render, this);
    super.dispose();
  }
}

export class ConnectionCard extends LiveOutput {
  constructor() {
    super();
    this.addClass('authsome-Card');
  }

  protected load(mimeModel: IRenderMime.IMimeModel): void {
    this._saved = mimeModel.data[CONNECTION_MIME] as unknown as SavedCard;
  }

  protected render(): void {
    const saved = this._saved?.connection;
    if (!saved) {
      return;
    }
    const now = this.model.find(saved.key, this.seenAt);
    const c = now ?? saved;
    const state = now === null ? 'signed out' : c.refresh_error ? 'refresh failed' : 'signed in';
    this.node.dataset.key = saved.key;
    this.node.dataset.state = state;
    const rows: [string, Node | string][] = [
      ...(c.tenant_id ? ([['Tenant', c.tenant_id]] as [string, string][]) : []),
      ['Connection', h('code', {}, c.key)],
      ['Scopes', h('span', {}, ...c.scopes.map(s => h('code', { class: 'authsome-Scope' }, s)))],
      ['Token', now === null ? 'removed from the store' : describeToken(c)]
    ];
    if (c.refresh_error && now !== null) {
      rows.push(['Last refresh', c.refresh_error]);
    }
    const note = this._saved?.note && now !== null ? this._saved.note : '';
    this.node.replaceChildren(
      header(c, state),
      ...(note ? [h('p', { class: 'authsome-CardNote' }, note)] : []),
      h('dl', {}, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      this._footer(saved, now)
    );
  }

  /** What can be done: sign in again, nothing yet, log out of the Hub, or sign out here. */
  private _footer(saved: ConnectionFacts, now: Connection | null | undefined): Node {
    const hint = (...text: Child[]) => h('p', { class: 'authsome-CardHint' }, ...text);
    if (now === null) {
      return hint(
        'Signed out in every kernel. Sign in again: ',
        h('code', {}, command(saved, 'login'))
      );
    }
    if (now === undefined) {
      return hint('As saved in this notebook.');
    }
    if (now.flow === 'jupyterhub') {
      return hint('Signed in at JupyterHub: log out of the Hub to end it.');
    }
    const signOut = h('button', { class: 'jp-Button jp-mod-styled jp-mod-warn' }, 'Sign out');
    signOut.addEventListener('click', () => void confirmSignOut(this.model, now));
    return h('div', { class: 'authsome-Actions' }, signOut);
  }

  private _saved: SavedCard | null = null;
}

export class ConnectionsTableView extends LiveOutput {
  constructor() {
    super();
    this.addClass('authsome-Table');
  }

  protected load(mimeModel: IRenderMime.IMimeModel): void {
    this._saved = mimeModel.data[CONNECTIONS_MIME] as unknown as SavedTable;
  }

  protected render(): void {
    const saved = this._saved;
    if (!saved) {
      return;
    }
    const live = this.model.isCurrentFor(this.seenAt);
    const all = live ? this.model.connections : saved.connections;
    const shown = all.filter(c => !saved.provider || c.provider === saved.provider);
    if (shown.length === 0) {
      this.node.replaceChildren(
        h(
          'p',
          { class: 'authsome-CardHint' },
          'No connections yet: sign in with ',
          h('code', {}, '%authsome login microsoft')
        )
      );
      return;
    }
    const head = ['Connection', 'Account', 'Name', 'Tenant', 'Scopes', 'Token'];
    this.node.replaceChildren(
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...head.map(t => h('th', {}, t)))),
        h(
          'tbody',
          {},
          ...shown.map(c =>
            h(
              'tr',
              { 'data-key': c.key },
              ...[
                c.key,
                c.username || '',
                c.display_name || '',
                c.tenant_id || '',
                c.scopes.join(' '),
                describeToken(c)
              ].map(v => h('td', {}, v))
            )
          )
        )
      ),
      h(
        'p',
        { class: 'authsome-CardHint' },
        live ? 'Follows the store.' : 'As saved in this notebook.'
      )
    );
  }

  private _saved: SavedTable | null = null;
}

const extension: IRenderMime.IExtension = {
  id: 'authsome-nb:cards',
  description: 'Account cards and connection tables that render without a kernel and stay live.',
  rendererFactory: {
    safe: true,
    mimeTypes: [CONNECTION_MIME, CONNECTIONS_MIME],
    createRenderer: options =>
      options.mimeType === CONNECTIONS_MIME ? new ConnectionsTableView() : new ConnectionCard()
  },
  rank: 0,
  dataType: 'json'
};

export default extension;
