export { buildProgram } from './main';
export { configPath, readConfig, writeConfig, removeConfig, type ClientConfig } from './client/client-config';
export { graphql, resolveServer, GatehouseClientError, type Server } from './client/gatehouse-client';
export type { CommandOutput } from './client/command-output';
export { loginAction, logoutAction, whoamiAction } from './login/login.actions';
export { appCreateAction, appListAction, parseEnvironmentSpec } from './application/application.actions';
export { changeRegisterAction } from './change/change.actions';
export { evidenceAttachAction } from './evidence/evidence.actions';
export { promoteAction, voteAction, deployReportAction, statusAction, waitAction, parseDuration, progressLine, WAIT_EXIT, GATE_OPEN, GATE_CLOSED, type PromotionView } from './promotion/promotion.actions';
