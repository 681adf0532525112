import { Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@gatehouse/audit';
import { PipelinesModule } from '@gatehouse/pipelines';
import { PolicyModule } from '@gatehouse/policy';
import { ConfigModule, flattenErrors, formatGraphQLError, statusFor, validationExceptionFactory, type Config } from '@gatehouse/shared';
import type { FastifyReply } from 'fastify';
import type { ExecutionResult, GraphQLError } from 'graphql';
import { HealthController } from './health/health.controller';
import { allEntities } from './migrations';

/** AppModule composes the pipelines, policy and audit services into one GraphQL API. */
@Module({})
export class AppModule {
  static forRoot(config: Config, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
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
          context: (request: unknown, reply: FastifyReply) => ({ request, reply }),
          errorFormatter: (execution: ExecutionResult & { errors: readonly GraphQLError[] }, context: { reply?: FastifyReply; app?: { log: FastifyReply['log'] } }) => {
            const reply = context.reply;
            const log = reply?.log ?? context.app!.log;
            const requestId = String(reply?.request.id ?? 'unknown');
            const errors = flattenErrors(execution.errors).map((error) => formatGraphQLError(error, requestId, log));
            return { statusCode: statusFor(execution, errors), response: { data: execution.data ?? null, errors } };
          },
        }),
        PipelinesModule,
        PolicyModule,
        AuditModule,
      ],
      controllers: [HealthController],
      providers: [
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
