import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';

export const GMAIL_FAKE_CLIENT_EMAIL = 'cordon-fake@cordon-fake-project.iam.gserviceaccount.com';
export const GMAIL_FAKE_CLIENT_ID = '104729384756102938475';

export interface FakeKeyPair {
  privateKeyPem: string;
  publicKey: KeyObject;
  keyId: string;
}

let defaultPair: FakeKeyPair | undefined;

/**
 * The default fake's key pair, generated once per process: `fakeConnection(url)` has no fake in
 * hand, yet must return the private key the fake will verify against (and RSA generation is slow).
 */
export function defaultFakeKeyPair(): FakeKeyPair {
  return (defaultPair ??= generateFakeKeyPair());
}

export function generateFakeKeyPair(): FakeKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyId = createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
  return { privateKeyPem, publicKey, keyId };
}

/** A service-account key file as the Cloud console downloads it, holding the fake's private key. */
export function fakeServiceAccountKey(
  tokenUri: string,
  pair: FakeKeyPair = defaultFakeKeyPair(),
  clientEmail = GMAIL_FAKE_CLIENT_EMAIL,
): string {
  return JSON.stringify({
    type: 'service_account',
    project_id: 'cordon-fake-project',
    private_key_id: pair.keyId,
    private_key: pair.privateKeyPem,
    client_email: clientEmail,
    client_id: GMAIL_FAKE_CLIENT_ID,
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: tokenUri,
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
    universe_domain: 'googleapis.com',
  });
}
