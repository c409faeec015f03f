// What travels on the digest queue: small pointers into D1, never recipient data (the ledger is the
// source of truth, so a message delivered twice or late does no harm).
export type DigestMessage = { kind: "plan"; edition: string } | { kind: "send"; edition: string; chunk: number };
