/**
 * Structured log lines for gateway and central: one JSON object per record, carrying the
 * process's identity and the fields of the request being served (request id, user, share).
 */
package io.tributary.proto.log;
