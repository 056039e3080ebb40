import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { sendMessage } from './actions/send-message.action';
import {
  createSmtpFake,
  SMTP_FAKE_FROM,
  SMTP_FAKE_PASSWORD,
  SMTP_FAKE_TO,
  SMTP_FAKE_USERNAME,
} from './fake/smtp-email.fake';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** E-mail through an SMTP relay. */
export const smtpEmail: IntegrationDefinition = {
  manifest,
  actions: { [sendMessage.name]: sendMessage },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createSmtpFake(options),
  fakeConnection: (url) => {
    const { hostname, port } = new URL(url);
    return {
      baseUrl: url,
      settings: {
        host: hostname,
        port: Number(port),
        secure: false,
        starttls: false,
        from: SMTP_FAKE_FROM,
        defaultTo: SMTP_FAKE_TO,
      },
      secrets: { username: SMTP_FAKE_USERNAME, password: SMTP_FAKE_PASSWORD },
    };
  },
};

export default smtpEmail;
