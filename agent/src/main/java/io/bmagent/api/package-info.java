/**
 * The gRPC transport: services that translate requests to domain calls and domain results to replies, and the one
 * place where domain refusals become {@link io.grpc.Status} with {@code google.rpc} details.
 */
package io.bmagent.api;
