/** Incoming x-request-id values are honoured only when short and plain, so logs stay clean. */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = "x-request-id";

/** The caller's request id when it is safe to echo, otherwise a fresh UUID. */
export function requestIdFrom(incoming: string | undefined | null): string {
  if (incoming && SAFE_ID.test(incoming)) return incoming;
  return crypto.randomUUID();
}
