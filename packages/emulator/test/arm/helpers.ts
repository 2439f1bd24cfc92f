/**
 * The ARM surface through the whole emulator, in process: tokens minted by the emulator's own
 * sign-in surface, requests through the same dispatch the HTTPS server uses.
 */
import { createClock, createEmulator, type Emulator, type EmulatorOptions } from "../../src/index";

export const T0 = new Date("2026-03-02T08:00:00.000Z");
export const ARM = "https://management.azure.com";
export const admin = "alex.morgan@contoso.example.com";
export const approver = "priya.natarajan@contoso.example.com";
export const limited = "sam.lindqvist@contoso.example.com";

/** Microsoft's built-in Azure role definition ids (what the demo scenario uses). */
export const roles = {
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  keyVaultAdministrator: "00482a5a-887f-4fb3-b363-3b7fe8e74483",
};

export const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface TokenOptions {
  mfa?: boolean;
  acrs?: string[];
  scopes?: string[];
  expiresInSeconds?: number;
  audience?: string;
  forge?: boolean;
  tenantId?: string;
}

export interface ArmHarness {
  emu: Emulator;
  base: string;
  token(upn: string, options?: TokenOptions): Promise<string>;
  /** `fetch` against `{emu.url}/arm{path}` with a bearer for `as` (default: the demo admin with MFA). */
  call(
    method: string,
    path: string,
    options?: { as?: string; token?: string | null; body?: unknown; raw?: string },
  ): Promise<Response>;
  json<T = Record<string, unknown>>(res: Response): Promise<T>;
  oid(upn: string): string;
  subscriptionId(displayName: string): string;
  close(): Promise<void>;
}

export async function armHarness(options: EmulatorOptions = {}): Promise<ArmHarness> {
  const emu = await createEmulator({ listen: false, clock: createClock(T0, true), ...options });
  const tokens = new Map<string, string>();
  const token = async (upn: string, o: TokenOptions = {}) =>
    emu.issueAccessToken({
      upn,
      audience: o.audience ?? ARM,
      scopes: o.scopes ?? ["user_impersonation"],
      amr: o.mfa === false ? ["pwd"] : ["pwd", "mfa"],
      acrs: o.acrs ?? [],
      ...(o.expiresInSeconds !== undefined ? { expiresInSeconds: o.expiresInSeconds } : {}),
      ...(o.forge ? { forge: true } : {}),
      ...(o.tenantId ? { tenantId: o.tenantId } : {}),
    });
  const base = `${emu.url}/arm`;
  const state = () => emu.admin.state() as { subscriptions: Array<{ subscriptionId: string; displayName: string }> };
  return {
    emu,
    base,
    token,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = {};
      if (o.token !== null) {
        const upn = o.as ?? admin;
        let t = o.token;
        if (t === undefined) {
          t = tokens.get(upn) ?? (await token(upn));
          tokens.set(upn, t);
        }
        headers.authorization = `Bearer ${t}`;
      }
      let body: string | undefined;
      if (o.raw !== undefined) body = o.raw;
      else if (o.body !== undefined) body = JSON.stringify(o.body);
      if (body !== undefined) headers["content-type"] = "application/json";
      return emu.fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    },
    async json<T>(res: Response) {
      return (await res.json()) as T;
    },
    oid(upn) {
      const u = emu.users.find((x) => x.upn === upn);
      if (!u) throw new Error(`test setup: no user ${upn}`);
      return u.oid;
    },
    subscriptionId(displayName) {
      const s = state().subscriptions.find((x) => x.displayName === displayName);
      if (!s) throw new Error(`test setup: no subscription ${displayName}`);
      return s.subscriptionId;
    },
    close: () => emu.close(),
  };
}
