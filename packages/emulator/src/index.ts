export type {
  AdminClock,
  ApprovalDecisionOptions,
  ApprovalDecisionResult,
  EmulatorAdmin,
  RuntimeSettings,
} from "./admin/api";
export { type CertificateOptions, type EmulatorCertificates, generateCertificates } from "./certs";
export { type Clock, createClock } from "./clock";
export { createEmulator, type Emulator, type EmulatorOptions, type EmulatorUser } from "./emulator";
export type { IssueAccessTokenOptions } from "./entra/index";
export type { AccessTokenClaims } from "./entra/types";
export type { ActiveFault, FaultKind, FaultSpec, RequestLogEntry } from "./http/faults";
export type { FetchLike } from "./http/in-process-fetch";
export {
  buildEnterpriseScenario,
  buildScaleScenario,
  type EnterpriseScenarioOptions,
} from "./scenario/enterprise";
export { loadScenario, type Scenario, ScenarioError, type ScenarioInput, validateScenario } from "./scenario/load";
export type {
  ApprovalRecord,
  EmulatorSettings,
  PolicyRecord,
  PolicySettings,
  PolicyTarget,
  RequestRecord,
} from "./state/model";
