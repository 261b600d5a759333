/** A request's failure with its protocol error code; anything else a handler throws is answered as 'failed'. */
import type { ErrorCode } from '../protocol.ts';

export class ReplyError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
  }
}

