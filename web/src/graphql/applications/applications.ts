import { graphql } from '../generated';

export const ApplicationsQuery = graphql(`
  query Applications($after: String) {
    applications(first: 50, after: $after) {
      totalCount
      edges {
        node {
          id
          name
          team
          description
          archived
          environments { name position tier regulated timezone }
        }
      }
      pageInfo { endCursor hasNextPage }
    }
  }
`);

export const ApplicationDetailQuery = graphql(`
  query ApplicationDetail($name: String!) {
    application(name: $name) {
      id
      name
      team
      description
      archived
      createdAt
      environments { name position tier regulated timezone }
    }
    changes(first: 20, filter: { application: $name }) {
      edges { node { id version title sha createdAt ticket } }
    }
  }
`);

export const ChangeWindowsQuery = graphql(`
  query ChangeWindows($application: String!, $environment: String!) {
    changeWindows(application: $application, environment: $environment) {
      id
      name
      kind
      reason
      recurring
      rrule
      duration
      start
      end
      timezone
      environment
    }
    changeWindowStatus(application: $application, environment: $environment) {
      frozen
      allowed
      name
      localTime
      dayOfWeek
    }
  }
`);
