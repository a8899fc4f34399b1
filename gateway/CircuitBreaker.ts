import { GATEWAY_DEFAULTS } from './defaults';

/** Options for {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. @defaultValue GATEWAY_DEFAULTS.breakerFailureThreshold */
  failureThreshold?: number;
  /** How long an open circuit skips the region before letting one probe through, ms. @defaultValue GATEWAY_DEFAULTS.breakerOpenMs */
  openMs?: number;
  /** Injected clock, for tests. */
  now?: () => number;
}

/** Where a breaker stands: closed (normal), open (skipping), half-open (one probe in flight). */
export type CircuitState = { kind: 'closed'; failures: number } | { kind: 'open'; until: number } | { kind: 'half-open' };

/**
 * Per-region circuit breaker. A region that keeps failing costs every query its whole
 * time budget; once open, the gateway skips it at once (REGION_UNAVAILABLE) and after
 * `openMs` lets a single real request through as a probe: success closes the circuit,
 * failure opens it again.
 */
export class CircuitBreaker {
  private state: CircuitState = { kind: 'closed', failures: 0 };
  private readonly threshold: number;
  private readonly openMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? GATEWAY_DEFAULTS.breakerFailureThreshold;
    this.openMs = options.openMs ?? GATEWAY_DEFAULTS.breakerOpenMs;
    this.now = options.now ?? Date.now;
  }

  /** True when a request may go to the region now; may move open -> half-open. */
  tryAcquire(): boolean {
    const s = this.state;
    switch (s.kind) {
      case 'closed':
        return true;
      case 'open':
        if (this.now() < s.until) return false;
        this.state = { kind: 'half-open' };
        return true;
      case 'half-open':
        return false; // one probe at a time
      default: {
        const never: never = s;
        return never;
      }
    }
  }

  onSuccess(): void {
    this.state = { kind: 'closed', failures: 0 };
  }

  onFailure(): void {
    const s = this.state;
    if (s.kind === 'half-open' || (s.kind === 'closed' && s.failures + 1 >= this.threshold)) {
      this.state = { kind: 'open', until: this.now() + this.openMs };
    } else if (s.kind === 'closed') {
      this.state = { kind: 'closed', failures: s.failures + 1 };
    }
  }

  get current(): CircuitState {
    return this.state;
  }

  get isOpen(): boolean {
    return this.state.kind !== 'closed';
  }
}
