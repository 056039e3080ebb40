/**
 * What every fake holds when created without options, so one set of conformance scenarios can
 * drive any vendor. A fake may hold more; it must hold these, under these names.
 */
export const CONFORMANCE_FIXTURES = {
  edr: {
    /** A host in normal state. */
    hostname: 'WS-01',
    /** A second host, for scenarios that must not touch the first. */
    otherHostname: 'SRV-DB-02',
    unknownHostname: 'WS-NOT-THERE-404',
    /** EICAR's hashes: a file the fakes know is running on WS-01. */
    sha256: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
    sha1: '3395856ce81f2b7382dee72602f798b642f14140',
  },
  identity: {
    /** An active user with at least one MFA factor enrolled. */
    user: 'alice@example.com',
    unknownUser: 'nobody@example.com',
  },
  email: {
    /** A phishing message delivered to the two mailboxes below, in their inboxes. */
    internetMessageId: '<phish-001@attacker.example>',
    sender: 'billing@attacker.example',
    subject: 'Invoice overdue',
    mailboxes: ['alice@example.com', 'bob@example.com'],
  },
  firewall: {
    ip: '203.0.113.7',
    domain: 'evil.example',
  },
  intel: {
    /** Known bad to the fake (EICAR, a listed IP); the good ones known clean. */
    maliciousHash: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
    maliciousIp: '203.0.113.7',
    harmlessIp: '8.8.8.8',
    maliciousDomain: 'evil.example',
    unknownHash: '0000000000000000000000000000000000000000000000000000000000000000',
  },
  notify: {
    /** Accepted as a destination by every notify fake (a channel id, an address…). */
    to: 'soc@example.com',
  },
} as const;
