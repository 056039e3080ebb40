/**
 * A small seeded fuzzer: the same seed gives the same inputs, so a failure is replayed by running
 * the spec again with FUZZ_SEED set to the seed it printed.
 */
export class Fuzz {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: fast, good enough, and identical on every platform. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(0, 15).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  /** Strings that tend to break things: control characters, NUL, quotes, RTL, emoji, lone surrogates, long runs. */
  nastyString(maxLength = 64): string {
    const alphabets = [
      'abcdefghijklmnopqrstuvwxyz',
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
      ' \t\n\r',
      '\'"`\\/{}[]()<>;:,.|&$#%*!?=+-_~^@',
      '\u0000\u0001\u0007\u001b\u007f',
      'éßøŁżЖ中文日本語한국어',
      '\u202e\u200b\ufeff\u2028\u2029',
      '😀🔥🧨👩‍💻',
      '\ud800\udfff',
    ];
    const length = this.chance(0.05) ? this.int(1000, 5000) : this.int(0, maxLength);
    let out = '';
    while (out.length < length) {
      const alphabet = this.pick(alphabets);
      out += alphabet[this.int(0, alphabet.length - 1)];
    }
    return out;
  }

  /** A JSON-able value of bounded size and depth: what a confused client or a hostile one sends. */
  json(depth = 3): unknown {
    const kind = depth <= 0 ? this.int(0, 4) : this.int(0, 6);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 31, -(2 ** 31) - 1]);
      case 3:
        return this.nastyString();
      case 4:
        return this.pick(['', 'null', 'true', '0', '[]', '{}', '__proto__', 'constructor']);
      case 5:
        return Array.from({ length: this.int(0, 4) }, () => this.json(depth - 1));
      default: {
        const out: Record<string, unknown> = {};
        for (let i = this.int(0, 4); i > 0; i--)
          out[this.pick(['a', 'id', 'title', '__proto__', this.nastyString(8)])] = this.json(depth - 1);
        return out;
      }
    }
  }

  /** A few random edits: delete, insert, duplicate or swap a span, flip a character, truncate. */
  mutate(text: string, edits = this.int(1, 4)): string {
    let s = text;
    for (let i = 0; i < edits; i++) {
      const at = this.int(0, Math.max(0, s.length - 1));
      const span = this.int(1, 12);
      switch (this.int(0, 5)) {
        case 0:
          s = s.slice(0, at) + s.slice(at + span);
          break;
        case 1:
          s =
            s.slice(0, at) +
            this.pick([
              '{',
              '}',
              '[',
              ']',
              ':',
              '-',
              '"',
              "'",
              '\n',
              '  ',
              '{{',
              '}}',
              '&',
              '*',
              '!',
              '|',
              '#',
            ]) +
            s.slice(at);
          break;
        case 2:
          s = s.slice(0, at) + s.slice(at, at + span).repeat(this.int(2, 5)) + s.slice(at);
          break;
        case 3: {
          const other = this.int(0, Math.max(0, s.length - 1));
          s = s.slice(0, at) + s.slice(other, other + span) + s.slice(at + span);
          break;
        }
        case 4:
          s = s.slice(0, at) + String.fromCharCode(this.int(0, 0x2fff)) + s.slice(at + 1);
          break;
        default:
          s = s.slice(0, at);
      }
    }
    return s;
  }
}

/** FUZZ_SEED when given (to replay a failure), else a fixed default so CI runs are repeatable. */
export function fuzzSeed(fallback: number): number {
  const given = process.env.FUZZ_SEED;
  if (given === undefined || given === '') return fallback;
  const seed = Number(given);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got "${given}"`);
  return seed;
}
