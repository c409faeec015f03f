// Cloudflare Access in front of /admin*: the Worker checks the Cf-Access-Jwt-Assertion header itself,
// so a hostname Access does not cover (workers.dev, preview URLs) stays shut. Signed RS256 by the
// team's keys, which rotate: fetched from the team domain, never pinned.
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { Bindings } from "../env.ts";

export const ACCESS_HEADER = "Cf-Access-Jwt-Assertion";

export interface AccessConfig {
  /** https://<team>.cloudflareaccess.com: the tokens' issuer and where the keys are published. */
  issuer: string;
  /** The Access application's AUD tag. */
  audience: string;
}

/** Both variables set: Access; neither: none; one alone is a mistake the console must not run with. */
export function accessConfig(
  env: Pick<Bindings, "ACCESS_TEAM_DOMAIN" | "ACCESS_AUD">,
): AccessConfig | null | { missing: string } {
  const domain = env.ACCESS_TEAM_DOMAIN?.trim() ?? "";
  const audience = env.ACCESS_AUD?.trim() ?? "";
  if (!domain && !audience) return null;
  if (!domain) return { missing: "ACCESS_TEAM_DOMAIN" };
  if (!audience) return { missing: "ACCESS_AUD" };
  // "myteam.cloudflareaccess.com" or a whole origin (tests serve the keys from a local server).
  const issuer = new URL(/^[a-z]+:\/\//i.test(domain) ? domain : `https://${domain}`).origin;
  return { issuer, audience };
}

// One key set per team domain for the isolate's life: jose caches the keys and refetches them when a
// token names a key it does not know (rotation), at most every 30 s.
const keySets = new Map<string, JWTVerifyGetKey>();

function keySetOf(issuer: string): JWTVerifyGetKey {
  let keys = keySets.get(issuer);
  if (!keys) {
    keys = createRemoteJWKSet(new URL("/cdn-cgi/access/certs", issuer));
    keySets.set(issuer, keys);
  }
  return keys;
}

export type AccessCheck =
  | { ok: true /** A service token (a script), not a person signed in through a browser. */; service: boolean }
  | { ok: false; reason: string };

/** Verifies an Access token: signature by the team's keys (RS256 only), issuer, audience, exp and nbf. */
export async function verifyAccessToken(token: string | undefined, config: AccessConfig): Promise<AccessCheck> {
  if (!token) return { ok: false, reason: "is missing: sign in through Cloudflare Access" };
  try {
    const { payload } = await jwtVerify(token, keySetOf(config.issuer), {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: ["RS256"],
    });
    // Service tokens carry the token's client id as common_name and no e-mail address.
    return { ok: true, service: !payload.email && typeof payload.common_name === "string" };
  } catch (e) {
    const code = (e as { code?: string }).code ?? "ERR_UNKNOWN";
    // A bad token is the caller's; keys that cannot be fetched or read are ours to look at.
    if (!/^ERR_JW[TS]_|^ERR_JWKS_NO_MATCHING_KEY$/.test(code)) {
      console.error(JSON.stringify({ event: "access-keys-error", message: String(e) }));
    }
    return { ok: false, reason: `is not valid (${code})` };
  }
}
