/** `k6/net/grpc` shim: the client (its connect/invoke return promises the k6 transform awaits) and status codes. */
import { Client, STATUS_CODES } from '../../grpc/grpc-client.js';

export { Client };
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

export default { Client, ...STATUS_CODES };
