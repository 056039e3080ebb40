import * as fs from 'node:fs';
import * as path from 'node:path';
import { AlertInput } from '../alerts/dto/alert.input';
import { normaliserFor } from '../alerts/normalisers';
import { AppError } from '../common/errors/app-error';
import { UNSTORABLE_TEXT_MESSAGE } from '../common/validation/unstorable-text';
import { readWebhookPayload } from './webhook-payload';

const FIXTURES = path.join(__dirname, '../../test/fixtures/alerts');
const crowdstrike = normaliserFor('crowdstrike')!;

async function rejection(body: string | Buffer): Promise<AppError> {
  try {
    await readWebhookPayload(crowdstrike, Buffer.isBuffer(body) ? body : Buffer.from(body));
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('readWebhookPayload', () => {
  it('turns a native payload into validated AlertInputs', async () => {
    const body = fs.readFileSync(path.join(FIXTURES, 'crowdstrike/alert-v2.json'));
    const inputs = await readWebhookPayload(crowdstrike, body);
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toBeInstanceOf(AlertInput);
    expect(inputs[0].source).toBe('crowdstrike');
    expect(inputs[0].detectedAt).toBeInstanceOf(Date);
    expect(inputs[0].raw).toEqual(JSON.parse(body.toString()));
  });

  it('refuses malformed JSON as BAD_USER_INPUT naming the body', async () => {
    const err = await rejection('{"composite_id": ');
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.message).toMatch(/^body: not valid JSON/);
  });

  it('refuses a NUL character (PostgreSQL cannot store one) as BAD_USER_INPUT naming the body', async () => {
    const body = fs
      .readFileSync(path.join(FIXTURES, 'crowdstrike/alert-v2.json'), 'utf8')
      .replace('"description": "', '"description": "evil\\u0000');
    const err = await rejection(body);
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.message).toBe(`body: ${UNSTORABLE_TEXT_MESSAGE}`);
  });

  it("passes the normaliser's message, naming the field", async () => {
    const err = await rejection(JSON.stringify({ composite_id: 'x' }));
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(typeof err.details?.field).toBe('string');
    expect(err.message).toContain(String(err.details?.field));
  });

  it('refuses more than 1,000 alerts in one delivery', async () => {
    const one = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'crowdstrike/alert-v2.json'), 'utf8'));
    const many = Array.from({ length: 1001 }, (_, i) => ({
      ...one,
      composite_id: `${one.composite_id}-${i}`,
    }));
    const err = await rejection(JSON.stringify(many));
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.message).toContain('at most 1000 alerts');
  });
});
