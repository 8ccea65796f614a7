/**
 * The "Connections" sidebar: every provider/connection with account, tenant, scopes and
 * expiry; sign out; and a device-code sign-in run by the server, for any provider defined
 * as data that offers one, whose code and link are shown right here (the browser that
 * shows JupyterLab is where the user is).
 */
import { Clipboard } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { Connection, LoginJob, Provider } from './api';
import { describeToken, h, safeLink } from './dom';
import { keyIcon } from './icon';
import { ConnectionsModel, isRunning } from './model';
import { confirmSignOut } from './signout';

const BUTTON = 'jp-Button jp-mod-styled';
const TICK_MS = 30 * 1000; // "expires in …" stays roughly right

export class ConnectionsPanel extends Widget {
  constructor(model: ConnectionsModel) {
    super();
    this.model = model;
    this.id = 'authsome-nb-connections';
    this.addClass('authsome-ConnectionsPanel');
    this.title.icon = keyIcon;
    this.title.caption = 'Connections (authsome_nb)';

    const refresh = h('button', { class: `${BUTTON} authsome-Refresh` }, 'Refresh');
    refresh.addEventListener('click', () => {
      void this.model.refresh();
      void this.model.loadProviders();
    });
    this._jobArea = h('section', { class: 'authsome-Job', 'aria-live': 'polite' });
    this._list = h('section', { class: 'authsome-List', 'aria-label': 'Connections' });
    this.node.append(
      h('header', { class: 'authsome-Header' }, h('h2', {}, 'Connections'), refresh),
      this._jobArea,
      this._list,
      this._signInForm()
    );
    model.changed.connect(this._render, this);
    this._timer = window.setInterval(() => this._renderList(), TICK_MS);
    this._render();
    void model.loadProviders();
  }

  readonly model: ConnectionsModel;

  dispose(): void {
    window.clearInterval(this._timer);
    this.model.changed.disconnect(this._render, this);
    super.dispose();
  }

  private _signInForm(): HTMLElement {
    this._provider = h('select', { class: 'jp-mod-styled', name: 'provider' });
    this._provider.addEventListener('change', () => this._renderServices());
    const connection = h('input', {
      class: 'jp-mod-styled',
      name: 'connection',
      placeholder: 'default'
    });
    this._services = h('input', { class: 'jp-mod-styled', name: 'services' });
    this._providersError = h('p', { class: 'authsome-Error', hidden: true });
    this._submit = h('button', { class: `${BUTTON} jp-mod-accept`, type: 'submit' }, 'Sign in');
    const form = h(
      'form',
      { class: 'authsome-SignIn' },
      h('h3', {}, 'New sign-in'),
      h('label', {}, 'Provider', this._provider),
      this._providersError,
      h('label', {}, 'Connection', connection),
      h('label', {}, 'Services', this._services),
      h('p', { class: 'authsome-Hint' }, 'A device code: you approve it in any browser.'),
      this._submit
    );
    form.addEventListener('submit', event => {
      event.preventDefault();
      void this.model.signIn({
        provider: this._provider.value || 'microsoft',
        connection: connection.value.trim() || 'default',
        services: this._services.value.trim() || undefined
      });
    });
    return form;
  }

  /** The picker: providers with a device code can be chosen here; the others, grouped apart,
   * say where to go (a notebook's %authsome login). */
  private _renderProviders(): void {
    const offered = this.model.providers;
    const names = offered.map(p => `${p.name}:${p.device_code}`).join(' ');
    if (names !== this._offered) {
      this._offered = names;
      const chosen = this._provider.value || 'microsoft';
      const here = offered.filter(p => p.device_code);
      const elsewhere = offered.filter(p => !p.device_code);
      const groups = [
        h('optgroup', { label: 'Sign in here (device code)' }, ...here.map(p => this._option(p)))
      ];
      if (elsewhere.length) {
        const label = `From a notebook: %authsome login NAME (${elsewhere.length})`;
        groups.push(h('optgroup', { label }, ...elsewhere.map(p => this._option(p))));
      }
      this._provider.replaceChildren(...groups);
      const keep = offered.find(p => p.name === chosen && p.device_code);
      this._provider.value = keep ? chosen : (offered.find(p => p.device_code)?.name ?? '');
      this._renderServices();
    }
    const error = this.model.providersError;
    this._providersError.hidden = !error;
    this._providersError.textContent = error ? `Could not list the providers: ${error}` : '';
  }

  private _option(p: Provider): HTMLOptionElement {
    const label = `${p.display_name} (${p.name})`;
    return h('option', { value: p.name, disabled: !p.device_code }, label);
  }

  /** The services field names the chosen provider's presets, or stands aside if it has none. */
  private _renderServices(): void {
    const provider = this.model.providers.find(p => p.name === this._provider.value);
    const services = provider?.services ?? [];
    this._services.disabled = services.length === 0;
    this._services.placeholder = services.length
      ? `e.g. ${services.slice(0, 2).join(',')}`
      : 'none defined for this provider';
    if (this._services.disabled) {
      this._services.value = '';
    }
  }

  private _render(): void {
    this._renderProviders();
    this._renderList();
    this._renderJob(this.model.job);
    if (this._submit) {
      this._submit.disabled = isRunning(this.model.job);
    }
  }

  private _renderList(): void {
    const model = this.model;
    const items: Node[] = [];
    if (model.error) {
      items.push(h('p', { class: 'authsome-Error' }, `Could not list connections: ${model.error}`));
    }
    if (model.loaded && model.connections.length === 0 && !model.error) {
      items.push(
        h(
          'p',
          { class: 'authsome-Empty' },
          'No connections yet. Sign in below, or run ',
          h('code', {}, '%authsome login microsoft'),
          ' in a notebook.'
        )
      );
    }
    for (const connection of model.connections) {
      items.push(this._card(connection));
    }
    this._list.replaceChildren(...items);
  }

  private _card(c: Connection): HTMLElement {
    // JupyterHub's own sign-in (microsoft/hub) ends when the user logs out of the Hub.
    let signOut: HTMLElement;
    if (c.flow === 'jupyterhub') {
      signOut = h('span', { class: 'authsome-Hint' }, 'Signed in at JupyterHub');
    } else {
      signOut = h('button', { class: `${BUTTON} jp-mod-warn` }, 'Sign out');
      signOut.addEventListener('click', () => void confirmSignOut(this.model, c));
    }
    let signInAgain: HTMLButtonElement | null = null;
    if (c.refresh_error) {
      signInAgain = h('button', { class: `${BUTTON} jp-mod-accept` }, 'Sign in again');
      signInAgain.disabled = isRunning(this.model.job);
      signInAgain.addEventListener(
        'click',
        () =>
          void this.model.signIn({ provider: c.provider, connection: c.connection, force: true })
      );
    }
    const rows: [string, string][] = [
      ['Name', c.display_name || '—'],
      ['Account', c.username || (c.flow === 'api_key' ? 'none: an API key' : 'unknown account')],
      ...(c.tenant_id ? ([['Tenant', c.tenant_id]] as [string, string][]) : []),
      ['Scopes', c.scopes.join(' ') || '—'],
      ['Token', describeToken(c)]
    ];
    return h(
      'article',
      { class: 'authsome-Connection', 'data-key': c.key },
      h('h4', {}, h('span', { class: 'authsome-Provider' }, `${c.provider} / `), c.connection),
      h('dl', {}, ...rows.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])),
      c.refresh_error && h('p', { class: 'authsome-Warning' }, c.refresh_error),
      h('div', { class: 'authsome-Actions' }, signInAgain, signOut)
    );
  }

  private _renderJob(job: LoginJob | null): void {
    if (!job) {
      this._jobArea.replaceChildren();
      this._jobArea.hidden = true;
      return;
    }
    this._jobArea.hidden = false;
    const where = `${job.provider}/${job.connection}`;
    const parts: Node[] = [];
    if (job.status === 'starting') {
      parts.push(h('p', {}, `Starting the sign-in for ${where}…`));
    } else if (job.status === 'waiting' && job.device_code) {
      const code = job.device_code;
      const copy = h('button', { class: BUTTON, title: 'Copy the code' }, 'Copy code');
      copy.addEventListener('click', () => Clipboard.copyToSystem(code.user_code));
      const cancel = h('button', { class: `${BUTTON} jp-mod-reject` }, 'Cancel');
      cancel.addEventListener('click', () => void this.model.cancelSignIn());
      const minutes = Math.max(1, Math.round((code.expires_at - Date.now() / 1000) / 60));
      const link = safeLink(code.verification_uri, code.verification_uri);
      parts.push(
        h('p', {}, `To sign in ${where}, open `, link, ' and enter the code'),
        h('div', { class: 'authsome-UserCode', 'aria-label': 'Device code' }, code.user_code),
        h('div', { class: 'authsome-Actions' }, copy, cancel),
        h('p', { class: 'authsome-Hint' }, `Valid for ${minutes} min. Waiting for approval…`)
      );
    } else {
      const dismiss = h('button', { class: BUTTON }, 'Dismiss');
      dismiss.addEventListener('click', () => this.model.dismissJob());
      if (job.status === 'signed_in') {
        const who = job.account?.username || job.account?.display_name || 'your account';
        parts.push(h('p', { class: 'authsome-Ok' }, `Signed in to ${where} as ${who}.`));
      } else if (job.status === 'cancelled') {
        parts.push(h('p', {}, `Sign-in for ${where} cancelled.`));
      } else {
        parts.push(h('pre', { class: 'authsome-Error' }, job.error || 'The sign-in failed.'));
      }
      parts.push(dismiss);
    }
    this._jobArea.replaceChildren(...parts);
  }

  private _jobArea: HTMLElement;
  private _list: HTMLElement;
  private _offered = '';
  private _provider!: HTMLSelectElement;
  private _providersError!: HTMLElement;
  private _services!: HTMLInputElement;
  private _submit: HTMLButtonElement | null = null;
  private _timer: number;
}
