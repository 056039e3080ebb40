import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface KeyPair {
  kid: string;
  privateKey: SigningKey;
  jwk: JWK;
}

export interface TokenOptions {
  /** Sign with this key instead of the published one (still naming `kid`). */
  key?: SigningKey;
  kid?: string;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for a token that has already expired. */
  expiresIn?: number;
  notBefore?: number;
}

/**
 * A real, minimal OpenID Connect provider for tests: an HTTP server publishing a JWKS of RS256
 * keys generated with jose, and tokens signed with them. `rotate()` publishes a new key and
 * withdraws the old one, as a provider's key rotation does.
 */
export interface FakeOidcProvider {
  issuer: string;
  jwksUrl: string;
  audience: string;
  /** The kid of the key now published and signed with. */
  kid(): string;
  token(claims: JWTPayload, opts?: TokenOptions): Promise<string>;
  /** A key this provider has never published, to sign forgeries with. */
  strangerKey(): Promise<SigningKey>;
  rotate(): Promise<void>;
  /** How many times the JWKS has been fetched. */
  jwksFetches(): number;
  stop(): Promise<void>;
}

let serial = 0;

async function newKey(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `test-key-${++serial}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, jwk };
}

export async function startOidcProvider(audience = 'cordon-e2e'): Promise<FakeOidcProvider> {
  let current = await newKey();
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/jwks') {
      res.writeHead(404).end();
      return;
    }
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [current.jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/`;
  return {
    issuer,
    jwksUrl: `${base}/jwks`,
    audience,
    kid: () => current.kid,
    async token(claims, opts = {}) {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? current.kid, typ: 'JWT' })
        .setIssuer(opts.issuer ?? issuer)
        .setAudience(opts.audience ?? audience)
        .setIssuedAt(now)
        .setExpirationTime(now + (opts.expiresIn ?? 600));
      if (opts.notBefore !== undefined) jwt.setNotBefore(now + opts.notBefore);
      return jwt.sign(opts.key ?? current.privateKey);
    },
    async strangerKey() {
      return (await newKey()).privateKey;
    },
    async rotate() {
      current = await newKey();
    },
    jwksFetches: () => fetches,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An unsigned token (`alg: none`) with the claims a valid one would carry. */
export function unsignedToken(claims: JWTPayload): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}
