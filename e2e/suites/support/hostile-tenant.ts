/**
 * A tenant whose every name is an attack on a terminal or a page: ANSI and OSC 8 escapes, C0/C1
 * controls, bidi overrides, carriage returns and backspaces that redraw a line, HTML and a name
 * long enough to break a naive table.
 */
const esc = "\u001b";
const bel = "\u0007";

export const eve = "eve.admin@evil.example.com";

export const hostileNames = {
  tenant: `Evil${esc}[5mCorp<script>window.__pimkitPwned="tenant"</script>`,
  guest: `Guest${esc}]8;;https://evil.example/${bel}click${esc}]8;;${bel}`,
  user: `Eve${esc}[1m Admin`,
  context: `Step${esc}[2Jup<img src=x onerror="window.__pimkitPwned='context'">`,
  caPolicy: `CA${esc}[31m\u202eevil`,
  role: `Evil${esc}[2J${esc}[HRole\u0000\u009b31m${esc}P+q${esc}\\`,
  group: `Ops${esc}]8;;https://evil.example/${bel}RED${esc}]8;;${bel}\u202eexe.cod<img src=x onerror="window.__pimkitPwned='group'">`,
  subscription: `Prod\rOVERWRITTEN\u0008\u0008<svg onload="window.__pimkitPwned='subscription'">`,
  long: `Long-${"x".repeat(3000)}`,
};

export const hostileTenant = {
  name: "hostile-names",
  tenant: { displayName: hostileNames.tenant, domain: "evil.example.com" },
  guestTenants: [{ displayName: hostileNames.guest, domain: "guest.example.com" }],
  users: [{ upn: eve, displayName: hostileNames.user, canMfa: true, contexts: ["c1"] }],
  authContexts: [{ id: "c1", displayName: hostileNames.context }],
  conditionalAccessPolicies: [
    { displayName: hostileNames.caPolicy, authContexts: ["c1"], builtInControls: ["mfa"], includeUsers: ["All"] },
  ],
  directoryRoles: [{ displayName: hostileNames.role }],
  groups: [{ displayName: hostileNames.group }, { displayName: hostileNames.long }],
  subscriptions: [{ displayName: hostileNames.subscription }],
  policyDefaults: {
    directoryRole: { justification: false, mfa: false },
    group: { justification: false, mfa: false },
    azure: { justification: false, mfa: false },
  },
  eligibilities: [
    { principal: eve, directoryRole: hostileNames.role },
    { principal: eve, group: hostileNames.group, accessId: "member" },
    { principal: eve, group: hostileNames.long, accessId: "owner" },
    { principal: eve, azureRole: "Reader", scope: { subscription: hostileNames.subscription } },
  ],
};

/** What pimkit itself may write: colour (SGR) and, on a terminal, moving up and clearing a line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes
const ours = /\u001b\[[0-9;]*m|\u001b\[\d*A|\u001b\[2K/g;
/** C0 controls except tab and newline, DEL, C1 controls, bidi marks, overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters
const live = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Control characters and escapes in pimkit's output that pimkit did not put there itself. */
export function liveControls(text: string): number {
  return (text.replace(ours, "").match(live) ?? []).length;
}
