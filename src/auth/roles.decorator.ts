import { SetMetadata } from '@nestjs/common';
import type { RoleName } from './roles';

export const ROLE_KEY = 'cordon:role';
export const PUBLIC_KEY = 'cordon:public';
export const PROVIDER_ADMIN_KEY = 'cordon:provider-admin';

/** The least role a caller needs. Every resolver and route declares one (or @Public). */
export const RequireRole = (role: RoleName) => SetMetadata(ROLE_KEY, role);

/** Reachable without credentials (health checks, signed webhooks that verify themselves). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only the provider's own admins (tenant management). */
export const RequireProviderAdmin = () => SetMetadata(PROVIDER_ADMIN_KEY, true);
