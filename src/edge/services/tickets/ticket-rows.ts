import type { InValue } from "@libsql/client";
import type { RawSql } from "../../db/raw.ts";
import { acceptedTickets } from "../../db/schema/payments.ts";

/** One accepted_tickets row as the intake writes it (drizzle's insert type, all fields set). */
export type TicketRow = Omit<typeof acceptedTickets.$inferInsert, "id">;

const t = acceptedTickets;
/** Column order of the insert; names come from the schema so a rename cannot drift. */
const COLUMNS = [
  t.recipient,
  t.sender,
  t.faceValue,
  t.winProb,
  t.senderNonce,
  t.recipientRandHash,
  t.creationRound,
  t.creationRoundBlockHash,
  t.seed,
  t.expirationBlock,
  t.pricePerUnit,
  t.pixelsPerUnit,
  t.sig,
  t.recipientRand,
  t.ticketHash,
  t.ev,
  t.won,
  t.status,
  t.receivedAt,
] as const;
const ROW = `(${COLUMNS.map(() => "?").join(",")})`;
const INSERT_HEAD = `INSERT INTO accepted_tickets (${COLUMNS.map((c) => c.name).join(",")}) VALUES `;

/** The row's values in COLUMNS order, as drizzle would bind them (booleans as 0/1). */
function valuesOf(r: TicketRow, out: InValue[]): void {
  out.push(
    r.recipient,
    r.sender,
    r.faceValue,
    r.winProb,
    r.senderNonce,
    r.recipientRandHash,
    r.creationRound,
    r.creationRoundBlockHash,
    r.seed,
    r.expirationBlock,
    r.pricePerUnit,
    r.pixelsPerUnit,
    r.sig,
    r.recipientRand,
    r.ticketHash,
    r.ev,
    r.won ? 1 : 0,
    r.status,
    r.receivedAt,
  );
}

/**
 * Inserts a payment's tickets in one statement, skipping any whose (recipientRandHash, senderNonce)
 * is already stored, and returns how many were inserted. No RETURNING: reading the rows back
 * costs as much again as the insert, and the caller needs them only when some were skipped or
 * won (see insertedSince).
 */
export async function insertTicketRows(tx: RawSql, rows: readonly TicketRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const args: InValue[] = [];
  for (const r of rows) valuesOf(r, args);
  const sql = `${INSERT_HEAD}${Array.from({ length: rows.length }, () => ROW).join(",")} ON CONFLICT DO NOTHING`;
  return (await tx.execute({ sql, args })).rowsAffected;
}

/**
 * How many tickets carry `recipientRandHash`, and the highest ticket id in the table: every row
 * this transaction inserts afterwards has a higher id (AUTOINCREMENT never reuses one, and the
 * write lock keeps other processes out), which is how insertedSince finds them.
 */
export async function ticketsOfRandHash(
  tx: RawSql,
  recipientRandHash: string,
): Promise<{ count: number; topId: number }> {
  const r = await tx.execute({
    sql: `SELECT count(*) AS n, (SELECT coalesce(max(${t.id.name}), 0) FROM accepted_tickets) AS top FROM accepted_tickets WHERE ${t.recipientRandHash.name} = ?`,
    args: [recipientRandHash],
  });
  const row = r.rows[0];
  return { count: Number(row?.n ?? 0), topId: Number(row?.top ?? 0) };
}

/** The rows of `recipientRandHash` inserted after `topId` (this transaction's). */
export async function insertedSince(
  tx: RawSql,
  recipientRandHash: string,
  topId: number,
): Promise<{ id: number; senderNonce: string; won: boolean }[]> {
  const r = await tx.execute({
    sql: `SELECT ${t.id.name} AS id, ${t.senderNonce.name} AS nonce, ${t.won.name} AS won FROM accepted_tickets WHERE ${t.recipientRandHash.name} = ? AND ${t.id.name} > ?`,
    args: [recipientRandHash, topId],
  });
  return r.rows.map((row) => ({
    id: Number(row.id),
    senderNonce: String(row.nonce),
    won: Number(row.won) === 1,
  }));
}
