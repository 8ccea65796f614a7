/**
 * The status-bar item: who the default connection (`microsoft/default`, what a notebook
 * uses unless told otherwise) is signed in as, with a count of the others; it turns to a
 * warning when a connection's last silent refresh failed. A click opens the panel.
 */
import { Widget } from '@lumino/widgets';

import { h } from './dom';
import { keyIcon } from './icon';
import { ConnectionsModel } from './model';

export class ConnectionsStatus extends Widget {
  constructor(model: ConnectionsModel, open: () => void) {
    super({ node: h('button', { class: 'authsome-Status', type: 'button' }) });
    this.model = model;
    this.node.addEventListener('click', open);
    model.changed.connect(this._render, this);
    this._render();
  }

  readonly model: ConnectionsModel;

  dispose(): void {
    this.model.changed.disconnect(this._render, this);
    super.dispose();
  }

  private _render(): void {
    const { connections, failing, defaultConnection } = this.model;
    const others = connections.length - (defaultConnection ? 1 : 0);
    let text = 'Not signed in';
    if (failing.length) {
      text =
        failing.length === 1
          ? `Refresh failed: ${failing[0].key}`
          : `${failing.length} refreshes failed`;
    } else if (defaultConnection) {
      const who = defaultConnection.username || defaultConnection.display_name || 'signed in';
      text = others ? `${who} +${others}` : who;
    } else if (others) {
      text = `No default connection (${others} other${others === 1 ? '' : 's'})`;
    }
    const details = connections.map(
      c =>
        `${c.key}: ${c.username || c.display_name || 'unknown account'}` +
        (c.refresh_error ? ` — last refresh failed: ${c.refresh_error}` : '')
    );
    this.node.title = details.length ? details.join('\n') : 'No connections: click to sign in';
    this.node.classList.toggle('authsome-mod-warning', failing.length > 0);
    this.node.replaceChildren(
      keyIcon.element({ tag: 'span', className: 'authsome-StatusIcon' }),
      h('span', { class: 'authsome-StatusText' }, text)
    );
  }
}
