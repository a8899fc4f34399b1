import type { DicomJsonRecord } from './DicomWebClient';
import type { OrthancChangeFeed } from './OrthancChangeFeed';
import type { PassCounts, SyncContext } from './SyncContext';
import { syncStudyRows } from './syncStudyRows';

const CHANGES_PER_PAGE = 100;

/**
 * Reads the Orthanc change feed from the stored checkpoint and brings the studies it names
 * into the index. Returns where it got to and the failure that stopped it, if any.
 */
export async function followChangeFeed(ctx: SyncContext, feed: OrthancChangeFeed, counts: PassCounts): Promise<{ seq: number | null; error: string | null }> {
  let seq = (await ctx.store.checkpoint(ctx.archive.name)) ?? 0;
  for (;;) {
    const page = await feed.page(seq, CHANGES_PER_PAGE);
    if (!page.ok) return { seq, error: page.reason };
    const rows: DicomJsonRecord[] = [];
    for (const id of page.value.studyIds) {
      const uid = await feed.studyUid(id);
      if (!uid.ok) return { seq, error: uid.reason };
      if (uid.value === null) continue; // deleted since: reconciliation handles it
      const found = await ctx.client.searchStudies({ studyInstanceUid: uid.value });
      if (!found.ok) return { seq, error: found.reason };
      rows.push(...found.value);
    }
    const failure = await syncStudyRows(ctx, rows, counts, null);
    // The checkpoint moves only past changes whose studies are all in the index: a crash
    // before this line re-reads the page, and the writes are idempotent.
    if (failure) return { seq, error: failure };
    seq = page.value.last;
    await ctx.store.saveCheckpoint(ctx.archive.name, seq);
    if (page.value.done) return { seq, error: null };
  }
}
