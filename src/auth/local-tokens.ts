import { hkdfSync } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { decodeProtectedHeader, jwtVerify, type JWTPayload, SignJWT } from 'jose';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { resolveMasterKeyring } from '../integrations/master-key';

/** The `iss` of tokens Cordon signs itself; users it names are (LOCAL_ISSUER, subject). */
export const LOCAL_ISSUER = 'urn:cordon:local';
const LOCAL_AUDIENCE = 'cordon';
const ALGORITHM = 'HS256';

/**
 * Embedded mode's own sign-in tokens: HS256 with a key derived from the master key (HKDF, its own
 * label), so a single machine needs no identity provider. Only provider admins issue them; a
 * token grants nothing but a name, and memberships decide the rest, exactly as for OIDC users.
 */
@Injectable()
export class LocalTokens {
  /** Signing key first (from the current master key), then those of CORDON_MASTER_KEY_PREVIOUS. */
  private keys: Uint8Array[] | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.localTokens;
  }

  /** Whether a token is one of ours to check: an HS256 token while local tokens are on. */
  claims(token: string): boolean {
    if (!this.enabled) return false;
    try {
      return decodeProtectedHeader(token).alg === ALGORITHM;
    } catch {
      return false;
    }
  }

  async issue(args: {
    subject: string;
    email?: string;
    name?: string;
    minutes: number;
  }): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + args.minutes * 60_000);
    const token = await new SignJWT({
      ...(args.email ? { email: args.email } : {}),
      ...(args.name ? { name: args.name } : {}),
    })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(args.subject)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.derivedKeys()[0]);
    return { token, expiresAt };
  }

  /**
   * The verified claims; jose's errors propagate for the caller to map like any token's. During
   * a master-key rotation, tokens signed under a previous key stay valid until they expire.
   */
  async verify(token: string): Promise<JWTPayload> {
    const options = {
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      algorithms: [ALGORITHM],
      requiredClaims: ['sub', 'exp'],
    };
    const [current, ...previous] = this.derivedKeys();
    try {
      return (await jwtVerify(token, current, options)).payload;
    } catch (err) {
      for (const key of previous) {
        const verified = await jwtVerify(token, key, options).catch(() => null);
        if (verified) return verified.payload;
      }
      throw err;
    }
  }

  /** Derived on first use: the master key file is embedded mode's, created beside its data. */
  private derivedKeys(): Uint8Array[] {
    this.keys ??= resolveMasterKeyring(this.config)
      .all()
      .map(
        ({ key }) =>
          new Uint8Array(hkdfSync('sha256', key, Buffer.alloc(0), 'cordon/local-user-tokens/v1', 32)),
      );
    return this.keys;
  }
}
