import { describe, expect, it } from "vitest";
import {
  exportProfiles,
  mergeImported,
  normalizeProfileName,
  type Profile,
  parseProfileExport,
} from "./profile-format";

const profile: Profile = {
  id: "p1",
  name: "Morning ops",
  roles: [{ id: "entra-a", name: "Global Reader", kind: "entraRole", scope: "Directory" }],
  defaults: { duration: "PT2H", ticketSystems: { "entra-a": "SN" } },
  createdAt: "2026-03-01T10:00:00.000Z",
  updatedAt: "2026-03-01T10:00:00.000Z",
};

describe("profile export and import", () => {
  it("round-trips", () => {
    expect(parseProfileExport(exportProfiles([profile]))).toEqual([profile]);
  });

  it("refuses what it does not know, saying why", () => {
    expect(() => parseProfileExport("nope")).toThrow(/not JSON/);
    expect(() => parseProfileExport(JSON.stringify({ format: "other" }))).toThrow(/not a pimkit portal profile export/);
    expect(() =>
      parseProfileExport(JSON.stringify({ format: "pimkit-portal-profiles", version: 9, profiles: [] })),
    ).toThrow(/version 9/);
    expect(() =>
      parseProfileExport(
        JSON.stringify({
          format: "pimkit-portal-profiles",
          version: 1,
          profiles: [{ ...profile, roles: [{ id: "x", kind: "root" }] }],
        }),
      ),
    ).toThrow(/profiles\[0\]\.roles\[0\]/);
  });

  it("drops fields it does not know (a token smuggled in an import is not kept)", () => {
    const doc = {
      format: "pimkit-portal-profiles",
      version: 1,
      profiles: [{ ...profile, accessToken: "eyJ.x.y", defaults: { ...profile.defaults, token: "t" } }],
    };
    const [p] = parseProfileExport(JSON.stringify(doc));
    expect(JSON.stringify(p)).not.toMatch(/eyJ|token/);
  });

  it("cleans names and keeps imported names unique", () => {
    expect(normalizeProfileName("  a\u0007b\n ")).toBe("a b");
    const merged = mergeImported(
      [profile],
      [
        { ...profile, id: "p2" },
        { ...profile, name: "Renamed" },
      ],
    );
    expect(merged.map((p) => [p.id, p.name])).toEqual([
      ["p1", "Renamed"],
      ["p2", "Morning ops (2)"],
    ]);
  });
});
