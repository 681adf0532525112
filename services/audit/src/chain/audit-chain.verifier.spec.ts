import { canonicalBytes, chainHash, GENESIS_HASH } from './audit-chain.canonical';
import { AuditChainProblem, ChainVerifier, type ChainCheckpoint, type ChainEntry } from './audit-chain.verifier';
import { checkpointPayloadBytes } from '../checkpoint/audit-checkpoint';
import { AuditSigner } from '../checkpoint/audit-signer';

/** A valid chain of `n` entries and a signer's checkpoints at the given seqs. */
function aChain(n: number, checkpointAt: number[] = [], signer = AuditSigner.generate()) {
  const entries: ChainEntry[] = [];
  let prev: Buffer = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const canonical = canonicalBytes({ seq, action: 'x.y', data: { seq } });
    const hash = chainHash(prev, canonical);
    entries.push({ seq, canonical, prevHash: prev, hash });
    prev = hash;
  }
  const checkpoints: ChainCheckpoint[] = [];
  for (const seq of checkpointAt) {
    const previous = checkpoints.at(-1);
    const payloadBytes = checkpointPayloadBytes({
      v: 1,
      seq,
      hash: entries[seq - 1]!.hash.toString('hex'),
      time: '2026-11-26T15:00:00.000Z',
      keyId: signer.keyId,
      previous: previous ? { seq: previous.seq, signature: previous.signature.toString('base64') } : null,
    });
    checkpoints.push({ seq, hash: entries[seq - 1]!.hash, keyId: signer.keyId, payloadBytes, signature: signer.sign(payloadBytes) });
  }
  return { entries, checkpoints, signer, publicKeys: new Map([[signer.keyId, signer.publicKeyPem]]) };
}

describe(ChainVerifier.name, () => {
  it('accepts a valid chain and reports checkpoints and the unsigned tail', () => {
    const { entries, checkpoints, publicKeys } = aChain(10, [4, 8]);
    const verifier = new ChainVerifier({ fromSeq: 1, publicKeys, checkpoints });
    verifier.add(entries.slice(0, 5));
    verifier.add(entries.slice(5));
    expect(verifier.finish()).toMatchObject({ valid: true, checkedFrom: 1, checkedTo: 10, eventsChecked: 10, checkpointsChecked: 2, unsignedTail: 2, firstBroken: null });
  });

  it('names a seq that appears twice', () => {
    const { entries, publicKeys } = aChain(3);
    const verifier = new ChainVerifier({ fromSeq: 1, publicKeys, checkpoints: [] });
    verifier.add([entries[0]!, entries[1]!, entries[1]!]);
    expect(verifier.finish().firstBroken).toMatchObject({ seq: 2, problem: AuditChainProblem.OUT_OF_ORDER });
  });

  it('names a checkpoint that does not follow the one before it', () => {
    const { entries, checkpoints, publicKeys } = aChain(9, [3, 6, 9]);
    const verifier = new ChainVerifier({ fromSeq: 1, publicKeys, checkpoints: [checkpoints[0]!, checkpoints[2]!] });
    verifier.add(entries);
    expect(verifier.finish().firstBroken).toMatchObject({ seq: 9, problem: AuditChainProblem.BROKEN_CHECKPOINT_CHAIN });
  });

  it('refuses checkpoints by a key other than the pinned one', () => {
    const { entries, checkpoints, publicKeys } = aChain(4, [2]);
    const verifier = new ChainVerifier({ fromSeq: 1, publicKeys, checkpoints, pinnedKeyIds: new Set(['someone-else']) });
    verifier.add(entries);
    expect(verifier.finish().firstBroken).toMatchObject({ seq: 2, problem: AuditChainProblem.UNKNOWN_SIGNING_KEY });
  });

  it('names a forged checkpoint beyond the end of the chain as forged, not as a truncation', () => {
    const { entries, checkpoints, publicKeys } = aChain(5, [2]);
    const forged: ChainCheckpoint = { ...checkpoints[0]!, seq: 9, signature: Buffer.alloc(64) };
    const verifier = new ChainVerifier({ fromSeq: 1, publicKeys, checkpoints: [checkpoints[0]!, forged] });
    verifier.add(entries);
    expect(verifier.finish().firstBroken).toMatchObject({ seq: 9, problem: AuditChainProblem.FORGED_CHECKPOINT });
  });

  it('verifies a range from its anchor hash', () => {
    const { entries, publicKeys } = aChain(6);
    const verifier = new ChainVerifier({ fromSeq: 4, anchorHash: entries[2]!.hash, publicKeys, checkpoints: [] });
    verifier.add(entries.slice(3));
    expect(verifier.finish()).toMatchObject({ valid: true, checkedFrom: 4, checkedTo: 6 });
  });

  it('names a range whose first event does not continue from the anchor', () => {
    const { entries, publicKeys } = aChain(6);
    const verifier = new ChainVerifier({ fromSeq: 4, anchorHash: entries[1]!.hash, publicKeys, checkpoints: [] });
    verifier.add(entries.slice(3));
    expect(verifier.finish().firstBroken).toMatchObject({ seq: 4, problem: AuditChainProblem.BROKEN_LINK });
  });
});
