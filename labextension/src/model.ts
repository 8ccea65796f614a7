/**
 * What the panel and the status bar show: the store's connections and the sign-in
 * the panel started. One model for both, so they never disagree.
 *
 * It refetches when the server's event bus says the store changed (any kernel signed
 * in or out, a refresh failed), after its own actions, and otherwise once a minute
 * while the page is visible, as a safety net for a dropped event socket.
 *
 * A list is only as new as the fetch that brought it: every fetch is numbered, and an
 * output that appears (a sign-in's card) notes the number reached so far and trusts only
 * a list fetched after it. So the very first sign-in's card never reads "signed out" from
 * a list fetched before the sign-in; it asks for a newer one instead.
 */
import type { Event } from '@jupyterlab/services';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import {
  CONNECTIONS_EVENT,
  cancelSignIn,
  Connection,
  LoginJob,
  Provider,
  SignInRequest,
  listConnections,
  listProviders,
  signInStatus,
  signOut,
  startSignIn
} from './api';

const JOB_POLL_MS = 1000;
const MICROSOFT: Provider = {
  name: 'microsoft',
  display_name: 'Microsoft',
  services: ['outlook', 'teams'],
  device_code: true
};
const SUCCESS_SHOWN_MS = 8000;

export function isRunning(job: LoginJob | null): boolean {
  return job !== null && (job.status === 'starting' || job.status === 'waiting');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ConnectionsModel {
  constructor(events?: Event.IManager) {
    this._poll = new Poll({
      factory: () => this._fetch(),
      frequency: { interval: 60 * 1000, backoff: true, max: 5 * 60 * 1000 },
      name: 'authsome-nb:connections',
      standby: 'when-hidden'
    });
    if (events) {
      this.listen(events);
    }
  }

  /** Follow the server's change events (once; a model made before the app had none). */
  listen(events: Event.IManager): void {
    if (this._events === null) {
      this._events = events;
      events.stream.connect(this._onEvent, this);
    }
  }

  /** Emitted whenever connections, the fetch error or the sign-in job change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get connections(): readonly Connection[] {
    return this._connections;
  }

  /** Connections whose last silent refresh failed (the status bar warns then). */
  get failing(): readonly Connection[] {
    return this._connections.filter(c => c.refresh_error);
  }

  /**
   * The connection the status bar names: the default one (`microsoft/default`, else any
   * provider's `default`), else none.
   */
  get defaultConnection(): Connection | null {
    const defaults = this._connections.filter(c => c.connection === 'default');
    return defaults.find(c => c.provider === 'microsoft') ?? defaults[0] ?? null;
  }

  /** How many listings have been started so far. */
  get generation(): number {
    return this._started;
  }

  /** The list is current for something that appeared at `generation`: fetched after it. */
  isCurrentFor(generation: number): boolean {
    return this._loaded && this._error === null && this._listed > generation;
  }

  /**
   * The connection stored under `key` now: undefined while unknown (not loaded, the server
   * cannot be asked, or the list is older than `generation`), null when there is none.
   */
  find(key: string, generation = 0): Connection | null | undefined {
    if (!this.isCurrentFor(generation)) {
      return undefined;
    }
    return this._connections.find(c => c.key === key) ?? null;
  }

  /** Make sure a list fetched after `generation` comes, unless one is already on its way. */
  requestNewerThan(generation: number): void {
    if (this._started <= generation) {
      void this.refresh();
    }
  }

  /** The providers a sign-in may use (Microsoft alone until the server said more). */
  get providers(): readonly Provider[] {
    return this._providers;
  }

  /** Why the providers could not be listed (e.g. a malformed definition), or null. */
  get providersError(): string | null {
    return this._providersError;
  }

  /** Ask the server which providers are defined (bundled, and the user's own files). */
  async loadProviders(): Promise<void> {
    try {
      this._providers = await listProviders();
      this._providersError = null;
    } catch (error) {
      this._providersError = messageOf(error);
    }
    this._changed.emit();
  }

  /** Why the last fetch failed, or null. */
  get error(): string | null {
    return this._error;
  }

  get loaded(): boolean {
    return this._loaded;
  }

  /** The panel's current (or last finished) sign-in. */
  get job(): LoginJob | null {
    return this._job;
  }

  /**
   * Fetch now; resolves once the connections are current. A refresh asked for while
   * a fetch runs fetches once more afterwards, so no change is missed.
   */
  refresh(): Promise<void> {
    this._stale = true;
    if (!this._fetching) {
      this._fetching = (async () => {
        while (this._stale) {
          this._stale = false;
          await this._fetch().catch(() => undefined);
        }
      })().finally(() => {
        this._fetching = null;
      });
    }
    return this._fetching;
  }

  async signOut(connection: Connection): Promise<void> {
    await signOut(connection.provider, connection.connection);
    await this.refresh();
  }

  async signIn(request: SignInRequest): Promise<void> {
    if (isRunning(this._job)) {
      return;
    }
    this._setJob({
      id: '',
      provider: request.provider ?? 'microsoft',
      connection: request.connection ?? 'default',
      status: 'starting',
      message: 'Starting the sign-in…',
      device_code: null,
      account: null,
      error: null,
      outcome: null,
      created_at: Date.now() / 1000,
      finished_at: null
    });
    let job: LoginJob;
    try {
      job = await startSignIn(request);
    } catch (error) {
      this._setJob({ ...this._job!, status: 'failed', error: messageOf(error) });
      return;
    }
    this._setJob(job);
    await this._follow(job.id);
  }

  async cancelSignIn(): Promise<void> {
    if (this._job && isRunning(this._job) && this._job.id) {
      this._setJob(await cancelSignIn(this._job.id));
    }
  }

  /** Forget a finished sign-in (the panel's "Dismiss"). */
  dismissJob(): void {
    if (!isRunning(this._job)) {
      this._setJob(null);
    }
  }

  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  dispose(): void {
    this._events?.stream.disconnect(this._onEvent, this);
    this._poll.dispose();
    Signal.clearData(this);
  }

  private async _follow(id: string): Promise<void> {
    while (!this.isDisposed && this._job?.id === id && isRunning(this._job)) {
      await new Promise(resolve => setTimeout(resolve, JOB_POLL_MS));
      try {
        this._setJob(await signInStatus(id));
      } catch (error) {
        this._setJob({ ...this._job!, status: 'failed', error: messageOf(error) });
      }
    }
    await this.refresh();
  }

  /** One listing; a fetch that ends after a newer one has ended is ignored. */
  private async _fetch(): Promise<void> {
    const generation = ++this._started;
    let found: Connection[];
    try {
      found = await listConnections();
    } catch (error) {
      if (generation > this._settled) {
        this._settled = generation;
        this._error = messageOf(error);
        this._loaded = true;
        this._changed.emit();
      }
      throw error; // the poll backs off
    }
    if (generation > this._settled) {
      this._settled = this._listed = generation;
      this._connections = found;
      this._error = null;
      this._loaded = true;
      this._dropSolvedJob();
      this._changed.emit();
    }
  }

  private _onEvent(_: Event.IManager, emission: Event.Emission): void {
    if (emission.schema_id === CONNECTIONS_EVENT) {
      void this.refresh();
    }
  }

  private _setJob(job: LoginJob | null): void {
    this._job = job;
    if (job?.status === 'signed_in') {
      // Success is said for a moment, not forever.
      const id = job.id;
      window.setTimeout(() => {
        if (this._job?.id === id && this._job.status === 'signed_in') {
          this._setJob(null);
        }
      }, SUCCESS_SHOWN_MS);
    }
    this._changed.emit();
  }

  /** A finished sign-in's banner goes once its connection is there and working. */
  private _dropSolvedJob(): void {
    const job = this._job;
    if (job && !isRunning(job) && job.status !== 'signed_in') {
      const now = this._connections.find(
        c => c.provider === job.provider && c.connection === job.connection
      );
      if (now && !now.refresh_error) {
        this._job = null;
      }
    }
  }

  private _changed = new Signal<this, void>(this);
  private _connections: Connection[] = [];
  private _error: string | null = null;
  private _events: Event.IManager | null = null;
  private _fetching: Promise<void> | null = null;
  private _job: LoginJob | null = null;
  private _listed = 0; // the fetch whose list is shown
  private _loaded = false;
  private _poll: Poll;
  private _providers: Provider[] = [MICROSOFT];
  private _providersError: string | null = null;
  private _settled = 0; // the latest fetch that ended, with a list or an error
  private _stale = false;
  private _started = 0;
}
