import { applyDecorators } from '@nestjs/common';

/**
 * AuditReadAccess marks everything that reads the audit log. Authentication and roles
 * (issue 3) do not exist yet; when they do, the role guard for auditors and compliance goes
 * here, once, and every audit resolver and the export route get it.
 */
export function AuditReadAccess(): ClassDecorator & MethodDecorator {
  return applyDecorators();
}
