/**
 * The part of Block Kit validation the fake enforces: what Cordon's messages could get wrong.
 * Messages read like Slack's `response_metadata.messages` for invalid_blocks.
 */
type Json = Record<string, unknown>;

const BLOCK_TYPES = new Set([
  'section',
  'header',
  'actions',
  'context',
  'divider',
  'image',
  'rich_text',
  'input',
]);
const URL_MAX = 3000;

export function blockErrors(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['[ERROR] must be an array [json-pointer:/blocks]'];
  const errors: string[] = [];
  const err = (pointer: string, problem: string) =>
    errors.push(`[ERROR] ${problem} [json-pointer:${pointer}]`);
  if (blocks.length > 50) err('/blocks', 'no more than 50 items allowed');
  const blockIds = new Set<string>();
  blocks.forEach((raw, i) => {
    const at = `/blocks/${i}`;
    const block = asJson(raw);
    if (!block || typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type))
      return err(`${at}/type`, 'must be a valid enum value');
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length > 255)
        err(`${at}/block_id`, 'must be less than 256 characters');
      else if (blockIds.has(block.block_id)) err(`${at}/block_id`, 'must be unique');
      else blockIds.add(block.block_id);
    }
    switch (block.type) {
      case 'section':
        if (block.text === undefined && block.fields === undefined)
          err(at, 'must provide either text or fields');
        if (block.text !== undefined) checkText(block.text, `${at}/text`, 3000, err);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length > 10)
            err(`${at}/fields`, 'no more than 10 items allowed');
          else block.fields.forEach((f, j) => checkText(f, `${at}/fields/${j}`, 2000, err));
        }
        if (block.accessory !== undefined) checkElement(block.accessory, `${at}/accessory`, err);
        break;
      case 'header':
        checkText(block.text, `${at}/text`, 150, err, 'plain_text');
        break;
      case 'actions':
        if (!Array.isArray(block.elements) || !block.elements.length || block.elements.length > 25)
          err(`${at}/elements`, 'must have between 1 and 25 items');
        else block.elements.forEach((e, j) => checkElement(e, `${at}/elements/${j}`, err));
        break;
      default:
        break;
    }
  });
  return errors;
}

function checkText(
  raw: unknown,
  at: string,
  max: number,
  err: (pointer: string, problem: string) => void,
  only?: 'plain_text',
): void {
  const text = asJson(raw);
  if (!text || (text.type !== 'plain_text' && text.type !== 'mrkdwn') || (only && text.type !== only))
    return err(`${at}/type`, 'must be a valid enum value');
  if (typeof text.text !== 'string' || !text.text.length)
    return err(`${at}/text`, 'must be more than 0 characters');
  if (text.text.length > max) err(`${at}/text`, `must be less than ${max + 1} characters`);
}

function checkElement(raw: unknown, at: string, err: (pointer: string, problem: string) => void): void {
  const el = asJson(raw);
  if (!el || el.type !== 'button') return; // other element types are not checked here
  checkText(el.text, `${at}/text`, 75, err, 'plain_text');
  if (el.action_id !== undefined && (typeof el.action_id !== 'string' || el.action_id.length > 255))
    err(`${at}/action_id`, 'must be less than 256 characters');
  if (el.value !== undefined && (typeof el.value !== 'string' || el.value.length > 2000))
    err(`${at}/value`, 'must be less than 2001 characters');
  if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger')
    err(`${at}/style`, 'must be a valid enum value');
  if (el.url !== undefined) {
    if (typeof el.url !== 'string' || el.url.length > URL_MAX || !/^https?:\/\//i.test(el.url))
      err(`${at}/url`, 'must be a valid URL');
  }
}

function asJson(value: unknown): Json | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}
