/**
 * Temporal's history JSON (what the CLI and the UI export), written exactly as
 * `historyToJSON` from `@temporalio/common/lib/proto-utils` writes it. That helper
 * cannot run in this repository: it takes protojson from @temporalio/common's copy
 * of protobufjs and the types from @temporalio/proto's copy (npm installs two,
 * because grpc's protobufjs 7 is hoisted), and protojson rejects types of another
 * copy ("type must be a Type"). Here both come from @temporalio/proto's copy.
 */
import { createRequire } from 'node:module';
import type { Root } from 'protobufjs';
import type protojsonModule from 'protobufjs/ext/protojson.js';
import proto from '@temporalio/proto';

const requireHere = createRequire(import.meta.url);
const protoRoot = requireHere('@temporalio/proto/protos/root.js') as Root;
const historyType = protoRoot.lookupType('temporal.api.history.v1.History');
const protojson = createRequire(requireHere.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as typeof protojsonModule;

export function historyToJSON(history: proto.temporal.api.history.v1.IHistory): string {
  const message = proto.temporal.api.history.v1.History.fromObject(history);
  return JSON.stringify(protojson.toJson(historyType, message), null, 2);
}
