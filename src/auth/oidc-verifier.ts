import { Inject, Injectable, Logger } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { APP_CONFIG, type AppConfig, type OidcConfig } from '../config/config';
import { AppError } from '../common/errors/app-error';
import { AuthException } from './auth.exception';
import { LOCAL_ISSUER, LocalTokens } from './local-tokens';

/** Who a verified token says the caller is. */
export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
}

/** Tolerated clock difference between the provider and this server. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** jose's verdicts on the token itself: the caller's fault, a failed login. */
const REJECTED_TOKEN: readonly (new (...args: never[]) => errors.JOSEError)[] = [
  errors.JWTClaimValidationFailed,
  errors.JWSSignatureVerificationFailed,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWSInvalid,
  errors.JWTInvalid,
];

/**
 * Verifies JWTs from the configured OpenID Connect provider with jose: signature against the
 * provider's JWKS (fetched, cached, refetched when a token names a key it has not seen, so key
 * rotation needs nothing here), issuer, audience, exp/nbf and an allow-list of algorithms.
 */
@Injectable()
export class OidcVerifier {
  private readonly logger = new Logger(OidcVerifier.name);
  private readonly oidc: OidcConfig | undefined;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly local: LocalTokens,
  ) {
    this.oidc = config.oidc;
    this.jwks = config.oidc
      ? createRemoteJWKSet(new URL(config.oidc.jwksUrl), {
          cooldownDuration: config.oidc.jwksCooldownSeconds * 1000,
        })
      : undefined;
  }

  /** The issuer of members named by subject alone: the provider's, else Cordon's own if on. */
  get issuer(): string | undefined {
    return this.oidc?.issuer ?? (this.local.enabled ? LOCAL_ISSUER : undefined);
  }

  /**
   * The identity in a token, or UNAUTHENTICATED with a reason that tells the caller what to do
   * and nothing about the check that failed (that goes to the log). A provider that cannot be
   * reached is UNAVAILABLE: the token may be fine.
   */
  async verify(token: string): Promise<VerifiedIdentity> {
    // HS256 is never a provider's (its allow-list is asymmetric): such a token is ours or nothing.
    if (this.local.claims(token)) return this.verifyLocal(token);
    if (!this.oidc || !this.jwks)
      throw AuthException.unauthenticated(
        'this server accepts API keys only: no identity provider is set up',
      );
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.oidc.issuer,
        audience: this.oidc.audience,
        algorithms: this.oidc.algorithms,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (err) {
      throw this.refusal(err);
    }
    return {
      issuer: this.oidc.issuer,
      subject: payload.sub!,
      // Members are added by e-mail: an address the provider says it has not verified names nobody.
      email: payload.email_verified === false ? null : claimText(payload, this.oidc.emailClaim),
      name: claimText(payload, this.oidc.nameClaim),
    };
  }

  private async verifyLocal(token: string): Promise<VerifiedIdentity> {
    const payload = await this.local.verify(token).catch((err: unknown) => {
      throw this.refusal(err);
    });
    return {
      issuer: LOCAL_ISSUER,
      subject: payload.sub!,
      email: claimText(payload, 'email'),
      name: claimText(payload, 'name'),
    };
  }

  private refusal(err: unknown): AppError {
    if (err instanceof errors.JWTExpired) return AuthException.unauthenticated('the token has expired');
    if (REJECTED_TOKEN.some((kind) => err instanceof kind)) {
      this.logger.debug(`token refused: ${(err as Error).message}`);
      return AuthException.unauthenticated('the token is not valid for this server');
    }
    this.logger.warn(`the identity provider's keys could not be fetched: ${(err as Error).message}`);
    return new AppError('UNAVAILABLE', 'the identity provider cannot be reached to check the token; retry');
  }
}

/** A claim as text, if it is a non-empty string: providers omit or null what they do not know. */
function claimText(payload: JWTPayload, claim: string): string | null {
  const value = payload[claim];
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, 320) : null;
}

/**
 * A compact JWS (header.payload.signature, base64url). API keys contain no dots, so the shape
 * alone tells the two apart before anything is looked up.
 */
export function looksLikeJwt(secret: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(secret);
}
