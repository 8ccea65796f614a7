/**
 * The model the sidebar, the status bar and every card share: what it lists, how it hears
 * of changes, and the states of a sign-in the panel started.
 */
import type { Event } from '@jupyterlab/services';
import { Stream } from '@lumino/signaling';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { CONNECTIONS_EVENT } from '../src/api';
import { ConnectionsModel } from '../src/model';
import { connection, FakeServer, json, settle } from './fake-server';

let server: FakeServer;
let model: ConnectionsModel;

function eventBus(): Event.IManager & { stream: Stream<Event.IManager, Event.Emission> } {
  const bus = {} as Event.IManager & { stream: Stream<Event.IManager, Event.Emission> };
  bus.stream = new Stream(bus);
  return bus;
}

/** A model as a page makes it: its poll lists the store once at the start. */
async function startModel(events?: Event.IManager): Promise<ConnectionsModel> {
  model = new ConnectionsModel(events);
  await settle();
  return model;
}

beforeEach(() => {
  server = new FakeServer().install();
});

afterEach(() => {
  model?.dispose();
  vi.useRealTimers();
});

describe('listing', () => {
  it('lists the store and names the default connection, Microsoft first', async () => {
    server.connections = [
      connection({ provider: 'github', username: 'megan-gh' }),
      connection({ connection: 'work', username: 'adele@contoso.example' }),
      connection({ username: 'megan@contoso.example' })
    ];
    model = new ConnectionsModel();
    const changed = vi.fn();
    model.changed.connect(changed);
    await model.refresh();
    expect(model.loaded).toBe(true);
    expect(model.connections.map(c => c.key)).toEqual([
      'github/default',
      'microsoft/work',
      'microsoft/default'
    ]);
    expect(model.defaultConnection?.key).toBe('microsoft/default');
    expect(changed).toHaveBeenCalled();
  });

  it('fetches once more when asked while a fetch runs, so no change is missed', async () => {
    await startModel();
    const before = server.listings;
    const release = server.holdListing();
    const first = model.refresh();
    await settle();
    server.connections = [connection()]; // a kernel signs in while the list is on its way
    const second = model.refresh();
    release();
    await Promise.all([first, second]);
    expect(server.listings - before).toBe(2);
    expect(model.connections.map(c => c.key)).toEqual(['microsoft/default']);
  });

  it("refetches when the server's event bus says the store changed, and only then", async () => {
    const events = eventBus();
    await startModel(events);
    const before = server.listings;
    server.connections = [connection({ connection: 'work' })];
    events.stream.emit({ schema_id: 'https://example.org/other/v1', version: '1' });
    await settle();
    expect(server.listings).toBe(before);
    events.stream.emit({ schema_id: CONNECTIONS_EVENT, version: '1', action: 'changed' });
    await settle();
    expect(server.listings).toBe(before + 1);
    expect(model.connections.map(c => c.key)).toEqual(['microsoft/work']);
  });

  it('keeps the newer list when an older fetch ends last', async () => {
    vi.useFakeTimers();
    await startModel();
    server.connections = [connection({ connection: 'old' })];
    const release = server.holdListing();
    const slow = model.refresh(); // held back: the store as it was
    await settle();
    server.connections = [connection({ connection: 'new' })];
    await vi.advanceTimersByTimeAsync(60_000); // the minute's safety-net listing overtakes it
    expect(model.connections.map(c => c.key)).toEqual(['microsoft/new']);
    release();
    await slow;
    expect(model.connections.map(c => c.key)).toEqual(['microsoft/new']);
  });

  it('finds a connection only in a list it can trust', async () => {
    model = new ConnectionsModel();
    expect(model.find('microsoft/default')).toBeUndefined(); // not loaded yet
    server.connections = [connection()];
    await model.refresh();
    expect(model.find('microsoft/default')?.username).toBe('megan@contoso.example');
    expect(model.find('microsoft/gone')).toBeNull();
    server.answer.set('GET connections', () => json({ message: 'store locked' }, 500));
    await model.refresh();
    expect(model.error).toBe('store locked');
    expect(model.find('microsoft/default')).toBeUndefined(); // the server cannot be asked
  });
});

describe('a list older than what a page shows', () => {
  it('is not trusted for an output that appeared after it was fetched', async () => {
    await startModel(); // the page's list: nobody signed in yet
    const seenAt = model.generation; // then a sign-in's card appears
    server.connections = [connection()];
    expect(model.find('microsoft/default', seenAt)).toBeUndefined(); // not "signed out"
    model.requestNewerThan(seenAt);
    await settle();
    expect(model.find('microsoft/default', seenAt)?.username).toBe('megan@contoso.example');
  });

  it('is asked for once, however many outputs appear while it is on its way', async () => {
    await startModel();
    const before = server.listings;
    const seenAt = model.generation;
    model.requestNewerThan(seenAt); // the first card starts a fetch
    model.requestNewerThan(seenAt); // the next ones find it on its way
    model.requestNewerThan(seenAt);
    await settle();
    expect(server.listings - before).toBe(1);
    model.requestNewerThan(seenAt); // and once it came, nothing more is needed
    await settle();
    expect(server.listings - before).toBe(1);
  });
});

describe("answers that are not the API's JSON", () => {
  it("turn a proxy's HTML error page into our error, not a SyntaxError", async () => {
    server.answer.set(
      'GET connections',
      () =>
        new Response('<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>', {
          status: 502,
          statusText: 'Bad Gateway',
          headers: { 'Content-Type': 'text/html' }
        })
    );
    model = new ConnectionsModel();
    await model.refresh();
    expect(model.error).toMatch(/^The server answered 502 Bad Gateway with text\/html, not/);
    expect(model.error).toContain('"502 Bad Gateway nginx"');
    expect(model.error).not.toMatch(/SyntaxError|JSON/);
  });

  it('turn a sign-in page served with 200 into our error too', async () => {
    server.answer.set(
      'POST login',
      () => new Response('<!doctype html><title>Sign in</title>', { status: 200 })
    );
    model = new ConnectionsModel();
    await model.signIn({ provider: 'microsoft' });
    expect(model.job?.status).toBe('failed');
    expect(model.job?.error).toMatch(/^The server answered 200 .*not authsome_nb's API/);
  });
});

describe("the panel's sign-in", () => {
  it('goes starting → waiting → signed in, polled every second, then says so for a moment', async () => {
    vi.useFakeTimers();
    model = new ConnectionsModel();
    const started = model.signIn({ provider: 'microsoft', connection: 'default' });
    expect(model.job?.status).toBe('starting');
    await settle();
    expect(model.job?.status).toBe('waiting');
    expect(model.job?.device_code?.user_code).toBe('ABCD-EFGH');
    const job = [...server.jobs.values()][0];

    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.requests.filter(r => r === `GET login/${job.id}`)).toHaveLength(2);

    Object.assign(job, {
      status: 'signed_in',
      outcome: 'signed_in',
      device_code: null,
      account: { username: 'megan@contoso.example', display_name: 'Megan Bowen' }
    });
    server.connections = [connection()];
    await vi.advanceTimersByTimeAsync(1000);
    await started;
    expect(model.job?.status).toBe('signed_in');
    expect(model.connections.map(c => c.key)).toEqual(['microsoft/default']); // refetched
    const polls = server.requests.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(server.requests.length).toBe(polls); // polling stopped with the outcome
    await vi.advanceTimersByTimeAsync(3000);
    expect(model.job).toBeNull(); // the success banner went by itself
  });

  it("says why a sign-in could not start, in the server's words", async () => {
    server.answer.set('POST login', () =>
      json({ message: "'connection' must be a short name without '/'", reason: null }, 400)
    );
    model = new ConnectionsModel();
    await model.signIn({ provider: 'microsoft', connection: 'a/b' });
    expect(model.job).toMatchObject({
      status: 'failed',
      connection: 'a/b',
      error: "'connection' must be a short name without '/'"
    });
  });

  it('is cancelled on request and stops polling', async () => {
    vi.useFakeTimers();
    model = new ConnectionsModel();
    const started = model.signIn({});
    await settle();
    await model.cancelSignIn();
    expect(model.job?.status).toBe('cancelled');
    await vi.advanceTimersByTimeAsync(1000);
    await started;
    const after = server.requests.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(server.requests.length).toBe(after);
    model.dismissJob();
    expect(model.job).toBeNull();
  });

  it('starts no second sign-in while one runs', async () => {
    vi.useFakeTimers();
    model = new ConnectionsModel();
    void model.signIn({});
    await settle();
    await model.signIn({ connection: 'work' });
    expect(server.requests.filter(r => r === 'POST login')).toHaveLength(1);
    expect(model.job?.connection).toBe('default');
    await model.cancelSignIn();
  });

  it('fails when the server cannot be asked any more while waiting', async () => {
    vi.useFakeTimers();
    model = new ConnectionsModel();
    const started = model.signIn({});
    await settle();
    const job = [...server.jobs.values()][0];
    server.answer.set(`GET login/${job.id}`, () => {
      throw new TypeError('Failed to fetch');
    });
    await vi.advanceTimersByTimeAsync(1000);
    await started;
    expect(model.job).toMatchObject({ status: 'failed', error: 'Failed to fetch' });
  });

  it("drops a failed sign-in's banner once its connection works after all", async () => {
    server.answer.set('POST login', () =>
      json(server.job({ status: 'failed', error: 'declined', device_code: null }), 202)
    );
    model = new ConnectionsModel();
    await model.signIn({});
    expect(model.job?.status).toBe('failed');
    server.connections = [connection()]; // signed in from a notebook meanwhile
    await model.refresh();
    expect(model.job).toBeNull();
  });
});
