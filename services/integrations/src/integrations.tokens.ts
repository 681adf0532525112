/** Injection token of the IntegrationsConfig. */
export const INTEGRATIONS_CONFIG = Symbol('INTEGRATIONS_CONFIG');
