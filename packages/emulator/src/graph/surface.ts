// Placeholder until the Graph surface lands: answers 501 for everything under /graph/.
import type { EmulatorContext } from "../context";
import { json, type Surface } from "../http/types";

export function createGraphSurface(_ctx: EmulatorContext): Surface {
  return (req) =>
    req.path.startsWith("/graph/")
      ? json(501, { error: { code: "NotImplemented", message: `${req.method} ${req.path} is not implemented` } })
      : undefined;
}
