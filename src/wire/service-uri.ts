/**
 * Whether a string is acceptable as an orchestrator's service URI: an absolute http(s) URL with a
 * host, no credentials, no query and no fragment (a path prefix is allowed). Peers' paths are
 * appended to it, so anything that would swallow them (`?`, `#`, `user@`) is refused. Returns
 * the reason, or undefined when the URI is fine.
 */
export function serviceURIProblem(uri: string): string | undefined {
  if (uri.length > 2048) return "longer than 2048 characters";
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "not an absolute URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return `scheme ${url.protocol} is not http or https`;
  if (url.hostname === "") return "no host";
  if (url.username !== "" || url.password !== "" || /^[a-z]+:\/\/[^/]*@/i.test(uri))
    return "carries credentials";
  if (url.search !== "" || uri.includes("?")) return "carries a query";
  if (url.hash !== "" || uri.includes("#")) return "carries a fragment";
  return undefined;
}

/**
 * `path` (which starts with "/") under the service URI's origin and path prefix, built with URL
 * rather than string concatenation. Throws when the service URI is not acceptable.
 */
export function serviceURL(serviceURI: string, path: string, query?: URLSearchParams): URL {
  const problem = serviceURIProblem(serviceURI);
  if (problem) throw new TypeError(`service URI refused: ${problem}`);
  const url = new URL(serviceURI);
  const [pathname] = path.split("?");
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${pathname}`;
  if (query) url.search = query.toString();
  return url;
}
