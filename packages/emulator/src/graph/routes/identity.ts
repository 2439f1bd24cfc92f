/**
 * Names a PIM client shows next to ids: authentication contexts, Conditional Access policies, the
 * signed-in user, users, groups, administrative units and `directoryObjects/getByIds`.
 */
import type { UserRecord } from "../../state/model";
import { requireScope, scopes } from "../auth";
import {
  entityResult,
  expandEntity,
  type GraphCall,
  type GraphResult,
  listResult,
  metadataUrl,
  ok,
  readJsonBody,
  rejectUnknownProperties,
} from "../call";
import { directoryObjectNotFound, GraphError, invalidObjectId, resourceNotFound } from "../errors";
import { isGuid } from "../format";
import {
  renderAdministrativeUnit,
  renderAuthContext,
  renderCaPolicy,
  renderDirectoryObject,
  renderGroup,
  renderUser,
} from "../render/objects";
import type { Match, Route } from "../router";
import { administrativeUnitSchema, authContextSchema, caPolicySchema, groupSchema, userSchema } from "../schemas";
import { param, query, sameId } from "./common";

const selectOnly = ["$select"] as const;

function findUser(call: GraphCall, idOrUpn: string): UserRecord {
  const state = call.ctx.state;
  if (idOrUpn.includes("@")) {
    const u = state.userByUpn(idOrUpn);
    if (!u) throw directoryObjectNotFound(idOrUpn);
    return u;
  }
  if (!isGuid(idOrUpn)) throw invalidObjectId(idOrUpn);
  const u = state.user(idOrUpn);
  if (!u) throw directoryObjectNotFound(idOrUpn);
  return u;
}

function getUser(call: GraphCall, match: Match): GraphResult {
  const id = param(match, "id");
  const self = sameId(id, call.caller.oid) || sameId(id, call.caller.upn);
  // User.Read covers reading oneself through /users/{id} as well as /me.
  requireScope(call.caller, self ? scopes.me : scopes.users);
  const q = query(call, userSchema, selectOnly);
  const user = findUser(call, id);
  return entityResult(call, "users", expandEntity(user, renderUser(user), undefined, q), q);
}

export const identityRoutes: Route[] = [
  {
    pattern: "identity/conditionalAccess/authenticationContextClassReferences",
    methods: {
      GET: (call) => {
        requireScope(call.caller, scopes.authContexts);
        const q = query(call, authContextSchema, ["$filter", "$select", "$top", "$skiptoken"]);
        return listResult(
          call,
          {
            records: call.ctx.state.authContexts,
            render: renderAuthContext,
            context: "identity/conditionalAccess/authenticationContextClassReferences",
          },
          q,
        );
      },
    },
  },
  {
    pattern: "identity/conditionalAccess/authenticationContextClassReferences/{id}",
    methods: {
      GET: (call, match) => {
        requireScope(call.caller, scopes.authContexts);
        const q = query(call, authContextSchema, selectOnly);
        const id = param(match, "id");
        const c = call.ctx.state.authContexts.find((x) => x.id === id);
        if (!c) throw resourceNotFound("authenticationContextClassReference", id);
        return entityResult(
          call,
          "identity/conditionalAccess/authenticationContextClassReferences",
          expandEntity(c, renderAuthContext(c), undefined, q),
          q,
        );
      },
    },
  },
  {
    pattern: "identity/conditionalAccess/policies",
    methods: {
      GET: (call) => {
        requireScope(call.caller, scopes.caPolicies);
        const q = query(call, caPolicySchema, ["$filter", "$select", "$top", "$skiptoken"]);
        return listResult(
          call,
          {
            records: call.ctx.state.caPolicies,
            render: renderCaPolicy,
            context: "identity/conditionalAccess/policies",
          },
          q,
        );
      },
    },
  },
  {
    pattern: "identity/conditionalAccess/policies/{id}",
    methods: {
      GET: (call, match) => {
        requireScope(call.caller, scopes.caPolicies);
        const q = query(call, caPolicySchema, selectOnly);
        const id = param(match, "id");
        const p = call.ctx.state.caPolicies.find((x) => sameId(x.id, id));
        if (!p) throw resourceNotFound("conditionalAccessPolicy", id);
        return entityResult(
          call,
          "identity/conditionalAccess/policies",
          expandEntity(p, renderCaPolicy(p), undefined, q),
          q,
        );
      },
    },
  },
  {
    pattern: "me",
    methods: {
      GET: (call) => {
        requireScope(call.caller, scopes.me);
        const q = query(call, userSchema, selectOnly);
        const user = call.ctx.state.user(call.caller.oid);
        if (!user) throw directoryObjectNotFound(call.caller.oid);
        return entityResult(call, "users", expandEntity(user, renderUser(user), undefined, q), q);
      },
    },
  },
  { pattern: "users/{id}", methods: { GET: getUser } },
  {
    pattern: "groups",
    methods: {
      GET: (call) => {
        requireScope(call.caller, scopes.groups);
        const q = query(call, groupSchema, ["$filter", "$select", "$top", "$skiptoken"]);
        return listResult(call, { records: call.ctx.state.groups, render: renderGroup, context: "groups" }, q);
      },
    },
  },
  {
    pattern: "groups/{id}",
    methods: {
      GET: (call, match) => {
        requireScope(call.caller, scopes.groups);
        const q = query(call, groupSchema, selectOnly);
        const id = param(match, "id");
        if (!isGuid(id)) throw invalidObjectId(id);
        const g = call.ctx.state.groups.find((x) => sameId(x.id, id));
        if (!g) throw directoryObjectNotFound(id);
        return entityResult(call, "groups", expandEntity(g, renderGroup(g), undefined, q), q);
      },
    },
  },
  {
    pattern: "administrativeUnits",
    methods: {
      GET: (call) => {
        requireScope(call.caller, scopes.administrativeUnits);
        const q = query(call, administrativeUnitSchema, ["$filter", "$select", "$top", "$skiptoken"]);
        return listResult(
          call,
          {
            records: call.ctx.state.administrativeUnits,
            render: renderAdministrativeUnit,
            context: "administrativeUnits",
          },
          q,
        );
      },
    },
  },
  ...["administrativeUnits/{id}", "directory/administrativeUnits/{id}"].map(
    (pattern): Route => ({
      pattern,
      methods: {
        GET: (call, match) => {
          requireScope(call.caller, scopes.administrativeUnits);
          const q = query(call, administrativeUnitSchema, selectOnly);
          const id = param(match, "id");
          if (!isGuid(id)) throw invalidObjectId(id);
          const au = call.ctx.state.administrativeUnits.find((x) => sameId(x.id, id));
          if (!au) throw directoryObjectNotFound(id);
          return entityResult(
            call,
            pattern.startsWith("directory/") ? "directory/administrativeUnits" : "administrativeUnits",
            expandEntity(au, renderAdministrativeUnit(au), undefined, q),
            q,
          );
        },
      },
    }),
  ),
  {
    pattern: "directory/administrativeUnits",
    methods: {
      GET: (call) => {
        requireScope(call.caller, scopes.administrativeUnits);
        const q = query(call, administrativeUnitSchema, ["$filter", "$select", "$top", "$skiptoken"]);
        return listResult(
          call,
          {
            records: call.ctx.state.administrativeUnits,
            render: renderAdministrativeUnit,
            context: "directory/administrativeUnits",
          },
          q,
        );
      },
    },
  },
  {
    pattern: "directoryObjects/getByIds",
    methods: {
      POST: (call) => {
        requireScope(call.caller, scopes.directoryObjects);
        query(call, userSchema, []);
        const body = readJsonBody(call);
        rejectUnknownProperties(body, ["ids", "types"], "directoryObjects.getByIds");
        const ids = body.ids;
        if (!Array.isArray(ids) || ids.some((x) => typeof x !== "string")) {
          throw new GraphError(
            400,
            "Request_BadRequest",
            "Invalid value specified for property 'ids' of resource 'DirectoryObject'.",
          );
        }
        const types = Array.isArray(body.types) ? body.types.map((t) => String(t).toLowerCase()) : undefined;
        const value: Array<Record<string, unknown>> = [];
        for (const id of ids as string[]) {
          const obj = renderDirectoryObject(call.ctx.state, id);
          if (!obj) continue;
          const type = String(obj["@odata.type"]).replace("#microsoft.graph.", "").toLowerCase();
          if (!types || types.includes(type)) value.push(obj);
        }
        return ok({ "@odata.context": metadataUrl(call, "directoryObjects"), value });
      },
    },
  },
];
