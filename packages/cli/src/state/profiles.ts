import { type DocumentSpec, is } from "./document";
import { fileNames } from "./paths";

export interface ProfileRole {
  /** What the user typed (a name with qualifiers, or an id). */
  ref: string;
  /** The role id it resolved to when the profile was saved. */
  id: string | null;
  name: string | null;
}

export interface Profile {
  roles: ProfileRole[];
  duration: string | null;
  justification: string | null;
  ticket: { system: string; number: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface ProfilesBody {
  profiles: Record<string, Profile>;
}

export const profileNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function validProfile(v: unknown): v is Profile {
  if (!is.object(v) || !is.array(v.roles)) return false;
  const rolesOk = v.roles.every(
    (r) =>
      is.object(r) && is.string(r.ref) && (r.id === null || is.string(r.id)) && (r.name === null || is.string(r.name)),
  );
  const ticketOk =
    v.ticket === null || (is.object(v.ticket) && is.string(v.ticket.system) && is.string(v.ticket.number));
  return (
    rolesOk &&
    ticketOk &&
    (v.duration === null || is.string(v.duration)) &&
    (v.justification === null || is.string(v.justification)) &&
    is.string(v.createdAt) &&
    is.string(v.updatedAt)
  );
}

export const profilesDocument: DocumentSpec<ProfilesBody> = {
  file: fileNames.profiles,
  version: 1,
  empty: () => ({ profiles: {} }),
  validate(doc) {
    if (!is.object(doc.profiles)) return { ok: false, problem: "profiles must be an object" };
    const profiles: Record<string, Profile> = {};
    for (const [name, p] of Object.entries(doc.profiles)) {
      if (!profileNamePattern.test(name)) return { ok: false, problem: `bad profile name ${JSON.stringify(name)}` };
      if (!validProfile(p)) return { ok: false, problem: `profile ${name} is malformed` };
      profiles[name] = p;
    }
    return { ok: true, value: { profiles } };
  },
};
