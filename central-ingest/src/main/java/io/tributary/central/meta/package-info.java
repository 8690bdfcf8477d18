/**
 * The metadata store: shares, their entries (the namespace as central sees it), the change log
 * each share's feed is read from, previous file versions, conflicts and gateway state, behind one
 * JDBC layer whose SQL runs unchanged on SQLite (the embedded default) and PostgreSQL, and stays
 * inside what CockroachDB accepts. Nothing here is authoritative in memory: revisions are taken
 * from the share's row inside the committing transaction, so several central nodes may share a
 * database.
 */
package io.tributary.central.meta;
