// panva's oidc-provider (a certified OpenID Connect server) as the generic engine's test peer.
//
//   node server.mjs CERT_PEM KEY_PEM
//
// Serves https://127.0.0.1:<free port>/op over TLS (the certificate comes from the test's CA),
// prints one JSON line {"issuer": …} when it listens, and runs until stdin closes.  Configured
// the strict way a real deployment is: PKCE (S256) required for public clients, refresh tokens
// rotated on every use (a reused one revokes the whole grant), offline_access honoured only
// with prompt=consent, opaque access tokens.  Its development login and consent pages accept
// any login name.  Besides the provider, two loopback-only routes let a test steer and count:
//   GET  /_control/counts            grants issued per grant_type, grants revoked, errors
//   POST /_control/ttl?seconds=N     access-token lifetime from now on
import * as https from 'node:https';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const [certPath, keyPath] = process.argv.slice(2);
const MOUNT = '/op';
const counts = { grants: {}, revoked: 0, errors: {} };
let accessTokenTtl = 3600;

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

function configuration() {
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
    res.end('{}');
  } else {
    res.statusCode = 404;
    res.end('{"error":"no such control route"}');
  }
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `https://127.0.0.1:${port}${MOUNT}`;
  const provider = new Provider(issuer, configuration());
  provider.on('grant.success', (ctx) => {
    const type = ctx.oidc.params.grant_type;
    counts.grants[type] = (counts.grants[type] || 0) + 1;
  });
  provider.on('grant.revoked', () => { counts.revoked += 1; });
  provider.on('grant.error', (ctx, error) => {
    counts.errors[error.error] = (counts.errors[error.error] || 0) + 1;
  });
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (req.url.startsWith('/_control/')) {
      control(req, res);
    } else if (req.url === MOUNT || req.url.startsWith(`${MOUNT}/`)) {
      req.originalUrl = req.url; // the provider learns its mount path from the difference
      req.url = req.url.slice(MOUNT.length) || '/';
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
