-- IDE sessions' tokens are now sealed at rest (AES-256-GCM under a key derived from the
-- session id, which only the browser's cookie holds: gateway/session/SessionStore.ts).
-- Rows written before held plain tokens; they are ended here (their users sign in again)
-- rather than left readable in the table.
DELETE FROM ide_session;
