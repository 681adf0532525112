import { formatTable, guarded, printJson, UsageError, type CommandOutput } from '../client/command-output';
import { graphql, resolveServer, type ServerFlags } from '../client/gatehouse-client';

const TIERS = ['DEVELOPMENT', 'TESTING', 'STAGING', 'PRODUCTION'] as const;

/** EnvironmentSpec is one `--env name:TIER[:regulated][:Time/Zone]`, as CreateApplicationInput takes it. */
export interface EnvironmentSpec {
  name: string;
  tier: (typeof TIERS)[number];
  regulated?: boolean;
  timezone?: string;
}

/** Parses `dev:DEVELOPMENT`, `prod:PRODUCTION:regulated`, `prod:PRODUCTION:regulated:Europe/London` or `qa:TESTING:UTC`. */
export function parseEnvironmentSpec(spec: string): EnvironmentSpec {
  const [name, tier, ...rest] = spec.split(':');
  const upper = tier?.toUpperCase();
  if (!name || !upper || !(TIERS as readonly string[]).includes(upper)) {
    throw new UsageError(`--env ${spec}: expected name:TIER[:regulated][:Time/Zone], TIER one of ${TIERS.join(', ')}`);
  }
  const environment: EnvironmentSpec = { name, tier: upper as EnvironmentSpec['tier'] };
  for (const part of rest) {
    if (part === 'regulated' && environment.regulated === undefined) environment.regulated = true;
    else if (part && environment.timezone === undefined && part !== 'regulated') environment.timezone = part;
    else throw new UsageError(`--env ${spec}: unexpected "${part}"`);
  }
  return environment;
}

const APPLICATION_FIELDS = 'id name team description archived createdAt environments { name tier regulated timezone position }';

const CREATE = `mutation CreateApplication($input: CreateApplicationInput!) { createApplication(input: $input) { ${APPLICATION_FIELDS} } }`;

const LIST = `query Applications($after: String, $includeArchived: Boolean!) {
  applications(first: 50, after: $after, includeArchived: $includeArchived) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${APPLICATION_FIELDS} } }
  } }`;

/** ApplicationView is an application as the CLI reads it. */
export interface ApplicationView {
  id: string;
  name: string;
  team: string;
  description: string;
  archived: boolean;
  createdAt: string;
  environments: (Required<EnvironmentSpec> & { position: number })[];
}

/** Options of `gatehouse app create`. */
export interface AppCreateOptions extends ServerFlags {
  team: string;
  env: string[];
  description?: string;
  json?: boolean;
}

/** Creates an application with its environments in promotion order. */
export async function appCreateAction(name: string, options: AppCreateOptions, output: CommandOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return guarded(output, options.json, async () => {
    if (!options.env.length) throw new UsageError('give at least one --env name:TIER');
    const environments = options.env.map(parseEnvironmentSpec);
    const { createApplication: application } = await graphql<{ createApplication: ApplicationView }>(resolveServer(options, env), CREATE, {
      input: { name, team: options.team, description: options.description, environments },
    });
    if (options.json) printJson(output, application);
    else output.out(`Created ${application.name} (team ${application.team}): ${pipelineOf(application)}\n`);
    return 0;
  });
}

/** Lists applications (every page, 50 at a time to stay under the server's query cost limit), as a table or JSON. */
export async function appListAction(options: ServerFlags & { json?: boolean; includeArchived?: boolean }, output: CommandOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return guarded(output, options.json, async () => {
    const server = resolveServer(options, env);
    const applications: ApplicationView[] = [];
    let after: string | null = null;
    for (;;) {
      type Page = { applications: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: ApplicationView }[] } };
      const page: Page = await graphql<Page>(server, LIST, { after, includeArchived: options.includeArchived ?? false });
      applications.push(...page.applications.edges.map((edge) => edge.node));
      if (!page.applications.pageInfo.hasNextPage || !page.applications.pageInfo.endCursor) break;
      after = page.applications.pageInfo.endCursor;
    }
    if (options.json) printJson(output, applications);
    else if (!applications.length) output.out('No applications.\n');
    else output.out(formatApplications(applications));
    return 0;
  });
}

/** A table: NAME, TEAM, ENVIRONMENTS (promotion order, `*` regulated), and ARCHIVED when any is. */
export function formatApplications(applications: ApplicationView[]): string {
  const anyArchived = applications.some((application) => application.archived);
  const headers = ['NAME', 'TEAM', 'ENVIRONMENTS', ...(anyArchived ? ['ARCHIVED'] : [])];
  const rows = applications.map((application) => [application.name, application.team, pipelineOf(application), ...(anyArchived ? [application.archived ? 'yes' : ''] : [])]);
  return formatTable(headers, rows);
}

function pipelineOf(application: ApplicationView): string {
  return [...application.environments]
    .sort((a, b) => a.position - b.position)
    .map((environment) => `${environment.name}${environment.regulated ? '*' : ''}`)
    .join(' → ');
}
