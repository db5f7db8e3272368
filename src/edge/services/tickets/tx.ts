// The payments area's names for the shared transaction helpers (src/edge/db/tx.ts).
export { isBusy, type Tx, writeTx } from "../../db/tx.ts";
