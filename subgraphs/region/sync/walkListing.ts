import { TAG } from '../bulk/DicomJson';
import { firstString } from './DicomWebClient';
import type { PassCounts, SyncContext } from './SyncContext';
import { syncStudyRows } from './syncStudyRows';

/**
 * Walks the whole QIDO-RS study listing with limit/offset. It stops at an empty page, not a
 * short one: an archive may cap a page below the limit asked for. A page that brings no
 * new study (an archive ignoring offset) ends the walk as a failure, never as a complete listing.
 */
export async function walkListing(ctx: SyncContext, counts: PassCounts): Promise<{ ok: true; listed: Set<string> } | { ok: false; reason: string }> {
  const known = await ctx.store.known(ctx.archive.name);
  const listed = new Set<string>();
  for (let offset = 0; ; ) {
    const page = await ctx.client.searchStudies({ offset, limit: ctx.archive.pageSize });
    if (!page.ok) return { ok: false, reason: `listing failed at offset ${offset}: ${page.reason}` };
    if (page.value.length === 0) return { ok: true, listed };
    const before = listed.size;
    for (const row of page.value) {
      const uid = firstString(row, TAG.StudyInstanceUID)?.trim();
      if (uid) listed.add(uid);
    }
    if (listed.size === before) return { ok: false, reason: `the archive answered offset ${offset} with studies already listed (does it ignore offset?); listing incomplete` };
    await syncStudyRows(ctx, page.value, counts, known);
    offset += page.value.length;
  }
}
