/**
 * Conformance: Microsoft's official, unmodified `@azure/arm-authorization@9` client against the
 * local tenant over HTTPS. The client's pipeline trusts the emulator's CA through one extra
 * per-call policy (an https.Agent with that CA on each request), never a process-wide TLS change.
 *
 * arm-authorization@9 has no `$filter` option on roleManagementPolicyAssignments.listForScope and
 * no roleAssignmentApprovals operations; those are covered with raw HTTPS at the end.
 */
import { Agent } from "node:https";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../../src/index";
import { httpsRequest } from "../platform/https-client";

const ARM = "https://management.azure.com";
const adminUpn = "alex.morgan@contoso.example.com";
const approverUpn = "priya.natarajan@contoso.example.com";
const roles = {
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
};
const guid = () => crypto.randomUUID();

function trustCa(ca: string): PipelinePolicy {
  const agent = new Agent({ ca, keepAlive: false });
  return {
    name: "trustLocalTenantCa",
    sendRequest(request, next) {
      request.agent = agent;
      return next(request);
    },
  };
}

describe("official @azure/arm-authorization@9 client against the local tenant (HTTPS)", () => {
  let emu: Emulator;
  let client: AuthorizationManagementClient;
  let production: string;
  let platformMg: string;
  const tokenRequests: string[][] = [];

  beforeAll(async () => {
    emu = await createEmulator();
    const state = emu.admin.state() as { subscriptions: Array<{ subscriptionId: string; displayName: string }> };
    const sub = state.subscriptions.find((s) => s.displayName === "Contoso Production");
    if (!sub) throw new Error("the demo tenant has a production subscription");
    production = `/subscriptions/${sub.subscriptionId}`;
    platformMg = "/providers/Microsoft.Management/managementGroups/contoso-platform";
    const credential: TokenCredential = {
      async getToken(scopes): Promise<AccessToken> {
        tokenRequests.push([scopes].flat());
        const token = await emu.issueAccessToken({
          upn: adminUpn,
          audience: ARM,
          scopes: ["user_impersonation"],
          amr: ["pwd", "mfa"],
        });
        return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const endpoint = `${emu.url}/arm`;
    client = new AuthorizationManagementClient(credential, sub.subscriptionId, {
      endpoint,
      $host: endpoint,
      credentialScopes: [`${ARM}/.default`],
      additionalPolicies: [{ policy: trustCa(emu.caCertPem), position: "perCall" }],
    });
  });

  afterAll(async () => {
    await emu?.close();
  });

  it("lists the caller's eligibility instances at the tenant root with asTarget()", async () => {
    const items = [];
    for await (const i of client.roleEligibilityScheduleInstances.listForScope("", { filter: "asTarget()" }))
      items.push(i);
    expect(items.length).toBe(4);
    const contributor = items.find((i) => i.roleDefinitionId?.endsWith(roles.contributor));
    expect(contributor).toMatchObject({
      scope: production,
      roleDefinitionId: `${production}/providers/Microsoft.Authorization/roleDefinitions/${roles.contributor}`,
      principalType: "User",
      memberType: "Direct",
      status: "Provisioned",
      expandedProperties: { roleDefinition: { displayName: "Contributor" }, scope: { type: "subscription" } },
    });
    expect(contributor?.startDateTime).toBeInstanceOf(Date);
    // The SDK asked for the ARM audience, as it does against Azure.
    expect(tokenRequests[0]).toEqual([`${ARM}/.default`]);
  });

  it("lists assignment instances at the tenant root with asTarget() (none before any activation)", async () => {
    const items = [];
    for await (const i of client.roleAssignmentScheduleInstances.listForScope("", { filter: "asTarget()" }))
      items.push(i);
    expect(items).toEqual([]);
  });

  it("reads a role's policy in two steps: the policy assignment at the scope, then the policy", async () => {
    const assignments = [];
    for await (const a of client.roleManagementPolicyAssignments.listForScope(production)) assignments.push(a);
    const forContributor = assignments.find((a) => a.roleDefinitionId?.endsWith(roles.contributor));
    expect(forContributor?.name).toMatch(new RegExp(`_${roles.contributor}$`));
    expect(forContributor?.effectiveRules?.length).toBe(17);
    const policyName = forContributor?.policyId?.split("/").pop() ?? "";
    const policy = await client.roleManagementPolicies.get(production, policyName);
    expect(policy.rules?.length).toBe(17);
    const byId = new Map((policy.rules ?? []).map((r) => [r.id, r]));
    expect(byId.get("Expiration_EndUser_Assignment")).toMatchObject({
      ruleType: "RoleManagementPolicyExpirationRule",
      maximumDuration: "PT4H",
    });
    expect(byId.get("Enablement_EndUser_Assignment")).toMatchObject({ enabledRules: ["Justification", "Ticketing"] });
    expect(byId.get("AuthenticationContext_EndUser_Assignment")).toMatchObject({ isEnabled: false, claimValue: "" });
  });

  it("creates a SelfActivate request (201, Provisioned) and then sees the active instance", async () => {
    const name = guid();
    const created = await client.roleAssignmentScheduleRequests.create(production, name, {
      principalId: emu.users[0]?.oid ?? "",
      roleDefinitionId: `${production}/providers/Microsoft.Authorization/roleDefinitions/${roles.contributor}`,
      requestType: "SelfActivate",
      justification: "Deploy the hotfix",
      ticketInfo: { ticketNumber: "CHG-42", ticketSystem: "ServiceNow" },
      scheduleInfo: { expiration: { type: "AfterDuration", duration: "PT1H" } },
    });
    expect(created.status).toBe("Provisioned");
    expect(created.name).toBe(name);
    expect(created.targetRoleAssignmentScheduleId?.endsWith(`/roleAssignmentSchedules/${name}`)).toBe(true);
    expect(created.requestorId).toBe(emu.users[0]?.oid);
    expect(created.scheduleInfo?.expiration).toEqual({ type: "AfterDuration", duration: "PT1H" });

    const fetched = await client.roleAssignmentScheduleRequests.get(production, name);
    expect(fetched.status).toBe("Provisioned");
    const active = [];
    for await (const i of client.roleAssignmentScheduleInstances.listForScope("", { filter: "asTarget()" }))
      active.push(i);
    expect(active.map((a) => a.name)).toContain(name);
  });

  it("validates a request without storing it", async () => {
    const name = guid();
    const validated = await client.roleAssignmentScheduleRequests.validate(platformMg, name, {
      principalId: emu.users[0]?.oid ?? "",
      roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${roles.reader}`,
      requestType: "SelfActivate",
      scheduleInfo: { expiration: { type: "AfterDuration", duration: "PT1H" } },
    });
    expect(validated.status).toBe("Provisioned");
    await expect(client.roleAssignmentScheduleRequests.get(platformMg, name)).rejects.toMatchObject({
      statusCode: 404,
      code: "RoleAssignmentScheduleRequestNotFound",
    });
  });

  it("surfaces the service's error code through RestError", async () => {
    await expect(
      client.roleAssignmentScheduleRequests.create(production, guid(), {
        principalId: emu.users[0]?.oid ?? "",
        roleDefinitionId: `${production}/providers/Microsoft.Authorization/roleDefinitions/${roles.contributor}`,
        requestType: "SelfActivate",
        scheduleInfo: { expiration: { type: "AfterDuration", duration: "PT1H" } },
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: "RoleAssignmentRequestPolicyValidationFailed" });
  });

  it("gets PendingApproval for a role that needs approval, then cancels it", async () => {
    const approverOid = emu.users.find((u) => u.upn === approverUpn)?.oid ?? "";
    emu.admin.setPolicy(
      { plane: "azure", scope: platformMg, roleDefinitionId: roles.reader },
      { approval: true, approvers: [approverOid] },
    );
    const name = guid();
    const pending = await client.roleAssignmentScheduleRequests.create(platformMg, name, {
      principalId: emu.users[0]?.oid ?? "",
      roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${roles.reader}`,
      requestType: "SelfActivate",
      justification: "Quarterly network review",
      scheduleInfo: { expiration: { type: "AfterDuration", duration: "PT2H" } },
    });
    expect(pending.status).toBe("PendingApproval");
    expect(pending.approvalId).toMatch(
      /^\/providers\/Microsoft\.Authorization\/roleAssignmentApprovals\/[0-9a-f-]{36}$/,
    );

    const pendingList = [];
    for await (const r of client.roleAssignmentScheduleRequests.listForScope(platformMg, { filter: "asTarget()" })) {
      pendingList.push(r);
    }
    expect(pendingList.find((r) => r.name === name)?.status).toBe("PendingApproval");

    await client.roleAssignmentScheduleRequests.cancel(platformMg, name);
    const canceled = await client.roleAssignmentScheduleRequests.get(platformMg, name);
    expect(canceled.status).toBe("Canceled");
    await expect(client.roleAssignmentScheduleRequests.cancel(platformMg, name)).rejects.toMatchObject({
      statusCode: 400,
      code: "RequestCannotBeCancelled",
    });
  });

  it("covers what the client lacks with raw HTTPS: the filtered policy lookup and approvals", async () => {
    const token = await emu.issueAccessToken({
      upn: adminUpn,
      audience: ARM,
      scopes: ["user_impersonation"],
      amr: ["pwd", "mfa"],
    });
    const roleId = `${production}/providers/Microsoft.Authorization/roleDefinitions/${roles.contributor}`;
    const filtered = await httpsRequest(
      `${emu.url}/arm${production}/providers/Microsoft.Authorization/roleManagementPolicyAssignments?api-version=2020-10-01&$filter=${encodeURIComponent(`roleDefinitionId eq '${roleId}'`)}`,
      { ca: emu.caCertPem, headers: { authorization: `Bearer ${token}` } },
    );
    expect(filtered.status).toBe(200);
    const body = JSON.parse(filtered.body) as { value: Array<{ properties: { roleDefinitionId: string } }> };
    expect(body.value.map((v) => v.properties.roleDefinitionId)).toEqual([roleId]);

    const approvals = await httpsRequest(
      `${emu.url}/arm/providers/Microsoft.Authorization/roleAssignmentApprovals?api-version=2021-01-01-preview&$filter=asCreatedBy()`,
      { ca: emu.caCertPem, headers: { authorization: `Bearer ${token}` } },
    );
    expect(approvals.status).toBe(200);
    expect((JSON.parse(approvals.body) as { value: unknown[] }).value.length).toBeGreaterThan(0);
  });
});
