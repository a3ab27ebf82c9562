/**
 * The timing trail of one request, with k6's meaning (all in milliseconds):
 *
 *   queued ─ blocked ─▶ connect start ─ connecting ─▶ tcp up ─ tls_handshaking ─▶ send start
 *   send start ─ sending ─▶ sent ─ waiting ─▶ first byte ─ receiving ─▶ last byte
 *
 *   duration = sending + waiting + receiving  (connection set-up is excluded, as in k6)
 *
 * On a reused keep-alive connection `connecting` and `tls_handshaking` are 0 and `blocked` is the
 * time the request waited for a free connection.
 */
export class TimingTrail {
  blocked = 0;
  connecting = 0;
  tlsHandshaking = 0;
  sending = 0;
  waiting = 0;
  receiving = 0;
  duration = 0;
  /** When the request became ready to send (owner's clock, ms). */
  queuedAt = 0;
  /** When the first byte of the request was written. */
  sendStart = 0;
  /** When the last byte of the response arrived (or the failure happened). */
  endAt = 0;
  /** The owner's per-request number (e.g. the intended start time in open-model runs). */
  tag = 0;
  /** Bytes written for the request. */
  bytesSent = 0;
  /** Bytes read for the response (head + body as on the wire). */
  bytesReceived = 0;

  /**
   * Sets the request's times (HTTP/1.1 and HTTP/2 alike): `blocked` from queued to send start,
   * `sending` to `sent`, `waiting` to the first response byte (when `gotFirstByte`), `receiving`
   * to `end`; `duration = sending + waiting + receiving`.
   */
  setTimes(
    queuedAt: number,
    sendStart: number,
    sent: number,
    firstByteAt: number,
    gotFirstByte: boolean,
    end: number,
    tag: number,
  ): void {
    this.blocked = sendStart > queuedAt ? sendStart - queuedAt : 0;
    this.sending = sent - sendStart;
    if (gotFirstByte) {
      this.waiting = firstByteAt > sent ? firstByteAt - sent : 0;
      this.receiving = end > firstByteAt ? end - firstByteAt : 0;
    } else {
      this.waiting = end > sent ? end - sent : 0;
      this.receiving = 0;
    }
    this.duration = this.sending + this.waiting + this.receiving;
    this.queuedAt = queuedAt;
    this.sendStart = sendStart;
    this.endAt = end;
    this.tag = tag;
  }
}
