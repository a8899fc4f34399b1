/** Who is calling. Issue #4 replaces the shared registration token with JWT roles. */
export type Principal = { kind: 'anonymous' } | { kind: 'registrar' } | { kind: 'invalid'; reason: string };

/** Per-request context of the national gateway. */
export interface GatewayContext extends Record<string, unknown> {
  principal: Principal;
  requestId: string;
}
