/**
 * The native calls vhost-user needs and Java does not offer: a Unix socket that receives file descriptors
 * ({@code SCM_RIGHTS}), {@code mmap} of the front-end's memory file descriptors, and eventfds. JNA direct mapping;
 * nothing here is called per I/O request: descriptors and data are read from the mapped memory through direct
 * {@link java.nio.ByteBuffer}s made once per memory region.
 */
package io.bmagent.card.soft.vhost.sys;
