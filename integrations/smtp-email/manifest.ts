import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';

export const manifest: IntegrationManifest = {
  id: 'smtp-email',
  vendor: 'SMTP',
  product: 'E-mail (SMTP relay)',
  category: 'notify',
  version: '1.0.0',
  docsUrl: 'https://nodemailer.com/smtp/',
  description: 'Sends notifications as e-mail (plain text with an HTML alternative) through an SMTP relay.',
  settings: {
    host: { type: 'string', required: true, description: 'SMTP relay host name, e.g. smtp.office365.com' },
    port: {
      type: 'number',
      required: false,
      default: 587,
      description:
        'Port: 587 (submission with STARTTLS) by default; 465 with secure on; 25 for an internal relay',
    },
    secure: {
      type: 'boolean',
      required: false,
      default: false,
      description:
        'TLS from the first byte (implicit TLS, usually port 465); off means plain SMTP upgraded with STARTTLS',
    },
    starttls: {
      type: 'boolean',
      required: false,
      default: true,
      description:
        'When secure is off: require the STARTTLS upgrade (on) or use it only if offered (off, for internal relays)',
    },
    from: {
      type: 'string',
      required: true,
      description: 'Sender, e.g. "Cordon SOC <cordon@example.com>"; the relay must allow this address',
    },
    defaultTo: {
      type: 'string',
      required: false,
      description: 'Recipients when a step gives no `to`: one address or a comma-separated list',
    },
  },
  secrets: {
    username: {
      required: false,
      description: 'SMTP AUTH user name (leave out for a relay that needs no login)',
    },
    password: { required: false, description: 'SMTP AUTH password or app password' },
  },
  capabilities: {
    'notify.send': 'send_message',
  },
};
