import { graphql } from '../generated';

export const PromotionsQuery = graphql(`
  query Promotions($filter: PromotionFilter, $first: Int, $after: String) {
    promotions(filter: $filter, first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id
          application
          environment
          sourceEnvironment
          version
          state
          emergency
          requestedAt
          updatedAt
          requestedBy { username displayName }
          decision { outcome basis }
          change { id title }
          approvalProgress { group required granted }
        }
      }
      pageInfo { endCursor hasNextPage }
    }
  }
`);

export const PromotionDetailQuery = graphql(`
  query PromotionDetail($id: ID!) {
    promotion(id: $id) {
      id
      application
      environment
      sourceEnvironment
      version
      state
      emergency
      ticket
      reason
      requestedAt
      updatedAt
      expiresAt
      requestedBy { id username displayName }
      change {
        id
        title
        ticket
        sha
        artifactDigest
        registeredBy
        commits { sha author message }
      }
      decision {
        id
        outcome
        basis
        trigger
        decidedAt
        policyName
        policyVersion
        policyHash
        inputHash
        input
        approvalsRequired { group count }
        matchedRules { id effect reason }
        explanation { id effect matched facts error }
        errors { ruleId message }
      }
      decisions { id outcome basis trigger decidedAt supersededAt policyName policyVersion }
      approvals {
        id
        vote
        comment
        groups
        counted
        createdAt
        dismissedAt
        dismissReason
        approver { username displayName }
      }
      approvalProgress { group required granted approvers }
      deployments { id status url details reportedAt reportedBy { username displayName } }
      timeline { at kind summary actor }
      myEligibility { canApprove code reason groups }
      review { dueAt overdue completedAt comment groups completedBy { username displayName } }
    }
  }
`);

export const PromotionLiveQuery = graphql(`
  query PromotionLive($id: ID!) {
    promotion(id: $id) {
      id
      state
      updatedAt
      approvalProgress { group required granted approvers }
      myEligibility { canApprove code reason groups }
    }
  }
`);

export const PromotionAuditQuery = graphql(`
  query PromotionAudit($filter: AuditEventFilterInput) {
    auditEvents(filter: $filter, first: 50) {
      edges {
        node {
          id
          seq
          status
          occurredAt
          action
          actor { id kind displayName }
          environment
        }
      }
    }
  }
`);

export const PendingApprovalsQuery = graphql(`
  query PendingApprovals($first: Int, $after: String) {
    pendingApprovals(first: $first, after: $after) {
      totalCount
      edges {
        node {
          why
          groups
          promotion {
            id
            application
            environment
            version
            state
            requestedAt
            expiresAt
            reason
            requestedBy { username displayName }
            change { id title ticket }
            decision { outcome matchedRules { id reason } }
            approvalProgress { group required granted approvers }
            myEligibility { canApprove code reason groups }
          }
        }
      }
      pageInfo { endCursor hasNextPage }
    }
  }
`);

export const ApprovePromotionMutation = graphql(`
  mutation ApprovePromotion($input: ApprovePromotionInput!) {
    approvePromotion(input: $input) {
      id
      state
      updatedAt
      approvalProgress { group required granted approvers }
      myEligibility { canApprove code reason groups }
    }
  }
`);

export const RejectPromotionMutation = graphql(`
  mutation RejectPromotion($input: RejectPromotionInput!) {
    rejectPromotion(input: $input) {
      id
      state
      updatedAt
      approvalProgress { group required granted approvers }
      myEligibility { canApprove code reason groups }
    }
  }
`);

export const EnvironmentStatusQuery = graphql(`
  query EnvironmentStatus($application: String!) {
    environmentStatus(application: $application) {
      environment
      position
      version
      changeId
      deployedAt
      promotion { id }
      inFlight { id state version }
    }
  }
`);

export const ChangePromotionsQuery = graphql(`
  query ChangePromotions($filter: PromotionFilter) {
    promotions(filter: $filter, first: 15) {
      edges {
        node {
          id
          environment
          state
          emergency
          requestedAt
          reason
          requestedBy { username displayName }
          decision {
            outcome
            basis
            policyName
            policyVersion
            policyHash
            inputHash
            decidedAt
            approvalsRequired { group count }
            matchedRules { id effect reason }
          }
          approvals { vote comment groups counted createdAt dismissedAt approver { username displayName } }
          deployments { status url reportedAt reportedBy { username displayName } }
          review { completedAt comment completedBy { username displayName } }
        }
      }
    }
  }
`);

export const DashboardPromotionsQuery = graphql(`
  query DashboardPromotions($filter: PromotionFilter, $first: Int, $after: String) {
    promotions(first: $first, after: $after, filter: $filter) {
      totalCount
      edges {
        node {
          id
          application
          environment
          version
          state
          emergency
          requestedAt
          updatedAt
          change { createdAt }
          deployments { status reportedAt }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const RequestPromotionMutation = graphql(`
  mutation RequestPromotion($input: RequestPromotionInput!) {
    requestPromotion(input: $input) { id state }
  }
`);

export const ApplicationEnvironmentsQuery = graphql(`
  query ApplicationEnvironments($name: String!) {
    application(name: $name) { name environments { name position } }
  }
`);

export const PendingPromotionsQuery = graphql(`
  query PendingPromotions {
    promotions(first: 25, filter: { states: [PENDING_APPROVAL] }) {
      edges {
        node {
          id
          application
          environment
          version
          requestedAt
          requestedBy { username displayName }
          change { title ticket }
          approvalProgress { group required granted }
          myEligibility { canApprove code reason groups }
        }
      }
    }
  }
`);

export const ReplayDecisionQuery = graphql(`
  query ReplayDecision($id: ID!) {
    replayDecision(id: $id) { decisionId matches inputHashMatches policyHashMatches storedOutcome replayedOutcome differences }
  }
`);

export const OverdueReviewsQuery = graphql(`
  query OverdueReviews {
    overdueReviews { promotionId application environment dueAt groups }
  }
`);
