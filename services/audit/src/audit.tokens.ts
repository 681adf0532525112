/** Injection tokens of the audit module. */
export const AUDIT_DATA_SOURCE = Symbol('gatehouse.audit.data-source');
export const AUDIT_SIGNER = Symbol('gatehouse.audit.signer');
export const AUDIT_SEALER_OPTIONS = Symbol('gatehouse.audit.sealer-options');
