/**
 * A cloud is data, not code: every host pimkit talks to comes from one of these objects.
 * `graphResource` / `armResource` are the token audiences (the resource identifiers scopes are
 * built from); they stay the real identifiers even when the endpoints point at the local tenant.
 */
export interface Cloud {
  /** `public`, `usgov`, `china`, or the name a cloud file gives itself. */
  readonly name: string;
  /** Entra sign-in host, e.g. `https://login.microsoftonline.com` (no trailing slash). */
  readonly authorityHost: string;
  /** Microsoft Graph base without version, e.g. `https://graph.microsoft.com`. */
  readonly graphEndpoint: string;
  /** Azure Resource Manager base, e.g. `https://management.azure.com`. */
  readonly armEndpoint: string;
  /** Audience of Graph tokens; scopes are `${graphResource}/<Scope>`. */
  readonly graphResource: string;
  /** Audience of ARM tokens; the scope is `${armResource}/user_impersonation`. */
  readonly armResource: string;
  /** PEM of a CA to trust for this cloud only (custom clouds such as the local tenant). */
  readonly caCertPem?: string;
  /** Default tenant for this cloud (custom clouds such as the local tenant). */
  readonly tenantId?: string;
  /** Where the portal is served for this cloud, when it is (the local tenant). */
  readonly portalUrl?: string;
}

export const publicCloud: Cloud = {
  name: "public",
  authorityHost: "https://login.microsoftonline.com",
  graphEndpoint: "https://graph.microsoft.com",
  armEndpoint: "https://management.azure.com",
  graphResource: "https://graph.microsoft.com",
  armResource: "https://management.azure.com",
};

export const usGovCloud: Cloud = {
  name: "usgov",
  authorityHost: "https://login.microsoftonline.us",
  graphEndpoint: "https://graph.microsoft.us",
  armEndpoint: "https://management.usgovcloudapi.net",
  graphResource: "https://graph.microsoft.us",
  armResource: "https://management.usgovcloudapi.net",
};

export const chinaCloud: Cloud = {
  name: "china",
  authorityHost: "https://login.chinacloudapi.cn",
  graphEndpoint: "https://microsoftgraph.chinacloudapi.cn",
  armEndpoint: "https://management.chinacloudapi.cn",
  graphResource: "https://microsoftgraph.chinacloudapi.cn",
  armResource: "https://management.chinacloudapi.cn",
};

export const builtInClouds: Readonly<Record<"public" | "usgov" | "china", Cloud>> = {
  public: publicCloud,
  usgov: usGovCloud,
  china: chinaCloud,
};

export type BuiltInCloudName = keyof typeof builtInClouds;

export function isBuiltInCloudName(name: string): name is BuiltInCloudName {
  return Object.hasOwn(builtInClouds, name);
}

/**
 * The JSON a cloud file holds (what `pimkit-emulator` writes as `cloudFile`). Every URL must be
 * https. Parsing lives in the CLI (it reads files); the shape lives here so both ends agree.
 */
export interface CloudFile {
  readonly name: string;
  readonly authorityHost: string;
  readonly graphEndpoint: string;
  readonly armEndpoint: string;
  readonly graphResource?: string;
  readonly armResource?: string;
  readonly caCertPem?: string;
  readonly tenantId?: string;
  readonly portalUrl?: string;
}

/** Validates a parsed cloud file; returns a list of problems (empty when valid). */
export function validateCloudFile(value: unknown): { cloud?: Cloud; problems: string[] } {
  const problems: string[] = [];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { problems: ["the cloud file must hold a JSON object"] };
  }
  const v = value as Record<string, unknown>;
  const str = (key: string, required: boolean): string | undefined => {
    const x = v[key];
    if (x === undefined || x === null) {
      if (required) problems.push(`${key} is required`);
      return undefined;
    }
    if (typeof x !== "string" || x.length === 0) {
      problems.push(`${key} must be a non-empty string`);
      return undefined;
    }
    return x;
  };
  const url = (key: string, required: boolean): string | undefined => {
    const x = str(key, required);
    if (x === undefined) return undefined;
    try {
      const u = new URL(x);
      if (u.protocol !== "https:") problems.push(`${key} must be an https URL`);
    } catch {
      problems.push(`${key} is not a URL`);
    }
    return x.replace(/\/+$/, "");
  };
  const name = str("name", true);
  const authorityHost = url("authorityHost", true);
  const graphEndpoint = url("graphEndpoint", true);
  const armEndpoint = url("armEndpoint", true);
  const graphResource = str("graphResource", false) ?? publicCloud.graphResource;
  const armResource = str("armResource", false) ?? publicCloud.armResource;
  const caCertPem = str("caCertPem", false);
  if (caCertPem !== undefined && !caCertPem.includes("-----BEGIN CERTIFICATE-----")) {
    problems.push("caCertPem must be a PEM certificate");
  }
  const tenantId = str("tenantId", false);
  const portalUrl = url("portalUrl", false);
  if (problems.length > 0 || !name || !authorityHost || !graphEndpoint || !armEndpoint) {
    return { problems };
  }
  const cloud: Cloud = {
    name,
    authorityHost,
    graphEndpoint,
    armEndpoint,
    graphResource,
    armResource,
    ...(caCertPem ? { caCertPem } : {}),
    ...(tenantId ? { tenantId } : {}),
    ...(portalUrl ? { portalUrl } : {}),
  };
  return { cloud, problems };
}
