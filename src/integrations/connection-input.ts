import { AppError } from '../common/errors/app-error';
import type { IntegrationManifest } from './kit/integration.types';

/** Checks settings and secrets against the integration's manifest; names every problem. */
export function checkConnectionInput(
  manifest: IntegrationManifest,
  input: { settings: Record<string, unknown>; secrets: Record<string, unknown> },
): { settings: Record<string, unknown>; secrets: Record<string, string> } {
  const problems: string[] = [];
  const settings: Record<string, unknown> = {};
  for (const key of Object.keys(input.settings)) {
    if (!(key in manifest.settings)) problems.push(`settings.${key}: not a setting of ${manifest.id}`);
  }
  for (const [key, spec] of Object.entries(manifest.settings)) {
    const value = input.settings[key] ?? spec.default;
    if (value === undefined || value === null || value === '') {
      if (spec.required) problems.push(`settings.${key}: required (${spec.description})`);
      continue;
    }
    if (typeof value !== spec.type) {
      problems.push(`settings.${key}: must be a ${spec.type}`);
      continue;
    }
    if (key === 'baseUrl') {
      const url = value as string;
      if (!isHttpUrl(url)) problems.push(`settings.baseUrl: must be an http(s) URL`);
      settings[key] = url.replace(/\/+$/, '');
    } else settings[key] = value;
  }
  const secrets: Record<string, string> = {};
  for (const key of Object.keys(input.secrets)) {
    if (!(key in manifest.secrets)) problems.push(`secrets.${key}: not a secret of ${manifest.id}`);
  }
  for (const [key, spec] of Object.entries(manifest.secrets)) {
    const value = input.secrets[key];
    if (value === undefined || value === null || value === '') {
      if (spec.required) problems.push(`secrets.${key}: required (${spec.description})`);
      continue;
    }
    if (typeof value !== 'string') problems.push(`secrets.${key}: must be a string`);
    else secrets[key] = value;
  }
  if (problems.length) {
    throw new AppError('BAD_USER_INPUT', `invalid connection: ${problems.join('; ')}`, {
      fields: problems.map((p) => p.split(':')[0]),
    });
  }
  return { settings, secrets };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
