import type { SyncContext } from './SyncContext';

/** How a reconciliation ended. Only `done` removes anything. */
export type Reconciliation =
  | { kind: 'done'; removed: number }
  /** The listing could not be trusted (failed page, timeout, empty answer): nothing removed. */
  | { kind: 'aborted'; reason: string }
  /** More than the archive's maxRemoveShare would go: nothing removed until confirmed. */
  | { kind: 'held'; reason: string; wouldRemove: number };

export interface ReconcileOptions {
  /** Remove even beyond maxRemoveShare (the operator looked and agrees). */
  confirmRemovals: boolean;
}

/**
 * Compares a complete listing of the archive with the studies this archive supplied, and
 * marks those it no longer holds NOT_IN_ARCHIVE. The caller passes only a listing whose
 * every page was read. An empty listing while the index holds studies from this archive
 * is taken as a broken archive, not a deleted one. Each candidate is asked for by UID
 * before it goes, so a study that shifted between pages of a moving listing stays.
 */
export async function reconcileArchive(ctx: SyncContext, listed: ReadonlySet<string>, options: ReconcileOptions): Promise<Reconciliation> {
  const { archive, store } = ctx;
  const known = await store.known(archive.name);
  const present = [...known.entries()].filter(([, k]) => k.present).map(([uid]) => uid);
  if (listed.size === 0 && present.length > 0) {
    return { kind: 'aborted', reason: `the archive listed no studies while the index holds ${present.length} from it; nothing removed` };
  }
  const candidates = present.filter((uid) => !listed.has(uid));
  if (candidates.length === 0) return { kind: 'done', removed: 0 };
  const share = candidates.length / present.length;
  if (share > archive.maxRemoveShare && !options.confirmRemovals) {
    return {
      kind: 'held',
      wouldRemove: candidates.length,
      reason: `${candidates.length} of ${present.length} studies (${(share * 100).toFixed(1)}%) are gone from the archive, more than ${(archive.maxRemoveShare * 100).toFixed(1)}%; nothing removed: check the archive, then run again with --confirm-removals`,
    };
  }
  const gone: string[] = [];
  for (const uid of candidates) {
    const found = await ctx.client.searchStudies({ studyInstanceUid: uid });
    if (!found.ok) return { kind: 'aborted', reason: `could not confirm a removal (${found.reason}); nothing removed` };
    if (found.value.length === 0) gone.push(uid);
  }
  const marked = await store.markNotInArchive(archive.name, gone);
  ctx.cache?.invalidate(marked.nhsNumbers, marked.uids);
  if (marked.uids.length > 0) ctx.logger.info({ archive: archive.name, removed: marked.uids.length }, 'studies no longer in the archive');
  return { kind: 'done', removed: marked.uids.length };
}
