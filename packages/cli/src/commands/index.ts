import type { AnyCommand } from "../framework/command";
import { authLogin } from "./auth-login";
import { authLogout } from "./auth-logout";
import { authStatus } from "./auth-status";
import { completion } from "./completion";
import { configGet, configList, configSet, configUnset } from "./config";
import { contextList } from "./context-list";
import { emulatorStart } from "./emulator-start";
import { history } from "./history";
import { portal } from "./portal";
import { profileDelete } from "./profile-delete";
import { profileList } from "./profile-list";
import { profileSave } from "./profile-save";
import { profileShow } from "./profile-show";
import { requestCancel } from "./request-cancel";
import { requestList } from "./request-list";
import { roleActivate } from "./role-activate";
import { roleDeactivate } from "./role-deactivate";
import { roleList } from "./role-list";
import { roleShow } from "./role-show";
import { tenantList, tenantSwitch } from "./tenant";

/** The one registry: order here is the order in help and docs. */
export const commands: readonly AnyCommand[] = [
  authLogin,
  authStatus,
  authLogout,
  tenantList,
  tenantSwitch,
  roleList,
  roleShow,
  roleActivate,
  roleDeactivate,
  requestList,
  requestCancel,
  profileSave,
  profileList,
  profileShow,
  profileDelete,
  contextList,
  history,
  configGet,
  configSet,
  configUnset,
  configList,
  emulatorStart,
  portal,
  completion,
];
