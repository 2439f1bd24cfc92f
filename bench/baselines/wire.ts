/**
 * Plumbing shared by the comparators: authenticated JSON requests, paging, claims challenges and
 * policy rules. Written for the bench (it is not pimkit's core): the comparators re-implement how
 * other tools talk to the wire, so they must not borrow pimkit's request strategy.
 */
import type { TokenCredential } from "@azure/core-auth";
import { armScope, graphScopes, qualifyGraphScopes } from "@pimkit/contracts";
import type { FetchLike } from "../src/https-fetch";

export type Plane = "graph" | "arm";

export interface WireOptions {
  fetch: FetchLike;
  credential: TokenCredential;
  /** `https://host/graph/v1.0` */
  graphBase: string;
  /** `https://host/arm` */
  armBase: string;
  graphResource: string;
  armResource: string;
}

export interface WireResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface Wire {
  readonly graphBase: string;
  readonly armBase: string;
  readonly graphScopes: string[];
  readonly armScopes: string[];
  /** The signed-in user's object id (from the Graph token). */
  principalId(): Promise<string>;
  /** One request with the plane's current token (the claims, when given, go into the token request). */
  send(plane: Plane, method: string, url: string, body?: unknown, claims?: string): Promise<WireResponse>;
  /** Every item of a collection (follows `@odata.nextLink` / `nextLink`); throws on an error answer. */
  list<T>(plane: Plane, url: string): Promise<T[]>;
  /**
   * A write that answers a claims challenge the way the tools that handle it do: one step-up with
   * the claims the service asked for, then the identical body once more.
   */
  sendWithStepUp(plane: Plane, method: string, url: string, body: unknown): Promise<WireResponse>;
  /** A token for the plane acquired with these claims (a step-up); later requests reuse it. */
  stepUp(plane: Plane, claims: string): Promise<void>;
}

function decodeJwtPayload(token: string): Record<string, unknown> {
  const part = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}

export function createWire(o: WireOptions): Wire {
  const gScopes = qualifyGraphScopes(o.graphResource, [...graphScopes.entraRoles, ...graphScopes.groups]);
  const aScopes = [armScope(o.armResource)];
  const tokenFor = async (plane: Plane, claims?: string): Promise<string> => {
    const t = await o.credential.getToken(plane === "graph" ? gScopes : aScopes, claims ? { claims } : {});
    if (!t) throw new Error(`no ${plane} token`);
    return t.token;
  };
  const send = async (
    plane: Plane,
    method: string,
    url: string,
    body?: unknown,
    claims?: string,
  ): Promise<WireResponse> => {
    const token = await tokenFor(plane, claims);
    const res = await o.fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  let oid: string | undefined;
  const wire: Wire = {
    graphBase: o.graphBase,
    armBase: o.armBase,
    graphScopes: gScopes,
    armScopes: aScopes,
    async principalId() {
      if (oid) return oid;
      const payload = decodeJwtPayload(await tokenFor("graph"));
      oid = String(payload.oid ?? "");
      return oid;
    },
    send,
    async list<T>(plane: Plane, url: string): Promise<T[]> {
      const out: T[] = [];
      let next: string | undefined = url;
      let pages = 0;
      while (next) {
        if (++pages > 500) throw new Error(`paging did not end: ${url}`);
        const res = await send(plane, "GET", next);
        if (res.status !== 200) throw new WireError(res, `GET ${next}`);
        const body = res.body as { value?: T[]; "@odata.nextLink"?: string; nextLink?: string };
        out.push(...(body.value ?? []));
        next = plane === "graph" ? body["@odata.nextLink"] : body.nextLink;
      }
      return out;
    },
    async sendWithStepUp(plane, method, url, body) {
      const first = await send(plane, method, url, body);
      const claims = claimsChallenge(first);
      if (!claims) return first;
      return send(plane, method, url, body, claims);
    },
    async stepUp(plane, claims) {
      await tokenFor(plane, claims);
    },
  };
  return wire;
}

export class WireError extends Error {
  constructor(
    readonly response: WireResponse,
    what: string,
  ) {
    super(`${what} answered ${response.status}: ${errorCode(response) ?? "?"}`);
  }
}

export function errorCode(res: WireResponse): string | undefined {
  const e = (res.body as { error?: { code?: unknown } } | undefined)?.error;
  return typeof e?.code === "string" ? e.code : undefined;
}

/**
 * The claims a refused request asks for, in any of the three shapes PIM uses: a 401/403
 * `WWW-Authenticate: ... error="insufficient_claims", claims="<base64>"`, or a 400 whose error
 * message (possibly itself a JSON string) carries `&claims=<url-encoded JSON>`.
 */
export function claimsChallenge(res: WireResponse): string | undefined {
  if (res.status === 401 || res.status === 403) {
    const header = res.headers.get("www-authenticate") ?? "";
    const m = /claims="([^"]+)"/i.exec(header);
    if (m?.[1] && /insufficient_claims/i.test(header)) {
      return Buffer.from(m[1], "base64").toString("utf8");
    }
  }
  if (res.status === 400) {
    const message = (res.body as { error?: { message?: unknown } } | undefined)?.error?.message;
    if (typeof message === "string") {
      const m = /claims=([^"&\s]+)/.exec(message);
      if (m?.[1]) {
        try {
          return decodeURIComponent(m[1]);
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}

export interface Requirements {
  maxDuration: string;
  justification: boolean;
  ticket: boolean;
  authContext: string | null;
  approval: boolean;
}

interface RuleLike {
  id?: string;
  maximumDuration?: string;
  enabledRules?: string[];
  isEnabled?: boolean;
  claimValue?: string;
  setting?: { isApprovalRequired?: boolean };
}

/** End-user activation rules, read by rule id (the admin rules of the same type are ignored). */
export function requirementsFromRules(rules: readonly RuleLike[]): Requirements {
  const byId = new Map(rules.map((r) => [r.id ?? "", r]));
  const enabled = byId.get("Enablement_EndUser_Assignment")?.enabledRules ?? [];
  const acrs = byId.get("AuthenticationContext_EndUser_Assignment");
  return {
    maxDuration: byId.get("Expiration_EndUser_Assignment")?.maximumDuration ?? "PT1H",
    justification: enabled.includes("Justification"),
    ticket: enabled.includes("Ticketing"),
    authContext: acrs?.isEnabled && acrs.claimValue ? acrs.claimValue : null,
    approval: byId.get("Approval_EndUser_Assignment")?.setting?.isApprovalRequired === true,
  };
}

/** The claims request for authentication contexts (`value` for one, `values` for several). */
export function acrsClaims(contexts: readonly string[]): string | undefined {
  if (contexts.length === 0) return undefined;
  const acrs = contexts.length === 1 ? { essential: true, value: contexts[0] } : { essential: true, values: contexts };
  return JSON.stringify({ access_token: { acrs } });
}

export const armApiVersion = "2020-10-01";

/** `'value'` as an OData string literal. */
export function odata(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export interface ActivationFields {
  justification: string;
  ticketSystem: string;
  ticketNumber: string;
}

/** Graph request body of a self-activation (directory role or group). */
export function graphActivationBody(
  principalId: string,
  target: { roleDefinitionId: string; directoryScopeId: string } | { groupId: string; accessId: string },
  req: Requirements,
  fields: ActivationFields,
): Record<string, unknown> {
  return {
    action: "selfActivate",
    principalId,
    ...target,
    justification: fields.justification,
    ...(req.ticket ? { ticketInfo: { ticketSystem: fields.ticketSystem, ticketNumber: fields.ticketNumber } } : {}),
    scheduleInfo: {
      startDateTime: new Date().toISOString(),
      expiration: { type: "afterDuration", duration: req.maxDuration },
    },
  };
}

/** ARM request body of a self-activation. */
export function armActivationBody(
  principalId: string,
  roleDefinitionId: string,
  eligibilityScheduleId: string,
  req: Requirements,
  fields: ActivationFields,
): Record<string, unknown> {
  return {
    properties: {
      principalId,
      roleDefinitionId,
      requestType: "SelfActivate",
      linkedRoleEligibilityScheduleId: eligibilityScheduleId,
      justification: fields.justification,
      ...(req.ticket ? { ticketInfo: { ticketSystem: fields.ticketSystem, ticketNumber: fields.ticketNumber } } : {}),
      scheduleInfo: {
        startDateTime: new Date().toISOString(),
        expiration: { type: "AfterDuration", duration: req.maxDuration },
      },
    },
  };
}

/** Wire shapes the comparators read (only the fields they use). */
export interface EntraEligibility {
  roleDefinitionId: string;
  directoryScopeId: string;
  roleDefinition?: { displayName?: string };
}

export interface GroupEligibility {
  groupId: string;
  accessId: string;
  group?: { displayName?: string };
}

export interface ArmEligibility {
  properties: {
    scope: string;
    roleDefinitionId: string;
    roleEligibilityScheduleId: string;
    expandedProperties?: { roleDefinition?: { displayName?: string } };
  };
}

export interface ArmPolicyAssignment {
  properties?: { policyId?: string; effectiveRules?: RuleLike[] };
}

export interface GraphPolicyAssignment {
  roleDefinitionId?: string;
  policy?: { rules?: RuleLike[] };
}

export interface Outcome {
  role: string;
  /** `activated` | `pending` | `failed:<code>` */
  outcome: string;
}

/** Outcome of a write's answer (HTTP 201 is not "active": the status says what happened). */
export function outcomeOf(role: string, res: WireResponse): Outcome {
  if (res.status === 200 || res.status === 201) {
    const b = res.body as { status?: string; properties?: { status?: string } } | undefined;
    const status = (b?.properties?.status ?? b?.status ?? "").toLowerCase();
    return {
      role,
      outcome: status.startsWith("pending") && status !== "pendingprovisioning" ? "pending" : "activated",
    };
  }
  return { role, outcome: `failed:${errorCode(res) ?? res.status}` };
}
