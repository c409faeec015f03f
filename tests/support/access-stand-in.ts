// A stand-in for a Cloudflare Access team domain: serves the team's public keys at
// /cdn-cgi/access/certs, as https://<team>.cloudflareaccess.com does. The tests sign tokens with the
// private key (handed to them as a JWK) and the Worker verifies them against this key set.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";

export const ACCESS_KEY_ID = "test-access-key";

export async function startAccessStandIn() {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid: ACCESS_KEY_ID, alg: "RS256", use: "sig" };
  const privateJwk = { ...(await exportJWK(privateKey)), kid: ACCESS_KEY_ID, alg: "RS256" };
  const server = createServer((req, res) => {
    if (req.url === "/cdn-cgi/access/certs") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ keys: [publicJwk], public_cert: { kid: ACCESS_KEY_ID } }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    privateJwk: JSON.stringify(privateJwk),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
