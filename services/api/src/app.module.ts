import { Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { TypeOrmModule } from '@nestjs/typeorm';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { AuditModule } from '@gatehouse/audit';
import { IdentityModule } from '@gatehouse/identity';
import { IntegrationsModule } from '@gatehouse/integrations';
import { PipelinesModule } from '@gatehouse/pipelines';
import { PolicyModule } from '@gatehouse/policy';
import { ConfigModule, MetricsModule, flattenErrors, formatGraphQLError, statusFor, validationExceptionFactory, type Config } from '@gatehouse/shared';
import type { FastifyReply } from 'fastify';
import { NoSchemaIntrospectionCustomRule, type ExecutionResult, type GraphQLError, type ValidationRule } from 'graphql';
import { HttpDomainExceptionFilter } from './errors/http-exception.filter';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';
import { allEntities } from './migrations';

/** Limits every operation is checked against before it runs. */
export const QUERY_LIMITS = { maxDepth: 15, maxAliases: 15, maxCost: 5000 } as const;

function validationRules(config: Config): ValidationRule[] {
  const rules = [
    maxDepthRule({ n: QUERY_LIMITS.maxDepth, exposeLimits: true, ignoreIntrospection: false }),
    maxAliasesRule({ n: QUERY_LIMITS.maxAliases, exposeLimits: true }),
    costLimitRule({ maxCost: QUERY_LIMITS.maxCost, exposeLimits: true }),
  ] as unknown as ValidationRule[];
  // In production the schema is not for browsing: no introspection (the committed schema.gql is the reference).
  return config.nodeEnv === 'production' ? [...rules, NoSchemaIntrospectionCustomRule] : rules;
}

/** AppModule composes the pipelines, policy and audit services into one GraphQL API. */
@Module({})
export class AppModule {
  static forRoot(config: Config, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule,
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: databaseUrl,
          entities: allEntities,
          synchronize: false,
          migrationsRun: false, // migrations run before the app starts, under an advisory lock
          logging: false,
          extra: { max: 20, application_name: 'gatehouse-api' },
        }),
        GraphQLModule.forRoot<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          autoSchemaFile: true,
          sortSchema: true,
          path: '/graphql',
          graphiql: config.nodeEnv === 'development',
          jit: 1,
          allowBatchedQueries: false,
          validationRules: validationRules(config),
          context: (request: unknown, reply: FastifyReply) => ({ request, reply }),
          errorFormatter: (execution: ExecutionResult & { errors: readonly GraphQLError[] }, context: { reply?: FastifyReply; app?: { log: FastifyReply['log'] } }) => {
            const reply = context.reply;
            const log = reply?.log ?? context.app!.log;
            const requestId = String(reply?.request.id ?? 'unknown');
            const flat = flattenErrors(execution.errors);
            const errors = flat.map((error) => formatGraphQLError(error, requestId, log, { hideSuggestions: config.nodeEnv === 'production' }));
            return { statusCode: statusFor(execution, errors, flat), response: { data: execution.data ?? null, errors } };
          },
        }),
        IdentityModule,
        PipelinesModule,
        PolicyModule,
        AuditModule,
        IntegrationsModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_FILTER, useClass: HttpDomainExceptionFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            transform: true,
            whitelist: true,
            forbidUnknownValues: true,
            exceptionFactory: validationExceptionFactory,
          }),
        },
      ],
    };
  }
}
