/**
 * The `$filter` forms Microsoft.Authorization documents for the PIM types (swagger descriptions
 * of `$filter` in stable/2020-10-01): function filters (`asTarget()`, `atScope()`,
 * `asRequestor()`, `asApprover()`, `asCreatedBy()`, `assignedTo('{id}')`) and equality filters
 * (`principalId eq '{id}'`, `roleDefinitionId eq '{id}'`, `resourceType eq '{t}'`), joined with
 * `and` (and `or` for `resourceType`, as the eligibleChildResources description shows). Anything
 * else is refused by name, never ignored.
 */
import { armErrors } from "./errors";

export type FilterTerm =
  | "asTarget"
  | "atScope"
  | "asRequestor"
  | "asApprover"
  | "asCreatedBy"
  | "assignedTo"
  | "principalId"
  | "roleDefinitionId"
  | "resourceType"
  | "roleName"
  | "type";

export interface ArmFilter {
  asTarget?: true;
  atScope?: true;
  asRequestor?: true;
  asApprover?: true;
  asCreatedBy?: true;
  assignedTo?: string;
  principalId?: string;
  roleDefinitionId?: string;
  roleName?: string;
  type?: string;
  /** Lower-cased resource types OR-ed together. */
  resourceTypes?: string[];
}

/** How each allowed term is written in the "Supported filters are …" message. */
const termSyntax: Record<FilterTerm, string> = {
  asTarget: "asTarget()",
  atScope: "atScope()",
  asRequestor: "asRequestor()",
  asApprover: "asApprover()",
  asCreatedBy: "asCreatedBy()",
  assignedTo: "assignedTo('{value}')",
  principalId: "principalId eq '{value}'",
  roleDefinitionId: "roleDefinitionId eq '{value}'",
  resourceType: "resourceType eq '{value}'",
  roleName: "roleName eq '{value}'",
  type: "type eq '{value}'",
};

const functionTerms: Record<string, FilterTerm> = {
  "astarget()": "asTarget",
  "atscope()": "atScope",
  "asrequestor()": "asRequestor",
  "asapprover()": "asApprover",
  "ascreatedby()": "asCreatedBy",
};

const eqTerms: Record<string, "principalId" | "roleDefinitionId" | "roleName" | "type"> = {
  principalid: "principalId",
  roledefinitionid: "roleDefinitionId",
  rolename: "roleName",
  type: "type",
};

function unquote(value: string): string | undefined {
  const m = /^'(.*)'$/s.exec(value.trim());
  return m ? (m[1] ?? "").replace(/''/g, "'") : undefined;
}

/** Parses `$filter`; undefined filter text means no filter. Throws ArmError for anything unsupported. */
export function parseFilter(text: string | null, allowed: readonly FilterTerm[]): ArmFilter {
  const out: ArmFilter = {};
  if (text === null) return out;
  const trimmed = text.trim();
  if (trimmed === "") return out;
  const refuse = () =>
    armErrors.unsupportedFilter(
      text,
      allowed.map((t) => termSyntax[t]),
    );
  const clauses = trimmed.split(/\s+and\s+/i);
  for (const clause of clauses) {
    const c = clause.trim();
    const fn = functionTerms[c.replace(/\s+/g, "").toLowerCase()];
    if (fn) {
      if (!allowed.includes(fn)) throw refuse();
      if (fn === "asTarget") out.asTarget = true;
      else if (fn === "atScope") out.atScope = true;
      else if (fn === "asRequestor") out.asRequestor = true;
      else if (fn === "asApprover") out.asApprover = true;
      else out.asCreatedBy = true;
      continue;
    }
    const assigned = /^assignedTo\s*\(\s*('(?:[^']|'')*')\s*\)$/i.exec(c);
    if (assigned) {
      if (!allowed.includes("assignedTo")) throw refuse();
      out.assignedTo = unquote(assigned[1] ?? "");
      continue;
    }
    if (/^resourceType\s+eq\s+/i.test(c)) {
      if (!allowed.includes("resourceType")) throw refuse();
      const types: string[] = [];
      for (const part of c.split(/\s+or\s+/i)) {
        const m = /^resourceType\s+eq\s+('(?:[^']|'')*')$/i.exec(part.trim());
        const v = m ? unquote(m[1] ?? "") : undefined;
        if (v === undefined) throw refuse();
        types.push(v.toLowerCase());
      }
      out.resourceTypes = types;
      continue;
    }
    const eq = /^(principalId|roleDefinitionId|roleName|type)\s+eq\s+('(?:[^']|'')*')$/i.exec(c);
    if (eq) {
      const term = eqTerms[(eq[1] ?? "").toLowerCase()];
      if (!term || !allowed.includes(term)) throw refuse();
      const v = unquote(eq[2] ?? "");
      if (v === undefined) throw refuse();
      out[term] = v;
      continue;
    }
    throw refuse();
  }
  return out;
}
