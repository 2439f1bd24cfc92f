/**
 * What the MSAL conformance tests share: an MSAL network client over node:https that trusts only
 * the emulator's CA (no environment variable, no global TLS change), and signature checks of the
 * tokens against the JWKS the emulator publishes, fetched over HTTPS.
 */
import { request } from "node:https";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";

function send<T>(
  url: string,
  method: "GET" | "POST",
  ca: string,
  options?: NetworkRequestOptions,
): Promise<NetworkResponse<T>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers: options?.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = {};
        try {
          body = JSON.parse(text);
        } catch {
          body = {};
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
        }
        // MSAL reads errors from the body of a resolved response, never from a rejection.
        resolve({ headers, body: body as T, status: res.statusCode ?? 0 });
      });
    });
    req.on("error", reject);
    req.end(method === "POST" ? (options?.body ?? "") : undefined);
  });
}

export function caPinnedNetworkClient(ca: string): INetworkModule {
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>(url, "GET", ca, options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>(url, "POST", ca, options),
  };
}

/** Verifies JWT signatures against the emulator's published keys (fetched once over HTTPS). */
export async function jwksVerifier(
  keysUrl: string,
  ca: string,
): Promise<(jwt: string) => Promise<Record<string, unknown>>> {
  const res = await send<JSONWebKeySet>(keysUrl, "GET", ca);
  if (res.status !== 200) throw new Error(`JWKS answered ${res.status}`);
  const jwks = createLocalJWKSet(res.body);
  return async (jwt) => {
    const { payload } = await jwtVerify(jwt, jwks, { algorithms: ["RS256"] });
    return payload as Record<string, unknown>;
  };
}

export function claimsRequest(ids: string[]): string {
  const acrs = ids.length === 1 ? { essential: true, value: ids[0] } : { essential: true, values: ids };
  return JSON.stringify({ access_token: { acrs } });
}
