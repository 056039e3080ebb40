import { defaultIntegrationDirs, discoverIntegrations } from './integration-registry';
import { ConformanceHarness } from './kit/conformance/harness';
import { scenariosFor } from './kit/conformance/scenarios';

/**
 * Every integration, every capability it claims, the same scenarios against its own fake: an
 * integrator adding a folder gets this suite for free (and cannot opt out of it).
 */
const integrations = discoverIntegrations(defaultIntegrationDirs());

describe.each(integrations.map((i) => [i.manifest.id, i] as const))('%s conformance', (_id, integration) => {
  const capabilities = Object.keys(integration.manifest.capabilities).filter((c) => scenariosFor(c).length);
  it('claims at least one shared capability', () => expect(capabilities.length).toBeGreaterThan(0));

  describe.each(capabilities)('%s', (capability) => {
    let h: ConformanceHarness;
    beforeEach(async () => {
      h = new ConformanceHarness(integration);
      await h.start();
    });
    afterEach(() => h.stop());

    it.each(scenariosFor(capability).map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
      await scenario.run(h);
    });
  });
});
