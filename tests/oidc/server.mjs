// panva's oidc-provider (a certified OpenID Connect server) as the generic engine's test peer.
//
//   node server.mjs CERT_PEM KEY_PEM
//
// Serves https://127.0.0.1:<free port>/op over TLS (the certificate comes from the test's CA),
// prints one JSON line {"issuer": …} when it listens, and runs until stdin closes.  Configured
// the strict way a real deployment is: PKCE (S256) required for public clients, refresh tokens
// rotated on every use (a reused one revokes the whole grant), offline_access honoured only
// with prompt=consent, opaque access tokens.  Its development login and consent pages accept
// any login name.  Dynamic client registration (RFC 7591) is open at /op/reg; a second
// provider at /op-iat registers clients only with an initial access token (RFC 7591 §3).
// Besides the providers, loopback-only routes let a test steer and count:
//   GET  /_control/counts              grants per grant_type, grants revoked, errors,
//                                      clients registered
//   POST /_control/ttl?seconds=N       access-token lifetime from now on
//   POST /_control/forget-client?client_id=ID   the server forgets a registered client
//   POST /_control/misbehave?what=W    from now on answer as a broken or hostile server would
//        (W: none | no-id-token | http-token-endpoint | huge-interval |
//         javascript-verification-uri)
import * as https from 'node:https';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const [certPath, keyPath] = process.argv.slice(2);
const MOUNT = '/op';
const IAT_MOUNT = '/op-iat';
const INITIAL_ACCESS_TOKEN = 'an-initial-access-token-for-tests';
const counts = { grants: {}, revoked: 0, errors: {}, registered: 0 };
let accessTokenTtl = 3600;
let misbehaviour = 'none';
const providers = {};

const server = https.createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath) });

function account(id) {
  return {
    accountId: id,
    async claims() {
      return {
        sub: id,
        name: `Test User ${id}`,
        preferred_username: id,
        email: `${id}@example.test`,
        email_verified: true,
      };
    },
  };
}

function configuration(registration) {
  const loopback = ['http://localhost/callback', 'http://127.0.0.1/callback'];
  const grants = ['authorization_code', 'refresh_token',
    'urn:ietf:params:oauth:grant-type:device_code'];
  return {
    clients: [
      { client_id: 'authsome-nb-public', token_endpoint_auth_method: 'none',
        application_type: 'native', redirect_uris: loopback, grant_types: grants,
        response_types: ['code'] },
      { client_id: 'authsome-nb-confidential', client_secret: 'a-test-client-secret',
        token_endpoint_auth_method: 'client_secret_basic', application_type: 'native',
        redirect_uris: loopback, grant_types: grants, response_types: ['code'] },
    ],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    conformIdTokenClaims: false, // profile claims in the id_token too, not only at userinfo
    cookies: { keys: ['authsome-nb-test-cookie-key'] },
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      registration,
    },
    findAccount: async (ctx, id) => account(id),
    pkce: { required: () => true },
    rotateRefreshToken: () => true,
    ttl: {
      AccessToken: () => accessTokenTtl,
      AuthorizationCode: 600,
      DeviceCode: 600,
      Grant: 14 * 24 * 3600,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: 14 * 24 * 3600,
      Session: 14 * 24 * 3600,
    },
  };
}

function control(req, res) {
  const url = new URL(req.url, 'https://127.0.0.1');
  res.setHeader('Content-Type', 'application/json');
  if (req.method === 'GET' && url.pathname === '/_control/counts') {
    res.end(JSON.stringify(counts));
  } else if (req.method === 'POST' && url.pathname === '/_control/ttl') {
    accessTokenTtl = Number(url.searchParams.get('seconds'));
    res.end(JSON.stringify({ access_token_ttl: accessTokenTtl }));
  } else if (req.method === 'POST' && url.pathname === '/_control/reset') {
    counts.grants = {};
    counts.revoked = 0;
    counts.errors = {};
    counts.registered = 0;
    misbehaviour = 'none';
    res.end('{}');
  } else if (req.method === 'POST' && url.pathname === '/_control/forget-client') {
    providers[MOUNT].Client.adapter.destroy(url.searchParams.get('client_id'))
      .then(() => res.end('{}'));
  } else if (req.method === 'POST' && url.pathname === '/_control/misbehave') {
    misbehaviour = url.searchParams.get('what');
    res.end(JSON.stringify({ misbehaviour }));
  } else {
    res.statusCode = 404;
    res.end('{"error":"no such control route"}');
  }
}

// The broken answers a client must refuse, made from the real ones on their way out.
async function misbehave(ctx, next) {
  await next();
  if (misbehaviour === 'no-id-token' && ctx.path === '/token' && ctx.body?.id_token) {
    delete ctx.body.id_token;
  } else if (misbehaviour === 'http-token-endpoint'
             && ctx.path === '/.well-known/openid-configuration') {
    ctx.body = { ...ctx.body, token_endpoint: ctx.body.token_endpoint.replace('https:', 'http:')
      .replace('127.0.0.1', 'op.example') };
  } else if (misbehaviour === 'javascript-verification-uri' && ctx.path === '/device/auth'
             && ctx.body) {
    ctx.body = { ...ctx.body, verification_uri: 'javascript:alert(document.cookie)',
      verification_uri_complete: 'javascript:alert(document.cookie)' };
  } else if (misbehaviour === 'huge-interval' && ctx.path === '/device/auth' && ctx.body) {
    // 1e999 is valid JSON that no JavaScript number can hold: written as text.
    ctx.body = JSON.stringify(ctx.body).replace(/}$/, ',"interval":1e999}');
    ctx.type = 'application/json';
  }
}

function start(mount, port, registration) {
  const issuer = `https://127.0.0.1:${port}${mount}`;
  const provider = new Provider(issuer, configuration(registration));
  provider.use(misbehave);
  provider.on('registration_create.success', () => { counts.registered += 1; });
  providers[mount] = provider;
  return provider;
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `https://127.0.0.1:${port}${MOUNT}`;
  const provider = start(MOUNT, port, { enabled: true });
  start(IAT_MOUNT, port, { enabled: true, initialAccessToken: INITIAL_ACCESS_TOKEN });
  provider.on('grant.success', (ctx) => {
    const type = ctx.oidc.params.grant_type;
    counts.grants[type] = (counts.grants[type] || 0) + 1;
  });
  provider.on('grant.revoked', () => { counts.revoked += 1; });
  provider.on('grant.error', (ctx, error) => {
    counts.errors[error.error] = (counts.errors[error.error] || 0) + 1;
  });
  const handlers = Object.entries(providers).map(([mount, p]) => [mount, p.callback()]);
  server.on('request', (req, res) => {
    const found = handlers.find(([mount]) => req.url === mount || req.url.startsWith(`${mount}/`)
      || req.url.startsWith(`${mount}?`));
    if (req.url.startsWith('/_control/')) {
      control(req, res);
    } else if (found) {
      const [mount, handle] = found;
      req.originalUrl = req.url; // the provider learns its mount path from the difference
      req.url = req.url.slice(mount.length) || '/';
      handle(req, res);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
});

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
