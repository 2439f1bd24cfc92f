import { type DocumentSpec, is } from "./document";
import { fileNames } from "./paths";

/**
 * Who is signed in, where, with which app (no secret: tokens live in the token cache). Commands
 * use it as the last fallback after flags, environment and config.
 */
export interface SessionInfo {
  /** Cloud name (`public`, …) or the absolute path of the cloud file used at sign-in. */
  cloud: string;
  /** Tenant the commands act in (the home tenant, or a guest tenant after `tenant switch`). */
  tenantId: string;
  homeTenantId: string;
  clientId: string;
  homeAccountId: string;
  username: string;
  tokenCache: string;
  signedInAt: string;
}

export interface SessionBody {
  current: SessionInfo | null;
}

const keys: (keyof SessionInfo)[] = [
  "cloud",
  "tenantId",
  "homeTenantId",
  "clientId",
  "homeAccountId",
  "username",
  "tokenCache",
  "signedInAt",
];

export const sessionDocument: DocumentSpec<SessionBody> = {
  file: fileNames.session,
  version: 1,
  strictPermissions: true,
  empty: () => ({ current: null }),
  validate(doc) {
    if (doc.current === null) return { ok: true, value: { current: null } };
    const c = doc.current;
    if (!is.object(c) || !keys.every((k) => is.string(c[k]))) return { ok: false, problem: "current is malformed" };
    return { ok: true, value: { current: c as unknown as SessionInfo } };
  },
};
