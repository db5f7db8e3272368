// go-livepeer wire: protobuf messages and the pure helpers both the orchestrator and gateway use.
export * from "./bytes.ts";
export * from "./capabilities.ts";
export * from "./gen/net/lp_rpc_pb.ts";
export * from "./headers.ts";
export * from "./payment.ts";
export * from "./signatures.ts";
export * from "./status.ts";
export * from "./tickets.ts";
