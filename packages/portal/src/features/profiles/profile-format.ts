import type { RoleKind } from "@pimkit/core";
import { isRecord } from "../../lib/storage";

/**
 * A profile: a named set of roles with the form's defaults. It never holds a token; the
 * justification is kept only when the user asks for it (it can say sensitive things).
 * Export files carry a format tag and a version so an import can refuse what it does not know.
 */
export interface ProfileRoleRef {
  id: string;
  name: string;
  kind: RoleKind;
  scope: string;
}

export interface ProfileDefaults {
  duration?: string;
  justification?: string;
  ticketSystem?: string;
  ticketSystems?: Record<string, string>;
  childScopes?: Record<string, string>;
}

export interface Profile {
  id: string;
  name: string;
  roles: ProfileRoleRef[];
  defaults: ProfileDefaults;
  createdAt: string;
  updatedAt: string;
}

export const exportFormat = "pimkit-portal-profiles";
export const exportVersion = 1;
export const maxProfileNameLength = 80;
const maxRolesPerProfile = 500;
const kinds: readonly RoleKind[] = ["entraRole", "group", "azureRole"];

export class ProfileFormatError extends Error {
  override readonly name = "ProfileFormatError";
}

function shortString(v: unknown, max: number): string | undefined {
  return typeof v === "string" && v.length <= max ? v : undefined;
}

function stringMap(v: unknown, maxValue: number): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, s] of Object.entries(v)) {
    if (k.length <= 300 && typeof s === "string" && s.length <= maxValue) out[k] = s;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function normalizeProfileName(name: string): string {
  // Control characters would break the list and the export; they never belong in a name.
  return name
    .replace(/\p{Cc}/gu, " ")
    .trim()
    .slice(0, maxProfileNameLength);
}

export function parseProfile(v: unknown, where: string): Profile {
  if (!isRecord(v)) throw new ProfileFormatError(`${where}: not an object`);
  const id = shortString(v.id, 100);
  const name = typeof v.name === "string" ? normalizeProfileName(v.name) : "";
  if (!id) throw new ProfileFormatError(`${where}: id is missing`);
  if (!name) throw new ProfileFormatError(`${where}: name is missing`);
  if (!Array.isArray(v.roles)) throw new ProfileFormatError(`${where}: roles must be a list`);
  if (v.roles.length > maxRolesPerProfile)
    throw new ProfileFormatError(`${where}: more than ${maxRolesPerProfile} roles`);
  const roles: ProfileRoleRef[] = v.roles.map((r, i) => {
    if (!isRecord(r)) throw new ProfileFormatError(`${where}.roles[${i}]: not an object`);
    const rid = shortString(r.id, 600);
    const kind = kinds.find((k) => k === r.kind);
    if (!rid || !kind) throw new ProfileFormatError(`${where}.roles[${i}]: id and kind are required`);
    return { id: rid, kind, name: shortString(r.name, 300) ?? rid, scope: shortString(r.scope, 600) ?? "" };
  });
  const d = isRecord(v.defaults) ? v.defaults : {};
  const defaults: ProfileDefaults = {};
  const duration = shortString(d.duration, 40);
  if (duration) defaults.duration = duration;
  const justification = shortString(d.justification, 500);
  if (justification) defaults.justification = justification;
  const ticketSystem = shortString(d.ticketSystem, 100);
  if (ticketSystem) defaults.ticketSystem = ticketSystem;
  const ticketSystems = stringMap(d.ticketSystems, 100);
  if (ticketSystems) defaults.ticketSystems = ticketSystems;
  const childScopes = stringMap(d.childScopes, 600);
  if (childScopes) defaults.childScopes = childScopes;
  const now = new Date().toISOString();
  return {
    id,
    name,
    roles,
    defaults,
    createdAt: shortString(v.createdAt, 40) ?? now,
    updatedAt: shortString(v.updatedAt, 40) ?? now,
  };
}

export function exportProfiles(profiles: readonly Profile[]): string {
  return `${JSON.stringify({ format: exportFormat, version: exportVersion, profiles }, null, 2)}\n`;
}

export function parseProfileExport(text: string): Profile[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ProfileFormatError("The file is not JSON.");
  }
  if (!isRecord(doc) || doc.format !== exportFormat) {
    throw new ProfileFormatError("The file is not a pimkit portal profile export.");
  }
  if (doc.version !== exportVersion) {
    throw new ProfileFormatError(`Export version ${String(doc.version)} is not supported (expected ${exportVersion}).`);
  }
  if (!Array.isArray(doc.profiles)) throw new ProfileFormatError("profiles must be a list.");
  return doc.profiles.map((p, i) => parseProfile(p, `profiles[${i}]`));
}

/**
 * Imported profiles join the existing ones: a profile with the same id replaces the stored one,
 * and a name already taken by another profile gets a suffix rather than silently shadowing it.
 */
export function mergeImported(existing: readonly Profile[], imported: readonly Profile[]): Profile[] {
  const byId = new Map(existing.map((p) => [p.id, p]));
  for (const p of imported) {
    const taken = new Set([...byId.values()].filter((o) => o.id !== p.id).map((o) => o.name.toLowerCase()));
    let name = p.name;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${p.name} (${n})`;
    byId.set(p.id, { ...p, name });
  }
  return [...byId.values()];
}
