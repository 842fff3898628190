/**
 * The soft card's instance metadata service: the EC2-compatible tree ({@link MetadataTree}) over HTTP/1.1
 * ({@link HttpRequest}, {@link MetadataServer}) over a minimal TCP endpoint spliced into the pipeline
 * ({@link TcpEndpoint}), answering only the host's own port at 169.254.169.254:80, as Firecracker's MMDS does.
 */
package io.bmagent.card.soft.net.metadata;
