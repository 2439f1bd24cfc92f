import { describe, expect, test } from "vitest";
import { buildEnterpriseScenario, buildScaleScenario } from "../../src/scenario/enterprise";
import { loadScenario } from "../../src/scenario/load";
import type { Scenario } from "../../src/scenario/types";
import type { Plane } from "../../src/state/model";

function count(s: Scenario, plane: Plane): number {
  return s.eligibilities.filter((e) => e.target.plane === plane).length;
}

describe("enterprise", () => {
  const s = loadScenario("enterprise");

  test("default size: 60 Entra, 40 group and 100 Azure eligibilities over 50 subscriptions and 5 management groups", () => {
    expect(count(s, "directoryRole")).toBeGreaterThanOrEqual(60);
    expect(count(s, "group")).toBeGreaterThanOrEqual(40);
    expect(count(s, "azure")).toBeGreaterThanOrEqual(100);
    expect(s.subscriptions).toHaveLength(50);
    expect(s.managementGroups).toHaveLength(5);
  });

  test("one user holds them all", () => {
    expect(new Set(s.eligibilities.map((e) => e.principalId)).size).toBe(1);
  });

  test("policies are mixed: justification, ticket, MFA, c1, approval and several durations", () => {
    const settings = s.policies.map((p) => p.settings);
    expect(settings.some((x) => x.justification)).toBe(true);
    expect(settings.some((x) => x.ticket)).toBe(true);
    expect(settings.some((x) => x.mfa)).toBe(true);
    expect(settings.some((x) => x.authContext === "c1")).toBe(true);
    expect(settings.some((x) => x.approval && x.approvers.length === 1)).toBe(true);
    const durations = new Set(settings.map((x) => x.maxDuration));
    for (const d of ["PT30M", "PT1H", "P1D"]) expect(durations).toContain(d);
    // Mixed per plane, not only overall.
    for (const plane of ["directoryRole", "group", "azure"] as const) {
      const mine = s.policies.filter((p) => p.target.plane === plane).map((p) => p.settings);
      expect(new Set(mine.map((x) => JSON.stringify(x))).size).toBeGreaterThan(3);
    }
  });

  test("Azure eligibilities sit at management groups, subscriptions and resource groups", () => {
    const scopes = s.eligibilities.flatMap((e) => (e.target.plane === "azure" ? [e.target.scope] : []));
    expect(scopes.some((x) => x.startsWith("/providers/Microsoft.Management/managementGroups/"))).toBe(true);
    expect(scopes.some((x) => /^\/subscriptions\/[^/]+$/.test(x))).toBe(true);
    expect(scopes.some((x) => x.includes("/resourceGroups/"))).toBe(true);
  });

  test("deterministic, and options change the size", () => {
    expect(JSON.stringify(loadScenario(buildEnterpriseScenario()))).toBe(JSON.stringify(s));
    const small = loadScenario(
      buildEnterpriseScenario({
        subscriptions: 4,
        managementGroups: 2,
        entraEligibilities: 5,
        groupEligibilities: 3,
        azureEligibilities: 7,
      }),
    );
    expect([count(small, "directoryRole"), count(small, "group"), count(small, "azure")]).toEqual([5, 3, 7]);
    expect(small.subscriptions).toHaveLength(4);
  });
});

describe("buildScaleScenario", () => {
  test.each([10, 100, 1000])("%d eligibilities over the three planes", (n) => {
    const s = loadScenario(buildScaleScenario(n));
    expect(s.eligibilities).toHaveLength(n);
    for (const plane of ["directoryRole", "group", "azure"] as const) {
      expect(count(s, plane)).toBeGreaterThanOrEqual(Math.floor(n / 3));
    }
    // The tenant does not grow with the eligibilities: the cost should follow planes and pages.
    expect(s.subscriptions).toHaveLength(10);
  });

  test("refuses nonsense sizes", () => {
    expect(() => buildScaleScenario(-1)).toThrow(RangeError);
    expect(() => buildScaleScenario(1.5)).toThrow(RangeError);
  });
});
