import { describe, expect, test } from "bun:test";
import { checkDestination, isPrivateAddress } from "../../../src/wire/destination.ts";
import { serviceURIProblem, serviceURL } from "../../../src/wire/service-uri.ts";

describe("private destinations", () => {
  test("loopback, private, link-local and mapped addresses are private; public ones are not", () => {
    for (const ip of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "0.0.0.0",
      "::1",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
    ]) {
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, true]);
    }
    for (const ip of ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "172.32.0.1"]) {
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, false]);
    }
  });

  test("refused by default, allowed by name, literal or CIDR; numeric and bracketed forms are normalized first", async () => {
    const none = { allowPrivate: [] };
    for (const u of [
      "http://127.0.0.1:1/",
      "http://2130706433/",
      "http://0x7f.1/",
      "http://[::1]/",
      "http://localhost/",
      "http://a.localhost/",
    ]) {
      await expect(checkDestination(new URL(u), none)).rejects.toMatchObject({ code: "PEER_URL_REFUSED" });
    }
    await checkDestination(new URL("http://127.0.0.5/"), { allowPrivate: ["127.0.0.0/8"] });
    await checkDestination(new URL("http://[::1]/"), { allowPrivate: ["::1"] });
    await checkDestination(new URL("http://localhost/"), { allowPrivate: ["localhost"] });
    await expect(
      checkDestination(new URL("http://10.0.0.1/"), { allowPrivate: ["127.0.0.0/8"] }),
    ).rejects.toThrow();
    // A name that resolves to a private address is refused too.
    const lookup = async () => ["10.0.0.7"];
    await expect(
      checkDestination(new URL("http://internal/"), { allowPrivate: [], lookup }),
    ).rejects.toThrow();
    await checkDestination(new URL("https://example.com/"), {
      allowPrivate: [],
      lookup: async () => ["93.184.216.34"],
    });
  });

  test("only http and https, never credentials", async () => {
    for (const u of ["file:///etc/passwd", "ftp://example.com/", "http://u:p@example.com/"]) {
      await expect(checkDestination(new URL(u), undefined)).rejects.toMatchObject({
        code: "PEER_URL_REFUSED",
      });
    }
  });
});

describe("service URIs", () => {
  test("a query, fragment, credentials or another scheme is refused", () => {
    for (const u of [
      "http://internal/path?x#",
      "http://h/p#",
      "http://h/?",
      "file:///etc/passwd",
      "http://u@h/",
      "data:,x",
      "/relative",
    ]) {
      expect([u, serviceURIProblem(u) !== undefined]).toEqual([u, true]);
    }
    expect(serviceURIProblem("https://orch.example:8935")).toBeUndefined();
    expect(serviceURIProblem("http://127.0.0.1:8787/prefix/")).toBeUndefined();
  });

  test("paths are appended under the prefix with URL, never concatenated", () => {
    expect(serviceURL("http://h:1/prefix/", "/v1/orchestrator/info").href).toBe(
      "http://h:1/prefix/v1/orchestrator/info",
    );
    expect(serviceURL("http://h:1", "/v1/x", new URLSearchParams({ a: "b" })).href).toBe(
      "http://h:1/v1/x?a=b",
    );
    expect(() => serviceURL("http://h/p?x#", "/v1/x")).toThrow();
  });
});
