import { detailsOf, scoreOf, verdictOf } from './virustotal.verdict';

const t = { maliciousEngines: 3, suspiciousEngines: 1 };

describe('VirusTotal verdicts', () => {
  it.each([
    [{ malicious: 3, harmless: 60 }, 'malicious'],
    [{ malicious: 2, harmless: 60 }, 'suspicious'],
    [{ suspicious: 1, undetected: 60 }, 'suspicious'],
    [{ harmless: 10, undetected: 50, timeout: 5 }, 'harmless'],
    [{ harmless: 1, timeout: 5 }, 'unknown'],
    [{ timeout: 3, 'type-unsupported': 12 }, 'unknown'],
    [{}, 'unknown'],
    [undefined, 'unknown'],
  ] as const)('%j → %s', (stats, verdict) => {
    expect(verdictOf(stats, t)).toBe(verdict);
  });

  it('keeps the score inside the verdict band', () => {
    expect(scoreOf({ malicious: 62, undetected: 8 }, 'malicious')).toBe(89);
    expect(scoreOf({ malicious: 3, harmless: 90 }, 'malicious')).toBe(75);
    expect(scoreOf({ malicious: 2, harmless: 90 }, 'suspicious')).toBe(25);
    expect(scoreOf({ malicious: 50, harmless: 10 }, 'suspicious')).toBe(74);
    expect(scoreOf({ malicious: 1, harmless: 3 }, 'harmless')).toBe(24);
    expect(scoreOf({ harmless: 60 }, 'harmless')).toBe(0);
    expect(scoreOf({}, 'unknown')).toBe(0);
  });

  it('leaves absent facts out of the details', () => {
    expect(detailsOf('1.2.3.4', { harmless: 1 }, { country: 'US' })).toEqual({
      malicious: 0,
      suspicious: 0,
      harmless: 1,
      undetected: 0,
      timeout: 0,
      engines: 1,
      vt_id: '1.2.3.4',
      country: 'US',
    });
  });
});
