import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access/access.guard';
import { Authenticator } from './access/authenticator';
import { ApiTokenRepository } from './api-token/api-token.repository';
import { ApiTokenResolver } from './api-token/api-token.resolver';
import { ApiTokenService } from './api-token/api-token.service';
import { IdentityBootstrap } from './bootstrap/identity-bootstrap';
import { GroupRepository } from './group/group.repository';
import { GroupResolver } from './group/group.resolver';
import { GroupService } from './group/group.service';
import { SessionRepository } from './session/session.repository';
import { SessionResolver } from './session/session.resolver';
import { SessionService } from './session/session.service';
import { OidcAccountRepository } from './oidc/oidc-account.repository';
import { OidcIssuerClient } from './oidc/oidc-issuer.client';
import { OidcLoginService } from './oidc/oidc-login.service';
import { OidcController } from './oidc/oidc.controller';
import { UserRepository } from './user/user.repository';
import { UserResolver } from './user/user.resolver';
import { UserService } from './user/user.service';

/** IdentityModule: users, groups, roles, API tokens, sessions, single sign-on, and the guard in front of every operation. */
@Module({
  controllers: [OidcController],
  providers: [
    UserRepository,
    UserService,
    UserResolver,
    GroupRepository,
    GroupService,
    GroupResolver,
    ApiTokenRepository,
    ApiTokenService,
    ApiTokenResolver,
    SessionRepository,
    SessionService,
    SessionResolver,
    OidcIssuerClient,
    OidcAccountRepository,
    OidcLoginService,
    Authenticator,
    IdentityBootstrap,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [GroupService, UserService, IdentityBootstrap],
})
export class IdentityModule {}
