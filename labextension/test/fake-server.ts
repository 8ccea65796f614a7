/**
 * A stand-in for the server extension's REST API, in memory, behind `fetch`: what the
 * extension's code sends goes through Jupyter's real `ServerConnection` and our real
 * `api.ts`, and comes back in the shapes of the shared schema (`src/api-types.ts`).
 *
 * A test changes `connections`, answers a route its own way (`answer`), or holds the next
 * listing back (`holdListing`) to order events as a race would.
 */
import { vi } from 'vitest';

import type { Connection, LoginJob, Provider } from '../src/api-types';

type Answer = (request: Request) => Response | Promise<Response>;

export function connection(overrides: Partial<Connection> = {}): Connection {
  const provider = overrides.provider ?? 'microsoft';
  const name = overrides.connection ?? 'default';
  return {
    key: `${provider}/${name}`,
    provider,
    connection: name,
    username: 'megan@contoso.example',
    display_name: 'Megan Bowen',
    tenant_id: 'tenant-1',
    scopes: ['User.Read', 'Mail.ReadWrite'],
    expires_at: Date.now() / 1000 + 3600,
    never_expires: false,
    created_at: Date.now() / 1000,
    last_refresh: null,
    client_id: 'app',
    authority: 'https://login.example/common',
    flow: 'device_code',
    refresh_error: null,
    ...overrides
  };
}

export function json(data: unknown, status = 200): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { 'Content-Type': 'application/json' }
  });
}

export class FakeServer {
  connections: Connection[] = [];
  providers: Provider[] = [
    { name: 'microsoft', display_name: 'Microsoft', services: ['outlook'], device_code: true }
  ];
  jobs = new Map<string, LoginJob>();
  /** "METHOD path" of every request, in order. */
  requests: string[] = [];
  /** Answers by "METHOD path" that replace the built-in ones. */
  answer = new Map<string, Answer>();

  install(): this {
    vi.stubGlobal('fetch', (request: Request) => this._handle(request));
    return this;
  }

  /** How many listings were asked for so far. */
  get listings(): number {
    return this.requests.filter(r => r === 'GET connections').length;
  }

  /** Hold the next listing back until the returned function is called. */
  holdListing(): () => void {
    let release!: () => void;
    const held = new Promise<void>(resolve => (release = resolve));
    this.answer.set('GET connections', async () => {
      this.answer.delete('GET connections');
      const answer = json({ connections: this.connections });
      await held;
      return answer;
    });
    return release;
  }

  job(overrides: Partial<LoginJob> = {}): LoginJob {
    const job: LoginJob = {
      id: `job-${this.jobs.size + 1}`,
      provider: 'microsoft',
      connection: 'default',
      status: 'waiting',
      message: '',
      device_code: {
        user_code: 'ABCD-EFGH',
        verification_uri: 'https://microsoft.com/devicelogin',
        message: 'To sign in, use a web browser…',
        expires_at: Date.now() / 1000 + 900
      },
      account: null,
      error: null,
      outcome: null,
      created_at: Date.now() / 1000,
      finished_at: null,
      ...overrides
    };
    this.jobs.set(job.id, job);
    return job;
  }

  private async _handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname.replace(/^\/authsome\/api\//, '');
    const route = `${request.method} ${decodeURIComponent(path)}`;
    this.requests.push(route);
    const special = this.answer.get(route);
    if (special) {
      return special(request);
    }
    return this._builtIn(route, request);
  }

  private async _builtIn(route: string, request: Request): Promise<Response> {
    const [method, path] = route.split(' ');
    if (route === 'GET connections') {
      return json({ connections: this.connections });
    }
    if (route === 'GET providers') {
      return json({ providers: this.providers });
    }
    if (method === 'DELETE' && path.startsWith('connections/')) {
      const key = path.slice('connections/'.length);
      const before = this.connections.length;
      this.connections = this.connections.filter(c => c.key !== key);
      return before === this.connections.length
        ? json({ message: `No connection ${key} in this store`, reason: null }, 404)
        : new Response(null, { status: 204 });
    }
    if (route === 'POST login') {
      const body = await request.json();
      return json(
        this.job({
          provider: body.provider ?? 'microsoft',
          connection: body.connection ?? 'default'
        }),
        202
      );
    }
    const job = this.jobs.get(path.slice('login/'.length));
    if (job && method === 'GET') {
      return json(job);
    }
    if (job && method === 'DELETE') {
      Object.assign(job, { status: 'cancelled', outcome: 'cancelled', device_code: null });
      return json(job, 202);
    }
    return json({ message: `No route ${route}`, reason: 'Not Found' }, 404);
  }
}

/** Let every pending promise and zero-delay timer run (with real or fake timers). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    if (vi.isFakeTimers()) {
      await vi.advanceTimersByTimeAsync(0);
    } else {
      await new Promise(resolve => setTimeout(resolve, 0));
    }
  }
}
