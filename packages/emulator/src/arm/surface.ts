// Placeholder until the ARM surface lands: answers 501 for everything under /arm/.
import type { EmulatorContext } from "../context";
import { json, type Surface } from "../http/types";

export function createArmSurface(_ctx: EmulatorContext): Surface {
  return (req) =>
    req.path.startsWith("/arm/")
      ? json(501, { error: { code: "NotImplemented", message: `${req.method} ${req.path} is not implemented` } })
      : undefined;
}
