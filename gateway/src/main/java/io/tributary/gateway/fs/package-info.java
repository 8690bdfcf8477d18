/** Files the gateway writes with care of its own: private, durable, replaced atomically. */
package io.tributary.gateway.fs;
