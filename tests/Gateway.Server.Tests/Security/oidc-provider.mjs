// A real OpenID Connect provider (npm oidc-provider, certified) for the gateway's authentication tests.
// Usage: node oidc-provider.mjs CONFIG.json   where CONFIG is
//   { "modules": ".../node_modules", "port": 41234, "audiences": ["https://gateway.test"],
//     "roleClaim": "roles", "clients": [{ "id": "viewer", "secret": "...", "roles": ["viewer"], "ttlSeconds": 600 }] }
// It issues client_credentials access tokens as RS256 JWTs for a resource indicator (the audience), with the
// client's roles in roleClaim, and listens on 127.0.0.1 only. It prints "listening" once it serves.
// With "webClient": { "id", "secret", "redirectUri" } and "accounts": { "admin-user": ["admin"] } it also serves the
// authorization code flow (PKCE) to that client, with the development login and consent pages (any password
// signs in as the account named) and the account's roles in the ID token's roleClaim.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { default: Provider } = await import(pathToFileURL(join(config.modules, 'oidc-provider', 'lib', 'index.js')).href);
const byId = new Map(config.clients.map((client) => [client.id, client]));
const issuer = `http://127.0.0.1:${config.port}`;

const web = config.webClient;
const accounts = config.accounts ?? {};
const webClients = web ? [{
  client_id: web.id,
  client_secret: web.secret,
  grant_types: ['authorization_code'],
  redirect_uris: [web.redirectUri],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
}] : [];

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    client_id: client.id,
    client_secret: client.secret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_post',
  })).concat(webClients),
  findAccount: (ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, [config.roleClaim]: accounts[id] ?? [] }),
  }),
  claims: { openid: ['sub', config.roleClaim], profile: [] },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: Boolean(web) },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => config.audiences[0],
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource) => {
        if (!config.audiences.includes(resource)) {
          throw new Error(`unknown resource ${resource}`);
        }
        return { scope: 'dicomweb', audience: resource, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
  ttl: {
    ClientCredentials: (ctx, token, client) => byId.get(client.clientId)?.ttlSeconds ?? 600,
  },
  extraTokenClaims: (ctx, token) => ({ [config.roleClaim]: byId.get(token.clientId)?.roles ?? [] }),
});

const server = provider.listen(config.port, '127.0.0.1', () => console.log(`listening ${issuer}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
