import type { Pool } from 'pg';
import type { Logger } from '../../lib/logger';
import { CircuitBreaker, type CircuitBreakerOptions } from '../CircuitBreaker';
import { GATEWAY_DEFAULTS } from '../defaults';
import { parseRegionCode, REGION_CODE_RULE } from '../../lib/domain/parseRegionCode';
import { checkRegionEndpoint } from './checkRegionEndpoint';
import type { AnswerChecker } from './createAnswerChecker';
import { purposeBound, SIGNATURE_PURPOSE } from '../../lib/locator/membershipProtocol';

/** A registered region as the fan-out sees it. */
export interface RegionEndpoint {
  code: string;
  name: string;
  url: string;
  /** Per-region time budget; null uses the gateway default. */
  timeoutMs: number | null;
  registeredAt: string;
  breaker: CircuitBreaker;
  /** Contract version the region served at registration (lib/contract.ts). */
  contractVersion: number;
}

export interface RegistrationInput {
  code: string;
  name: string;
  url: string;
  timeoutMs?: number | null;
}

export type RegistrationOutcome =
  | { kind: 'registered'; region: RegionEndpoint; replaced: boolean }
  | { kind: 'refused'; reasons: string[] }
  /** The code is not registered and the caller may only re-register an existing one. */
  | { kind: 'new-code-forbidden'; code: string };

export type DeregistrationOutcome = { kind: 'deregistered'; code: string } | { kind: 'not-registered'; code: string };

/** Options for {@link RegionRegistry}. */
export interface RegionRegistryOptions {
  pool: Pool;
  logger: Logger;
  /** Budget for the health and schema check at registration, ms. @defaultValue GATEWAY_DEFAULTS.registrationCheckTimeoutMs */
  checkTimeoutMs?: number;
  /** How often to re-read registrations made through other replicas, ms; 0 disables. @defaultValue GATEWAY_DEFAULTS.registryRefreshMs */
  refreshMs?: number;
  breaker?: CircuitBreakerOptions;
  /** Headers for one region's copy of a request (the gateway's signature). */
  signFor: (code: string, body: string) => Record<string, string>;
  /** Proof of possession at registration: the answer is signed with the region's own secret. */
  checkAnswer: AnswerChecker;
}

interface Row {
  code: string;
  name: string;
  url: string;
  timeout_ms: number | null;
  registered_at: Date;
  contract_version: number;
}

/**
 * The set of regions the gateway fans out to, persisted in the national database.
 * `list()` returns an immutable snapshot: a registration or removal swaps the snapshot,
 * so queries already in flight finish against the regions they started with.
 */
export class RegionRegistry {
  private snapshot: readonly RegionEndpoint[] = [];
  private readonly breakers = new Map<string, CircuitBreaker>();
  private timer: NodeJS.Timeout | null = null;
  /** Reloads are numbered so that a slow older read never replaces a newer snapshot. */
  private reloads = 0;
  private applied = 0;

  constructor(private readonly options: RegionRegistryOptions) {}

  list(): readonly RegionEndpoint[] {
    return this.snapshot;
  }

  get(code: string): RegionEndpoint | undefined {
    return this.snapshot.find((r) => r.code === code);
  }

  /** Reads every registration from the database and starts periodic refresh. */
  async start(): Promise<void> {
    await this.reload();
    const every = this.options.refreshMs ?? GATEWAY_DEFAULTS.registryRefreshMs;
    if (every > 0) {
      this.timer = setInterval(() => {
        this.reload().catch((err: unknown) => this.options.logger.warn({ err: (err as Error).message }, 'registry refresh failed; keeping the last known regions'));
      }, every);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async reload(): Promise<void> {
    const ticket = ++this.reloads;
    const { rows } = await this.options.pool.query<Row>('SELECT code, name, url, timeout_ms, registered_at, contract_version FROM region_registration ORDER BY code');
    if (ticket < this.applied) return;
    this.applied = ticket;
    this.snapshot = Object.freeze(rows.map((r) => this.endpoint(r)));
    // Forget breakers of regions removed (here or through another replica).
    const live = new Set(rows.map((r) => r.code));
    for (const code of this.breakers.keys()) if (!live.has(code)) this.breakers.delete(code);
  }

  /**
   * Registers or re-registers a region. `mayCreate: false` (an archive) may only replace an
   * existing registration of its code: a new code, and so a new place patients' lookups go,
   * is an administrator's decision. Checked in the database (not this replica's snapshot),
   * before the endpoint is contacted, and again by the write itself.
   */
  async register(input: RegistrationInput, options: { mayCreate: boolean }): Promise<RegistrationOutcome> {
    const reasons = validateRegistration(input);
    if (reasons.length > 0) return { kind: 'refused', reasons };
    const code = input.code.trim().toUpperCase();
    const url = new URL(input.url.trim()).toString();
    if (!options.mayCreate) {
      const existing = await this.options.pool.query('SELECT 1 FROM region_registration WHERE code = $1', [code]);
      if (existing.rowCount === 0) return { kind: 'new-code-forbidden', code };
    }
    const { signFor, checkAnswer } = this.options;
    const check = await checkRegionEndpoint(
      url,
      this.options.checkTimeoutMs ?? GATEWAY_DEFAULTS.registrationCheckTimeoutMs,
      (body) => signFor(code, purposeBound(SIGNATURE_PURPOSE.graphql, body)),
      (sent, signature, body) => checkAnswer(code, sent, signature, body),
    );
    if (!check.ok) return { kind: 'refused', reasons: check.reasons };
    const params = [code, input.name.trim(), url, input.timeoutMs ?? null, check.contractVersion];
    const { rows } = await this.options.pool.query<Row & { replaced: boolean }>(
      options.mayCreate
        ? `INSERT INTO region_registration (code, name, url, timeout_ms, contract_version) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, url = EXCLUDED.url, timeout_ms = EXCLUDED.timeout_ms,
             contract_version = EXCLUDED.contract_version, updated_at = now()
           RETURNING code, name, url, timeout_ms, registered_at, contract_version, (xmax <> 0) AS replaced`
        : `UPDATE region_registration SET name = $2, url = $3, timeout_ms = $4, contract_version = $5, updated_at = now() WHERE code = $1
           RETURNING code, name, url, timeout_ms, registered_at, contract_version, true AS replaced`,
      params,
    );
    const row = rows[0];
    if (!row) return { kind: 'new-code-forbidden', code };
    // A re-registration (new URL) starts with a fresh breaker: the old endpoint's failures say nothing about the new one.
    this.breakers.delete(code);
    await this.reload();
    this.options.logger.info({ region: code, url, replaced: row.replaced }, 'region registered');
    return { kind: 'registered', region: this.get(code)!, replaced: row.replaced };
  }

  async deregister(code: string): Promise<DeregistrationOutcome> {
    const normalised = code.trim().toUpperCase();
    const { rowCount } = await this.options.pool.query('DELETE FROM region_registration WHERE code = $1', [normalised]);
    await this.reload(); // also forgets the region's breaker
    if (!rowCount) return { kind: 'not-registered', code: normalised };
    this.options.logger.info({ region: normalised }, 'region deregistered');
    return { kind: 'deregistered', code: normalised };
  }

  private endpoint(row: Row): RegionEndpoint {
    let breaker = this.breakers.get(row.code);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options.breaker);
      this.breakers.set(row.code, breaker);
    }
    return { code: row.code, name: row.name, url: row.url, timeoutMs: row.timeout_ms, registeredAt: row.registered_at.toISOString(), breaker, contractVersion: row.contract_version };
  }
}

/** Reasons a registration is malformed, before anything is contacted. */
export function validateRegistration(input: RegistrationInput): string[] {
  const reasons: string[] = [];
  if (parseRegionCode(input.code) === null) reasons.push(`code must be ${REGION_CODE_RULE}`);
  if (input.name.trim() === '' || input.name.length > 200) reasons.push('name must be 1-200 characters');
  try {
    const u = new URL(input.url.trim());
    if (u.protocol !== 'http:' && u.protocol !== 'https:') reasons.push('url must be http or https');
    // Patient data crosses this link: plain http only to this machine (demo, tests).
    if (u.protocol === 'http:' && !isLoopback(u.hostname)) reasons.push('url must be https unless it is on this machine (127.0.0.1, localhost)');
    if (u.username || u.password) reasons.push('url must not carry credentials');
  } catch {
    reasons.push(`url "${input.url.slice(0, 100)}" is not a URL`);
  }
  if (input.timeoutMs != null && (!Number.isInteger(input.timeoutMs) || input.timeoutMs < 50 || input.timeoutMs > 60_000)) {
    reasons.push('timeoutMs must be a whole number from 50 to 60000');
  }
  return reasons;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
