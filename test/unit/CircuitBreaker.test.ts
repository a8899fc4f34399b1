import { CircuitBreaker } from '../../gateway/CircuitBreaker';

describe('CircuitBreaker', () => {
  let now = 0;
  const breaker = () => new CircuitBreaker({ failureThreshold: 3, openMs: 1000, now: () => now });
  beforeEach(() => {
    now = 0;
  });

  it('stays closed below the failure threshold and resets on success', () => {
    const b = breaker();
    b.onFailure();
    b.onFailure();
    b.onSuccess();
    b.onFailure();
    b.onFailure();
    expect(b.tryAcquire()).toBe(true);
    expect(b.current).toEqual({ kind: 'closed', failures: 2 });
  });

  it('opens after consecutive failures and skips the region until the open time passes', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.onFailure();
    expect(b.tryAcquire()).toBe(false);
    now = 999;
    expect(b.tryAcquire()).toBe(false);
  });

  it('lets exactly one probe through after the open time; success closes it', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.onFailure();
    now = 1000;
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.onSuccess();
    expect(b.tryAcquire()).toBe(true);
    expect(b.isOpen).toBe(false);
  });

  it('opens again when the probe fails', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.onFailure();
    now = 1000;
    b.tryAcquire();
    b.onFailure();
    expect(b.current).toEqual({ kind: 'open', until: 2000 });
    expect(b.tryAcquire()).toBe(false);
  });
});
