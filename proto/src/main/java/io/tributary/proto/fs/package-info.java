/** Files only the service user may read, replaced atomically. */
package io.tributary.proto.fs;
