import { z } from 'zod';

/** Who a participant is in a session; the gateway enforces what each may do (README "Roles and safety"). */
export const Role = z.enum(['operator', 'observer', 'onsite']);
export type Role = z.infer<typeof Role>;
