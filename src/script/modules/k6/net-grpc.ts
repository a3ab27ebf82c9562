/** `k6/net/grpc` shim: the client (its connect/invoke return promises the k6 transform awaits), streams, status codes and health-check serving statuses. */
import { Client, STATUS_CODES } from '../../grpc/grpc-client.js';
import { Stream } from '../../grpc/grpc-stream.js';
import { HEALTH_STATUS } from '../../grpc/health.js';

export { Client, Stream };
export const {
  StatusOK,
  StatusCanceled,
  StatusUnknown,
  StatusInvalidArgument,
  StatusDeadlineExceeded,
  StatusNotFound,
  StatusAlreadyExists,
  StatusPermissionDenied,
  StatusResourceExhausted,
  StatusFailedPrecondition,
  StatusAborted,
  StatusOutOfRange,
  StatusUnimplemented,
  StatusInternal,
  StatusUnavailable,
  StatusDataLoss,
  StatusUnauthenticated,
} = STATUS_CODES;

export const {
  HealthCheckUnknown,
  HealthCheckServing,
  HealthCheckNotServing,
  HealthCheckServiceUnkown,
} = HEALTH_STATUS;

export default { Client, Stream, ...STATUS_CODES, ...HEALTH_STATUS };
