import { graphql } from '../generated';

export const PoliciesQuery = graphql(`
  query Policies($after: String) {
    policies(first: 25, after: $after) {
      edges {
        node {
          name
          createdAt
          versions
          latestVersion { version description message createdAt author { id kind displayName } }
          activations { environment version regulated activatedAt activatedBy { id displayName kind } }
        }
      }
      pageInfo { endCursor hasNextPage }
    }
  }
`);

export const PolicyDetailQuery = graphql(`
  query PolicyDetail($name: String!) {
    policy(name: $name) {
      name
      versions
      activations { environment version regulated activatedAt activatedBy { id displayName kind } }
    }
  }
`);

export const PolicyVersionQuery = graphql(`
  query PolicyVersionDetail($name: String!, $version: Int!) {
    policyVersion(name: $name, version: $version) {
      id
      name
      version
      hash
      message
      description
      default
      defaultApprovals { count groups }
      appliesTo { environments regulated }
      activeEnvironments
      createdAt
      author { id kind displayName }
      source
      rules { id effect reason description when approvals { count groups } }
    }
  }
`);

export const PolicyDiffQuery = graphql(`
  query PolicyDiff($name: String!, $from: Int!, $to: Int!) {
    diffPolicyVersions(name: $name, from: $from, to: $to) {
      name
      from
      to
      fromHash
      toHash
      reordered
      settingsChanged
      added { id effect reason when approvals { count groups } }
      removed { id effect reason when approvals { count groups } }
      changed {
        id
        fields
        before { effect reason description when approvals { count groups } }
        after { effect reason description when approvals { count groups } }
      }
    }
  }
`);

export const EvaluatePolicyQuery = graphql(`
  query EvaluatePolicy($input: EvaluatePolicyInput!) {
    evaluatePolicy(input: $input) {
      outcome
      basis
      policy
      version
      hash
      inputHash
      approvals { group count }
      matchedRules { id effect reason }
      explanation { id effect matched facts error }
    }
  }
`);

export const SimulatePolicyQuery = graphql(`
  query SimulatePolicy($input: SimulatePolicyInput!) {
    simulatePolicy(input: $input) {
      policy
      candidateVersion
      candidateHash
      total
      changed
      unchanged
      failedClosed
      transitions { label count fromOutcome toOutcome fromQuorum toQuorum }
      groups { application environment total changed }
      samples {
        id
        label
        application
        environment
        decidedAt
        fromOutcome
        toOutcome
        fromApprovals { group count }
        toApprovals { group count }
        matchedRules
      }
    }
  }
`);
