import * as fs from 'node:fs';
import * as path from 'node:path';
import { Controller, Post } from '@nestjs/common';
import { Mutation, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { projectRoot } from '../config/paths';
import { PROVIDER_ADMIN_KEY, PUBLIC_KEY, Public, RequireRole, ROLE_KEY } from './roles.decorator';

/**
 * Every GraphQL operation and every HTTP route declares who may call it (@RequireRole, @Public or
 * @RequireProviderAdmin). The guard already refuses a handler without a rule at run time; this
 * makes forgetting one fail CI instead of surfacing as a FORBIDDEN in production.
 */
type Ctor = { name: string; prototype: Record<string, unknown> };

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

function hasRule(target: object): boolean {
  return [ROLE_KEY, PUBLIC_KEY, PROVIDER_ADMIN_KEY].some(
    (key) => Reflect.getMetadata(key, target) !== undefined,
  );
}

/** "Class.method" for each root resolver or route handler that has no access rule. */
function handlersWithoutRule(classes: Ctor[]): { checked: string[]; missing: string[] } {
  const checked: string[] = [];
  const missing: string[] = [];
  for (const cls of classes) {
    const isController = Reflect.getMetadata('path', cls) !== undefined;
    const classRule = hasRule(cls);
    for (const name of Object.getOwnPropertyNames(cls.prototype)) {
      if (name === 'constructor') continue;
      const handler = Object.getOwnPropertyDescriptor(cls.prototype, name)?.value as object | undefined;
      if (typeof handler !== 'function') continue;
      const rootResolver =
        ROOT_TYPES.has(Reflect.getMetadata('graphql:resolver_type', handler) as string) &&
        !Reflect.getMetadata('graphql:resolve_property', handler);
      const route = isController && Reflect.getMetadata('method', handler) !== undefined;
      if (!rootResolver && !route) continue;
      checked.push(`${cls.name}.${name}`);
      if (!classRule && !hasRule(handler)) missing.push(`${cls.name}.${name}`);
    }
  }
  return { checked, missing };
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', 'fake', 'workflows'].includes(entry.name)) out.push(...sourceFiles(full));
    } else if (
      entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.spec.ts') &&
      !entry.name.endsWith('.d.ts')
    ) {
      out.push(full);
    }
  }
  return out;
}

/** Every class in src/ and integrations/ declared with @Resolver or @Controller. */
function discoverHandlers(): Ctor[] {
  const root = projectRoot();
  const files = [
    ...sourceFiles(path.join(root, 'src')),
    ...sourceFiles(path.join(root, 'integrations')),
  ].filter((f) => /@(Resolver|Controller)\(/.test(fs.readFileSync(f, 'utf8')));
  const classes: Ctor[] = [];
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as Record<string, unknown>;
    for (const value of Object.values(mod)) if (typeof value === 'function') classes.push(value);
  }
  return classes;
}

describe('access rules', () => {
  it('every resolver operation and route handler declares who may call it', () => {
    const { checked, missing } = handlersWithoutRule(discoverHandlers());
    expect(checked).toEqual(
      expect.arrayContaining(['AuthResolver.me', 'AuthResolver.createTenant', 'WebhooksController.receive']),
    );
    expect(checked.length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it('notices a handler without a rule', () => {
    @Resolver()
    class Forgetful {
      @Query(() => String)
      @RequireRole('viewer')
      ruled(): string {
        return '';
      }

      @Mutation(() => String)
      unruled(): string {
        return '';
      }

      @ResolveField(() => String)
      field(): string {
        return '';
      }
    }

    @Controller('x')
    class ForgetfulController {
      @Post('a')
      @Public()
      open(): void {}

      @Post('b')
      unruled(): void {}
    }
    const { checked, missing } = handlersWithoutRule([Forgetful, ForgetfulController] as unknown as Ctor[]);
    expect(checked).toEqual([
      'Forgetful.ruled',
      'Forgetful.unruled',
      'ForgetfulController.open',
      'ForgetfulController.unruled',
    ]);
    expect(missing).toEqual(['Forgetful.unruled', 'ForgetfulController.unruled']);
  });
});
