import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { CAPABILITIES } from '../capabilities';
import { HttpClient } from '../http-client';
import type {
  ActionContext,
  FakeEffect,
  FakeVendorServer,
  IntegrationDefinition,
} from '../integration.types';

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));

/**
 * Drives one integration against its default fake, through the same contract a playbook uses:
 * capability in, capability out. Sleeps are recorded, not slept, so a 429 storm costs nothing.
 */
export class ConformanceHarness {
  readonly sleeps: number[] = [];
  private http: HttpClient | undefined;
  private fakeServer: FakeVendorServer | undefined;

  constructor(readonly integration: IntegrationDefinition) {}

  get fake(): FakeVendorServer {
    if (!this.fakeServer) throw new Error('the harness is not started');
    return this.fakeServer;
  }

  async start(): Promise<void> {
    this.fakeServer = this.integration.createFake();
    const url = await this.fakeServer.start(0);
    this.http = new HttpClient({
      vendor: this.integration.manifest.vendor,
      baseUrl: url,
      sleep: async (ms) => void this.sleeps.push(ms),
      random: () => 0.5,
    });
  }

  async stop(): Promise<void> {
    await this.fakeServer?.stop();
  }

  claims(capability: string): boolean {
    return capability in this.integration.manifest.capabilities;
  }

  /** Runs the integration's action for `capability` and checks the output against the contract. */
  async call(
    capability: string,
    input: Record<string, unknown>,
    idempotencyKey = `conformance/${capability}`,
  ): Promise<Record<string, unknown>> {
    const actionName = this.integration.manifest.capabilities[capability];
    const action = actionName ? this.integration.actions[actionName] : undefined;
    if (!action) throw new Error(`${this.integration.manifest.id} does not implement ${capability}`);
    const output = (await action.run(this.context(idempotencyKey), input)) as Record<string, unknown>;
    const contract = CAPABILITIES[capability];
    if (contract && !ajv.validate(contract.output, output)) {
      throw new Error(
        `${capability} output breaks the contract: ${ajv.errorsText(ajv.errors)}\n${JSON.stringify(output)}`,
      );
    }
    return output;
  }

  effects(capability: string): FakeEffect[] {
    return this.fake.effects.filter((e) => e.capability === capability);
  }

  private context(idempotencyKey: string): ActionContext {
    if (!this.http) throw new Error('the harness is not started');
    const connection = this.integration.fakeConnection(this.fake.url);
    return {
      connection: { id: `conformance-${this.integration.manifest.id}`, ...connection },
      idempotencyKey,
      http: this.http,
    };
  }
}
