import { describe, expect, it } from 'vitest';
import { type EchoAccounting, echoWarning } from './request-accounting.js';

const echo = (over: Partial<EchoAccounting>): EchoAccounting => ({
  sent: 0,
  answered: 0,
  unanswered: {},
  failedHandshakes: 0,
  ...over,
});

describe('echoWarning', () => {
  it('is silent when most messages were echoed and no handshake failed', () => {
    expect(echoWarning(echo({ sent: 100, answered: 98, unanswered: { interrupted: 2 } }))).toBe(
      undefined,
    );
    expect(echoWarning(echo({}))).toBe(undefined);
  });

  it('names the unanswered messages by class when nothing was echoed', () => {
    expect(echoWarning(echo({ sent: 5, unanswered: { reset: 3, interrupted: 2 } }))).toBe(
      'the peer echoed none of the 5 messages sent (unanswered: 3 reset, 2 interrupted): these results describe no round trip at all',
    );
  });

  it('gives the share when less than half was echoed', () => {
    expect(echoWarning(echo({ sent: 10, answered: 3, unanswered: { closed: 7 } }))).toBe(
      'the peer echoed only 3 of the 10 messages sent (30.0%) (unanswered: 7 closed)',
    );
  });

  it('reports refused handshakes, alone or with the echoes', () => {
    expect(echoWarning(echo({ failedHandshakes: 4 }))).toBe(
      'the peer accepted none of the 4 WebSocket handshakes: no message was sent',
    );
    expect(echoWarning(echo({ sent: 10, answered: 10, failedHandshakes: 1 }))).toBe(
      '1 WebSocket handshakes were refused',
    );
  });
});
