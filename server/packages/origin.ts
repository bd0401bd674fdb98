/**
 * The Yjs transaction origin of a change the server makes on a user's behalf
 * (package creation, import, baseline upload): the audit trail (server/audit.ts,
 * `userIdOfOrigin`) attributes every line change in that transaction to `userId`.
 */
export class HttpOrigin {
  constructor(readonly userId: string) {}
}
