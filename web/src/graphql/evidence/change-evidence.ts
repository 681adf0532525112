import { graphql } from '../generated';

export const ChangeEvidenceQuery = graphql(`
  query ChangeEvidencePage($id: ID!) {
    change(id: $id) {
      id
      application
      version
      title
      ticket
      sha
      artifactDigest
      contentHash
      labels
      changedPaths
      linesAdded
      linesRemoved
      registeredBy
      createdAt
      commits { sha author message }
      currentEvidence {
        id
        kind
        source
        url
        createdAt
        attachedBy
        tests { passed failed skipped }
        coverage { percent }
        securityScan { tool critical high medium low }
        check { name status }
      }
    }
    changeEvidence(change: $id) {
      changeId
      headSeq
      pendingCount
      events {
        id
        seq
        status
        occurredAt
        action
        application
        environment
        requestId
        actor { id kind displayName }
        subject { type id }
        data
        prevHash
        hash
        canonical
      }
    }
    auditPublicKey { keyId algorithm publicKeyPem }
  }
`);
