/**
 * The standard gRPC health checking protocol (grpc.health.v1.Health/Check) for k6's
 * `client.healthCheck([service])`: the request and response are one field each, so they are
 * encoded and decoded on protobuf's wire format (as reflection.ts does) instead of loading a
 * .proto file the script did not ask for.
 */
import { decodeFields, lengthDelimited } from './reflection.js';

/** The method path of the health check. */
export const HEALTH_CHECK_PATH = '/grpc.health.v1.Health/Check';

/** k6's serving-status constants (`grpc.HealthCheckServing` …), the values of the protocol's enum. */
export const HEALTH_STATUS = {
  HealthCheckUnknown: 0,
  HealthCheckServing: 1,
  HealthCheckNotServing: 2,
  // Spelled as k6 exports it.
  HealthCheckServiceUnkown: 3,
} as const;

/** A HealthCheckRequest for `service` ('' asks about the whole server). */
export function encodeHealthCheckRequest(service: string): Buffer {
  return service === '' ? Buffer.alloc(0) : lengthDelimited(1, Buffer.from(service));
}

/** The serving status of a HealthCheckResponse (0, UNKNOWN, when the field is absent). */
export function decodeHealthCheckStatus(bytes: Buffer): number {
  return decodeFields(bytes).find((f) => f.field === 1)?.value ?? 0;
}
