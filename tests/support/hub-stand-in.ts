// A local stand-in for a WebSub hub (RFC: WebSub §7, publisher notification): records every
// "publish" POST, answers 204 like a hub that accepted it, and can be told to fail or to hang (hold
// every ping unanswered until reset, counting how many it held at once).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export interface HubStandIn {
  url: string;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

export async function startHubStandIn(): Promise<HubStandIn> {
  let pings: { mode: string | null; url: string | null; contentType: string | undefined }[] = [];
  let failNext = 0;
  let hang = false;
  let held: ServerResponse[] = [];
  let maxHeld = 0;
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://hub").pathname;
    if (path === "/__hub/state")
      return res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ pings, maxHeld }));
    if (path === "/__hub/reset") {
      pings = [];
      failNext = 0;
      hang = false;
      for (const r of held) r.destroy();
      held = [];
      maxHeld = 0;
      return res.writeHead(204).end();
    }
    if (path === "/__hub/hang") {
      hang = true;
      return res.writeHead(204).end();
    }
    if (path === "/__hub/fail") {
      failNext = Number(await body(req)) || 1;
      return res.writeHead(204).end();
    }
    if (req.method !== "POST") return res.writeHead(405).end();
    const form = new URLSearchParams(await body(req));
    if (hang) {
      held.push(res);
      maxHeld = Math.max(maxHeld, held.filter((r) => !r.destroyed && !r.socket?.destroyed).length);
      return;
    }
    if (failNext > 0) {
      failNext--;
      return res.writeHead(503).end("hub unavailable");
    }
    pings.push({ mode: form.get("hub.mode"), url: form.get("hub.url"), contentType: req.headers["content-type"] });
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const r of held) r.destroy();
        server.close(() => resolve());
      }),
  };
}
