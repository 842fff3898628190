/**
 * Structured logs and the audit log. Every log line is one event in {@code key=value} form
 * ({@link io.bmagent.audit.KeyValueFormatter}); every mutating API call leaves one line on the {@code bmagent.audit}
 * logger ({@link io.bmagent.audit.AuditInterceptor}) saying who asked for what and how it ended, with every field
 * named like a secret redacted ({@link io.bmagent.audit.Redactor}).
 */
package io.bmagent.audit;
