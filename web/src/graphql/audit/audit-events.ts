import { graphql } from '../generated';

export const AuditEventsQuery = graphql(`
  query AuditEvents($filter: AuditEventFilterInput, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
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
        }
      }
      pageInfo { endCursor hasNextPage }
    }
  }
`);

export const AuditEventCountQuery = graphql(`
  query AuditEventCount($filter: AuditEventFilterInput) {
    auditEvents(filter: $filter, first: 1) { totalCount }
  }
`);

export const AuditExportPageQuery = graphql(`
  query AuditExportPage($filter: AuditEventFilterInput, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      edges {
        node {
          id
          seq
          status
          occurredAt
          sealedAt
          action
          application
          environment
          requestId
          actor { id kind displayName ip userAgent }
          subject { type id }
          data
          prevHash
          hash
          canonical
        }
      }
      pageInfo { endCursor hasNextPage }
    }
  }
`);

export const AuditEventDetailQuery = graphql(`
  query AuditEventDetail($seq: Int!) {
    auditEvent(seq: $seq) {
      id
      seq
      status
      occurredAt
      sealedAt
      action
      application
      environment
      requestId
      actor { id kind displayName ip userAgent }
      subject { type id }
      data
      prevHash
      hash
      canonical
      previousSeq
      nextSeq
    }
  }
`);

export const VerifyAuditChainQuery = graphql(`
  query VerifyAuditChain($input: VerifyAuditChainInput) {
    verifyAuditChain(input: $input) {
      valid
      checkedFrom
      checkedTo
      sealedFrom
      sealedTo
      pendingCount
      eventsChecked
      checkpointsChecked
      unsignedTail
      keyIds
      lastCheckpoint { seq time keyId }
      firstBroken { seq problem message }
    }
  }
`);

export const AuditHeadQuery = graphql(`
  query AuditHead {
    auditEvents(first: 20) { edges { node { seq } } }
  }
`);
