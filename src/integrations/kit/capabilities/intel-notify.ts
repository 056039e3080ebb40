import { contracts, object, str } from './contract';

export const INTEL_NOTIFY = contracts([
  {
    name: 'intel.lookup',
    description:
      'Reputation of an observable. Unknown to the vendor is not an error: verdict "unknown". ' +
      'Answers may come from the per-tenant cache.',
    mutating: false,
    input: object(
      {
        type: { type: 'string', enum: ['FILE_HASH', 'IP', 'DOMAIN', 'URL'] },
        value: str(),
      },
      ['type', 'value'],
    ),
    output: object(
      {
        type: str(),
        value: str(),
        verdict: { type: 'string', enum: ['malicious', 'suspicious', 'harmless', 'unknown'] },
        score: { type: 'number', description: '0-100, higher is worse' },
        source: str('The vendor that answered'),
        details: { type: 'object', description: 'Vendor-specific facts (engine counts, ISP, country…)' },
        link: str('Where a person can read more'),
      },
      ['type', 'value', 'verdict', 'score', 'source'],
    ),
  },
  {
    name: 'notify.send',
    description: 'Send a message to people: a chat channel, a webhook or an e-mail address.',
    mutating: true,
    input: object(
      {
        to: str('Channel id, e-mail address; the connection default when left out'),
        subject: str(),
        text: str('Plain text or Markdown'),
        link: str('A URL the message points to (a case, an approval)'),
      },
      ['text'],
    ),
    output: object({ delivered: { type: 'boolean' }, message_ref: str('Vendor id of the message') }, [
      'delivered',
    ]),
  },
]);
