export * from "./api-versions";
export type * from "./arm";
export * from "./clouds";
export type * from "./graph";
export { graphBatchLimit } from "./graph";
export * from "./portal-headers";
export * from "./scopes";
