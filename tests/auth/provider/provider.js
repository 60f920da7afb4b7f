// A real OpenID Connect provider (npm oidc-provider, OpenID-certified) for ANTT's sign-in tests.
//
//   node provider.js PORT
//
// Listens on http://127.0.0.1:PORT (the issuer) and prints "ready ISSUER" once it accepts requests.
// The signing keys come from the environment (ANTT_TEST_OIDC_JWKS, a private JWK set in JSON) so the tests
// can also sign tokens the way this provider does. Test data only: no real person, no real secret.
//
// There is no login page: the interaction route signs in the test account named by the request's
// login_hint (default "citizen") at once, and consent is pre-granted for the registered clients, so a test
// drives the whole authorization code flow with plain HTTP requests.
import Provider from 'oidc-provider';

const port = Number.parseInt(process.argv[2] ?? '', 10);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node provider.js PORT');
  process.exit(2);
}
const jwks = JSON.parse(process.env.ANTT_TEST_OIDC_JWKS ?? 'null');
if (!jwks?.keys?.length) {
  console.error('ANTT_TEST_OIDC_JWKS must hold a private JWK set');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const redirectUri = process.env.ANTT_TEST_OIDC_REDIRECT_URI ?? 'http://127.0.0.1:8000/auth/callback';

// Synthetic citizens; personal ids are made-up 12-digit numbers (031 is Hải Phòng's province code).
const ACCOUNTS = {
  citizen: { name: 'Nguyễn Văn An', personal_id: '031099001234', acr: 'loa-2' },
  'low-assurance': { name: 'Trần Thị Bình', personal_id: '031199004321', acr: 'loa-1' },
};

const configuration = {
  clients: [
    {
      client_id: 'antt',
      client_secret: 'antt-test-secret-basic-0123456789',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    {
      client_id: 'antt-post',
      client_secret: 'antt-test-secret-post-0123456789',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks,
  responseTypes: ['code'],
  ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
  cookies: { keys: ['antt-test-cookie-key-not-secret'] },
  // PKCE for every client, confidential ones included (OAuth 2.1 / the FAPI 2.0 rule).
  pkce: { required: () => true },
  acrValues: ['loa-1', 'loa-2'],
  claims: {
    acr: null,
    auth_time: null,
    sid: null,
    openid: ['sub'],
    profile: ['name', 'personal_id'],
  },
  // put the profile claims in the ID token itself, as VNeID-style brokers do
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: account.name, personal_id: account.personal_id };
      },
    };
  },
  // first-party clients: consent is granted for them, no consent screen
  async loadExistingGrant(ctx) {
    const grantId =
      ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid profile');
    grant.addOIDCClaims(['name', 'personal_id']);
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);

provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([^/]+)$/.exec(ctx.path);
  if (ctx.method !== 'GET' || !match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const accountId = details.params.login_hint || 'citizen';
  if (!ACCOUNTS[accountId]) {
    ctx.status = 400;
    ctx.body = `unknown test account ${accountId}`;
    return undefined;
  }
  const result = { login: { accountId, acr: ACCOUNTS[accountId].acr } };
  const location = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: false,
  });
  ctx.status = 303;
  ctx.redirect(location);
  return undefined;
});

provider.on('server_error', (_ctx, error) => console.error('server_error', error));

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
