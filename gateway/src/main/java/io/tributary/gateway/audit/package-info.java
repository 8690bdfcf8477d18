/**
 * The gateway's audit trail: who read, wrote, deleted, moved or copied what, who signed in or
 * failed to, and what was done to keys, kept in a local queue until central has recorded it in
 * its hash-chained audit log.
 */
package io.tributary.gateway.audit;
