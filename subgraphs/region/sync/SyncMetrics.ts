import { Counter, Gauge, Registry } from 'prom-client';
import type { PassCounts } from './SyncContext';

/**
 * Prometheus metrics of the archive sync, on the region's /metrics when the sync runs in
 * the region process. One registry per instance, so tests never collide.
 */
export class SyncMetrics {
  readonly registry: Registry;
  private readonly studies: Counter<'archive' | 'outcome'>;
  private readonly lastPass: Gauge<'archive'>;
  private readonly changeLag: Gauge<'archive'>;
  private readonly passSeconds: Gauge<'archive'>;

  constructor(registry = new Registry()) {
    this.registry = registry;
    this.studies = new Counter({
      name: 'region_sync_studies_total',
      help: 'Studies handled by the archive sync, by outcome (upserted, unchanged, quarantined, removed, errors)',
      labelNames: ['archive', 'outcome'],
      registers: [registry],
    });
    this.lastPass = new Gauge({ name: 'region_sync_last_pass_timestamp_seconds', help: 'When the last sync pass of an archive ended', labelNames: ['archive'], registers: [registry] });
    this.changeLag = new Gauge({
      name: 'region_sync_change_lag',
      help: 'Changes in the archive change feed not yet read into the index (0 when caught up)',
      labelNames: ['archive'],
      registers: [registry],
    });
    this.passSeconds = new Gauge({ name: 'region_sync_pass_duration_seconds', help: 'Duration of the last sync pass of an archive', labelNames: ['archive'], registers: [registry] });
  }

  passEnded(archive: string, counts: PassCounts, seconds: number): void {
    for (const outcome of ['upserted', 'unchanged', 'quarantined', 'removed', 'errors'] as const) {
      if (counts[outcome] > 0) this.studies.inc({ archive, outcome }, counts[outcome]);
    }
    this.lastPass.set({ archive }, Date.now() / 1000);
    this.passSeconds.set({ archive }, seconds);
  }

  lag(archive: string, changesBehind: number): void {
    this.changeLag.set({ archive }, changesBehind);
  }
}
