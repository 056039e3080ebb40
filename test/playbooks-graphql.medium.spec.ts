import 'reflect-metadata';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Module, type INestApplication } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { AuthGuard } from '../src/auth/auth.guard';
import { Authenticator } from '../src/auth/authenticator.service';
import { LoginAudit } from '../src/audit/login-audit';
import { AuthException } from '../src/auth/auth.exception';
import type { Principal } from '../src/auth/principal';
import type { RoleName } from '../src/auth/roles';
import { formatGraphqlError } from '../src/common/errors/graphql-error.formatter';
import { createValidationPipe } from '../src/common/errors/validation';
import { FailedLoginLimiter } from '../src/common/security/rate-limit';
import { graphqlContext } from '../src/common/graphql/graphql-context';
import { TenantDb } from '../src/database/tenant-db';
import { actionCatalogue } from '../src/playbooks/action-catalogue';
import { PlaybooksResolver } from '../src/playbooks/playbooks.resolver';
import { ACTION_CATALOGUE, PlaybooksService } from '../src/playbooks/playbooks.service';
import { graphqlClient } from './support/graphql-client';
import { migratedDatabase, type MigratedDatabase } from './support/database';

const source = (id: string, when = 'severity = "HIGH"') =>
  [
    `id: ${id}`,
    `name: ${id}`,
    `trigger: { event: alert.created, when: '${when}' }`,
    'steps:',
    '  - { id: a, action: edr.find_host }',
  ].join('\n');

/**
 * The playbook operations over GraphQL, in process on a real database: the resolver, its
 * input validation, the role rules and the error shape (extensions.code and problems). API keys
 * are stood in for by fixed bearer tokens; everything else is the application's own.
 */
describe('playbooks over GraphQL', () => {
  let m: MigratedDatabase;
  let app: INestApplication;
  let gql: ReturnType<typeof graphqlClient>;
  let tenantA: string;
  let tenantB: string;
  let shippedDir: string;

  beforeAll(async () => {
    m = await migratedDatabase();
    [tenantA, tenantB] = [await m.newTenant(), await m.newTenant()];
    const principals: Record<string, Principal> = {};
    const key = (name: string, tenantId: string, role: RoleName) =>
      (principals[name] = {
        kind: 'apiKey',
        actorId: `apikey:${name}`,
        name,
        tenantId,
        role,
        providerAdmin: false,
      });
    key('admin-a', tenantA, 'admin');
    key('viewer-a', tenantA, 'viewer');
    key('admin-b', tenantB, 'admin');
    const keys = {
      authenticate: async (secret: string) =>
        principals[secret] ?? Promise.reject(AuthException.unauthenticated()),
    };

    @Module({
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          sortSchema: true,
          context: graphqlContext,
          formatError: formatGraphqlError,
        }),
      ],
      providers: [
        { provide: TenantDb, useValue: m.db },
        { provide: ACTION_CATALOGUE, useValue: actionCatalogue([]) },
        // Who is calling is not what this spec is about: keys map straight to principals.
        { provide: Authenticator, useValue: keys },
        { provide: LoginAudit, useValue: { failed: async () => undefined } },
        // The guard's brute-force brake is not what this spec is about.
        {
          provide: FailedLoginLimiter,
          useValue: { assertAllowed: () => undefined, failed: async () => undefined },
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        PlaybooksService,
        PlaybooksResolver,
      ],
    })
    class PlaybooksApiModule {}

    app = await NestFactory.create(PlaybooksApiModule, { logger: false, abortOnError: false });
    app.useGlobalPipes(createValidationPipe());
    shippedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-shipped-'));
    fs.writeFileSync(path.join(shippedDir, 'auto-contain.yaml'), source('auto-contain'));
    await app.get(PlaybooksService).loadShipped(shippedDir);
    await app.listen(0, '127.0.0.1');
    gql = graphqlClient(`${await app.getUrl()}/graphql`);
  });

  afterAll(async () => {
    await app?.close();
    await m?.close();
    if (shippedDir) fs.rmSync(shippedDir, { recursive: true, force: true });
  });

  const SAVE = `mutation ($source: String!) {
    savePlaybook(input: { source: $source }) { id playbookId contentHash origin active source }
  }`;
  const LIST = `{ playbooks { id name triggerEvent triggerWhen enabled activeVersionId contentHash origin overridesShipped versionsCount } }`;

  it('lists the shipped playbooks to any member of the tenant', async () => {
    const res = await gql(LIST, {}, 'viewer-a');
    expect(res.errors).toBeUndefined();
    expect(res.data.playbooks).toEqual([
      expect.objectContaining({
        id: 'auto-contain',
        triggerEvent: 'alert.created',
        triggerWhen: 'severity = "HIGH"',
        enabled: true,
        origin: 'SHIPPED',
        overridesShipped: false,
        versionsCount: 1,
      }),
    ]);
    expect((await gql(LIST)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('saves a version for admins only, idempotently by content hash', async () => {
    const forbidden = await gql(SAVE, { source: source('auto-contain', 'severity = "LOW"') }, 'viewer-a');
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const first = await gql(SAVE, { source: source('auto-contain', 'severity = "LOW"') }, 'admin-a');
    expect(first.errors).toBeUndefined();
    expect(first.data.savePlaybook).toMatchObject({
      playbookId: 'auto-contain',
      origin: 'SAVED',
      active: true,
    });
    const again = await gql(SAVE, { source: source('auto-contain', 'severity = "LOW"') }, 'admin-a');
    expect(again.data.savePlaybook).toEqual(first.data.savePlaybook);

    const list = (await gql(LIST, {}, 'viewer-a')).data.playbooks;
    expect(list).toEqual([
      expect.objectContaining({
        id: 'auto-contain',
        origin: 'SAVED',
        overridesShipped: true,
        versionsCount: 2,
        activeVersionId: first.data.savePlaybook.id,
        contentHash: first.data.savePlaybook.contentHash,
      }),
    ]);
    // Tenant B still has the shipped one.
    expect((await gql(LIST, {}, 'admin-b')).data.playbooks[0]).toMatchObject({
      origin: 'SHIPPED',
      versionsCount: 1,
    });

    const detail = await gql(
      `query ($id: ID!) { playbook(id: $id) { id versions { id origin active } } }`,
      { id: 'auto-contain' },
      'viewer-a',
    );
    expect(detail.data.playbook.versions).toEqual([
      { id: first.data.savePlaybook.id, origin: 'SAVED', active: true },
      expect.objectContaining({ origin: 'SHIPPED', active: false }),
    ]);
  });

  it('refuses an invalid playbook as BAD_USER_INPUT listing each problem with its line', async () => {
    const broken = [
      ...source('broken').split('\n').slice(0, 4),
      '  - id: a',
      '    action: edr.find_host',
      '    timeout: soon',
    ].join('\n');
    const res = await gql(SAVE, { source: broken }, 'admin-a');
    expect(res.errors?.[0]).toMatchObject({
      message: expect.stringContaining('invalid playbook: line 7: step "a": timeout: must be a duration'),
      extensions: {
        code: 'BAD_USER_INPUT',
        field: 'source',
        problems: [{ line: 7, stepId: 'a', message: expect.stringContaining('timeout: must be a duration') }],
      },
    });
    const validation = await gql(
      `query ($source: String!) { validatePlaybook(source: $source) { valid playbookId contentHash problems { line stepId message } } }`,
      { source: broken },
      'viewer-a',
    );
    expect(validation.data.validatePlaybook).toEqual({
      valid: false,
      playbookId: null,
      contentHash: null,
      problems: [{ line: 7, stepId: 'a', message: expect.stringContaining('timeout') }],
    });
    const ok = await gql(
      `query ($source: String!) { validatePlaybook(source: $source) { valid playbookId problems { line } } }`,
      { source: source('fine') },
      'viewer-a',
    );
    expect(ok.data.validatePlaybook).toEqual({ valid: true, playbookId: 'fine', problems: [] });
  });

  it('enables and disables per tenant, for admins only, with validated input', async () => {
    const SET = `mutation ($id: ID!, $on: Boolean!) {
      setPlaybookEnabled(input: { playbookId: $id, enabled: $on }) { id enabled }
    }`;
    expect((await gql(SET, { id: 'auto-contain', on: false }, 'viewer-a')).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );
    const off = await gql(SET, { id: 'auto-contain', on: false }, 'admin-b');
    expect(off.data.setPlaybookEnabled).toEqual({ id: 'auto-contain', enabled: false });
    const service = app.get(PlaybooksService);
    expect(await service.triggeredBy(tenantB, 'alert.created', { severity: 'HIGH' })).toEqual([]);
    expect((await service.triggeredBy(tenantA, 'alert.created', { severity: 'LOW' })).length).toBe(1);
    expect((await gql(SET, { id: 'nope', on: true }, 'admin-b')).errors?.[0].extensions?.code).toBe(
      'NOT_FOUND',
    );
    const invalid = await gql(SET, { id: 'Not An Id', on: true }, 'admin-b');
    expect(invalid.errors?.[0]).toMatchObject({
      message: expect.stringContaining('playbookId must be a playbook id'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
