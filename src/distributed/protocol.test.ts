import { describe, expect, it } from 'vitest';
import { decode, encode, nonce, proof, proofMatches } from './protocol.js';

describe('protocol authentication', () => {
  const cn = nonce();
  const an = nonce();

  it('accepts the proof of a peer holding the token and refuses any other', () => {
    const agentProof = proof('s3cret', 'agent', 'test-1', cn, an);
    expect(proofMatches(proof('s3cret', 'agent', 'test-1', cn, an), agentProof)).toBe(true);
    expect(proofMatches(proof('other', 'agent', 'test-1', cn, an), agentProof)).toBe(false);
    // Another test id, another nonce (a replay), or the other role's proof: refused.
    expect(proofMatches(proof('s3cret', 'agent', 'test-2', cn, an), agentProof)).toBe(false);
    expect(proofMatches(proof('s3cret', 'agent', 'test-1', nonce(), an), agentProof)).toBe(false);
    expect(proofMatches(proof('s3cret', 'controller', 'test-1', an, cn), agentProof)).toBe(false);
    expect(proofMatches(proof('s3cret', 'agent', 'test-1', cn, an), undefined)).toBe(false);
    expect(proofMatches(proof('s3cret', 'agent', 'test-1', cn, an), '')).toBe(false);
  });

  it('round-trips frames and rejects what is not a message', () => {
    expect(decode(encode({ type: 'ping', t1: 1.5 }))).toEqual({ type: 'ping', t1: 1.5 });
    expect(decode(Buffer.from('{"type":"stop"}'))).toEqual({ type: 'stop' });
    expect(decode('not json')).toBeUndefined();
    expect(decode('[1]')).toBeUndefined();
    expect(decode('{"x":1}')).toBeUndefined();
  });
});
