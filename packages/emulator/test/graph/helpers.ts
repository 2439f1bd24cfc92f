/**
 * Test harness for the Graph surface: a demo tenant served in-process, tokens minted for its
 * users, and a small client that returns status, headers and parsed JSON.
 */
import { type Clock, createClock, createEmulator, type Emulator, type EmulatorOptions } from "../../src/index";

export const graphAudience = "https://graph.microsoft.com";

/** Microsoft's built-in role template ids (the demo scenario uses the real ones). */
export const roles = {
  globalAdministrator: "62e90394-69f5-4237-9190-012177145e10",
  securityAdministrator: "194ae4cb-b126-40b2-bd5b-6091b380977d",
  exchangeAdministrator: "29232cdf-9323-42fd-ade2-1d097af3e4de",
  globalReader: "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
  helpdeskAdministrator: "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  privilegedRoleAdministrator: "e8611ab8-c189-46e8-94e1-60213ab1f814",
  reportsReader: "4a5d8f65-41da-4de4-8968-e035b65339cf",
  applicationAdministrator: "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
  userAdministrator: "fe930be7-5e62-47db-91af-98c3a49a38b1",
  serviceSupportAdministrator: "f023fd81-a637-4b56-95fd-791ac0226033",
} as const;

/** Every scope a PIM client of the three Graph areas asks for, plus name lookups. */
export const allScopes = [
  "RoleEligibilitySchedule.Read.Directory",
  "RoleAssignmentSchedule.ReadWrite.Directory",
  "RoleManagementPolicy.Read.Directory",
  "RoleManagement.Read.Directory",
  "PrivilegedEligibilitySchedule.Read.AzureADGroup",
  "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
  "RoleManagementPolicy.Read.AzureADGroup",
  "AuthenticationContext.Read.All",
  "Policy.Read.ConditionalAccess",
  "AdministrativeUnit.Read.All",
  "User.Read",
  "User.ReadBasic.All",
  "Group.Read.All",
  "Directory.Read.All",
];

export type Entity = Record<string, unknown>;

/** A Graph JSON answer, loosely typed: tests read it field by field. */
export interface GraphBody {
  "@odata.context"?: string;
  "@odata.nextLink"?: string;
  value?: Entity[];
  error?: { code: string; message: string; innerError?: Record<string, string> };
  responses?: Array<{ id: string; status: number; headers: Record<string, string>; body?: GraphBody }>;
  [key: string]: unknown;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: GraphBody;
}

export interface Tenant {
  emu: Emulator;
  clock: Clock;
  admin: { upn: string; oid: string };
  approver: { upn: string; oid: string };
  limited: { upn: string; oid: string };
  token(
    upn: string,
    options?: { scopes?: string[]; amr?: string[]; acrs?: string[]; xmsCc?: string[] },
  ): Promise<string>;
  /** A request to `/graph/v1.0{path}` (or `/graph/beta{path}` when `version` says so). */
  call(token: string | undefined, method: string, path: string, options?: CallOptions): Promise<Answer>;
  get(token: string | undefined, path: string): Promise<Answer>;
  post(token: string | undefined, path: string, body: unknown): Promise<Answer>;
  groupId(name: string): string;
  close(): Promise<void>;
}

export interface CallOptions {
  body?: unknown;
  /** Sent verbatim (no JSON encoding). */
  rawBody?: string;
  headers?: Record<string, string>;
  version?: "v1.0" | "beta";
}

export async function startTenant(options: EmulatorOptions = {}): Promise<Tenant> {
  const clock = options.clock ?? createClock(new Date("2026-03-02T09:00:00Z"), true);
  const emu = await createEmulator({ listen: false, settings: { pageSize: 3 }, ...options, clock });
  const [admin, approver, limited] = emu.users;
  if (!admin || !approver || !limited) throw new Error("the demo scenario has three users");

  const call = async (token: string | undefined, method: string, path: string, o: CallOptions = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = o.rawBody;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await emu.fetch(`${emu.url}/graph/${o.version ?? "v1.0"}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as GraphBody };
  };

  const groups = new Map<string, string>();
  const readerToken = await emu.issueAccessToken({
    upn: admin.upn,
    audience: graphAudience,
    scopes: ["Group.Read.All"],
  });
  for (const g of (await call(readerToken, "GET", "/groups")).body.value ?? []) {
    groups.set(String(g.displayName), String(g.id));
  }

  return {
    emu,
    clock,
    admin,
    approver,
    limited,
    token: (upn, o = {}) =>
      emu.issueAccessToken({
        upn,
        audience: graphAudience,
        scopes: o.scopes ?? allScopes,
        ...(o.amr ? { amr: o.amr } : {}),
        ...(o.acrs ? { acrs: o.acrs } : {}),
        ...(o.xmsCc ? { xmsCc: o.xmsCc } : {}),
      }),
    call,
    get: (token, path) => call(token, "GET", path),
    post: (token, path, body) => call(token, "POST", path, { body }),
    groupId(name) {
      const id = groups.get(name);
      if (!id) throw new Error(`no group ${name}`);
      return id;
    },
    close: () => emu.close(),
  };
}

/** The keys of the Graph error envelope, which every error answer must carry. */
export function envelopeKeys(body: GraphBody): string[] {
  const inner = body.error?.innerError;
  return [...Object.keys(body.error ?? {}), ...Object.keys(inner ?? {}).map((k) => `innerError.${k}`)].sort();
}

export const expectedEnvelopeKeys = [
  "code",
  "innerError",
  "innerError.client-request-id",
  "innerError.date",
  "innerError.request-id",
  "message",
].sort();

/** Directory-role activation body as the documentation spells it (PascalCase expiration type). */
export function activation(
  principalId: string,
  roleDefinitionId: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    action: "selfActivate",
    principalId,
    roleDefinitionId,
    directoryScopeId: "/",
    justification: "INC-4711 break-fix",
    scheduleInfo: { startDateTime: null, expiration: { type: "AfterDuration", duration: "PT1H" } },
    ...extra,
  };
}

/** Every page of a collection, following `@odata.nextLink`. */
export async function allPages(t: Tenant, token: string, path: string): Promise<{ items: Entity[]; pages: number }> {
  const items: Entity[] = [];
  let next: string | undefined = `${t.emu.url}/graph/v1.0${path}`;
  let pages = 0;
  while (next) {
    const res = await t.emu.fetch(next, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as GraphBody;
    if (res.status !== 200) throw new Error(`page ${pages + 1}: ${res.status} ${JSON.stringify(body)}`);
    items.push(...(body.value ?? []));
    next = body["@odata.nextLink"];
    pages += 1;
    if (pages > 100) throw new Error("nextLink loop");
  }
  return { items, pages };
}

/** The `&claims=` value of a wrapped ACRS challenge, decoded and parsed. */
export function claimsOfWrappedChallenge(message: string): unknown {
  const inner = JSON.parse(message) as { errorCode: string; message: string };
  const m = /&claims=([^&"\s]+)/.exec(inner.message);
  if (!m?.[1]) throw new Error("no claims in the challenge");
  return JSON.parse(decodeURIComponent(m[1]));
}
