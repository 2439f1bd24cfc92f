/**
 * Wire formatting shared by every Graph entity: date-times, opaque ids, enum casing.
 */
import { createHash } from "node:crypto";

/**
 * Graph's DateTimeOffset as the PIM APIs write it: seven fractional digits and `Z`
 * (`2022-04-11T11:50:05.9999343Z` in the roleAssignmentScheduleRequests examples).
 */
export function graphDateTime(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso.replace(/(\.\d{3})\d+/, "$1"));
  if (Number.isNaN(ms)) return null;
  return `${new Date(ms).toISOString().slice(0, 23)}0000Z`;
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return guidPattern.test(value);
}

/** A GUID's bytes in the mixed-endian order .NET serialises them (what Graph's opaque ids are made of). */
function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, "");
  const b = Buffer.from(hex, "hex");
  const out = Buffer.alloc(16);
  out[0] = b[3] ?? 0;
  out[1] = b[2] ?? 0;
  out[2] = b[1] ?? 0;
  out[3] = b[0] ?? 0;
  out[4] = b[5] ?? 0;
  out[5] = b[4] ?? 0;
  out[6] = b[7] ?? 0;
  out[7] = b[6] ?? 0;
  b.copy(out, 8, 8, 16);
  return out;
}

function idBytes(value: string): Buffer {
  return isGuid(value) ? guidBytes(value) : createHash("sha256").update(value).digest().subarray(0, 16);
}

/**
 * Directory-role instance ids: URL-safe and opaque, shaped like the service's (base64url of the
 * role and principal GUIDs, then `-1`, and `-e` for eligibility). A digest of the underlying
 * schedule keeps two schedules of one role for one principal (different scopes) apart.
 */
export function directoryInstanceId(
  roleDefinitionId: string,
  principalId: string,
  scheduleId: string,
  kind: "eligibility" | "assignment",
): string {
  const digest = createHash("sha256").update(scheduleId).digest().subarray(0, 6);
  const body = Buffer.concat([idBytes(roleDefinitionId), idBytes(principalId), digest]).toString("base64url");
  return kind === "eligibility" ? `${body}-1-e` : `${body}-1`;
}

/** PascalCase spelling of a lower-case enum member (`direct` -> `Direct`). */
export function pascal(value: string): string {
  return value.length === 0 ? value : value[0]?.toUpperCase() + value.slice(1);
}

/** camelCase spelling of an enum member received in any case (`AfterDuration` -> `afterDuration`). */
export function camel(value: string): string {
  return value.length === 0 ? value : value[0]?.toLowerCase() + value.slice(1);
}

/** Graph's inner-error date: seconds precision, no zone designator (as in live responses). */
export function innerErrorDate(now: Date): string {
  return now.toISOString().slice(0, 19);
}
